package energyhub.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.math.BigDecimal;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * The soak (issue 23 item 4; bench/soak.sh starts the hub and this driver, docs/benchmarks.md "Soak"). Against one
 * running hub, for the run's duration, at the same time:
 * <ul>
 * <li>a gate: every quarter-hour (compressed to {@code quarterS} seconds) one package of {@code records} real-time
 * records per enterprise ({@link Generate#quarterHour}), all written as a burst at the quarter's start, each data file
 * renamed into the inbox before its manifest; and the gate's taking of the answers: the outbox listed every 10 ms,
 * each ACK (and its signature) read and taken away, its latency measured from its manifest's landing;</li>
 * <li>the two platforms: a consumer on each queue for the whole run, storing each chunk once by
 * ({@code hubBatchId}, {@code hubChunk}) as the queue contract says, and counting every record it holds;</li>
 * <li>a TCP client (the dev profile's {@code city-dev}) pushing {@code tcpBatches} DATA frames a quarter-hour, spread
 * over it, each answered by its ACK;</li>
 * <li>an energy supplier ({@code electricity-csv}, the hub polling its drop folder every 5 s): its accounts imported
 * through the registry folder first, then one CSV of a day's readings per quarter-hour, each answered by its report;</li>
 * <li>a sampler every 10 s: the hub's RSS, threads and open files (/proc), heap after GC and GC pauses (its GC log),
 * live data size and metaspace (actuator), Camel's in-flight exchanges (JMX through Jolokia), queue depths, the
 * broker journal's size, every PostgreSQL table's size and dead tuples.</li>
 * </ul>
 * Then it waits for every answer and record (at most {@code drainTimeoutS}), stops the hub (SIGTERM, so its shutdown
 * is in the log it reads), counts the hub log's ERROR lines and writes the report (markdown with the verdict against
 * issue 23's criteria) and the samples (CSV).
 *
 * <pre>Soak key=value...</pre> (bench/soak.sh gives every key). Exits 0 when every criterion passed, 1 otherwise.
 */
public final class Soak {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter NAME_TS = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd");
    private static final long SECOND = 1_000_000_000L;
    /** Tables whose retention the soak shortens (purged inside the run), by the purge that removes their rows. */
    static final Set<String> PURGED = Set.of("chunk", "batch", "delivery", "record_error", "camel_messageprocessed",
            "supplier_file", "supplier_row_error", "supplier_unmatched");
    private static final String SUPPLIER = "soak-grid";
    private static final String SUPPLIER_CODE = "SOAK";
    private static final String SUPPLIER_DATA_CODE = "0000000102330001";

    private final Map<String, String> opt;
    private final long hubPid;
    private final Path hubData;
    private final Path inbox;
    private final Path outbox;
    private final Path work;
    private final int enterprises;
    private final int records;
    private final int quarterS;
    /** Records/s at which a quarter's packages land (one after another, as a gate passes them); 0: all at once. */
    private final int burstRate;
    private final long durationS;
    private final int quarters;
    private final int tcpBatches;
    private final int tcpRecords;
    private final int supplierAccounts;
    private final long seed;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String httpBase;
    private final String auth = "Basic " + Base64.getEncoder().encodeToString("operator:operator-dev".getBytes(StandardCharsets.UTF_8));
    private final Map<String, String> secrets;

    private long t0;
    private Instant t0Instant;
    private volatile boolean stopping;
    private final LongArray expected = new LongArray();
    private final Map<String, Pkg> packages = new ConcurrentHashMap<>();
    private final AtomicLong duplicateAcks = new AtomicLong();
    private final AtomicLong unknownAcks = new AtomicLong();
    private final AtomicLong otherOutboxFiles = new AtomicLong();
    private final List<String> otherOutboxNames = new CopyOnWriteArrayList<>();
    private final List<Frame> frames = new CopyOnWriteArrayList<>();
    private volatile String tcpFailure;
    private final List<SupplierFile> supplierFiles = new CopyOnWriteArrayList<>();
    private volatile String supplierFailure;
    private final List<Map<String, String>> samples = new CopyOnWriteArrayList<>();
    private final Platform national;
    private final Platform provincial;

    /** One ferry package of the gate. */
    static final class Pkg {
        final String name;
        final int quarter;
        final int records;
        volatile long landed;
        volatile long acked;
        volatile String status;
        volatile long accepted;
        final java.util.concurrent.atomic.AtomicInteger acks = new java.util.concurrent.atomic.AtomicInteger();

        Pkg(String name, int quarter, int records) {
            this.name = name;
            this.quarter = quarter;
            this.records = records;
        }
    }

    /** One DATA frame of the TCP client. */
    record Frame(int quarter, long sent, long answered, String status, long accepted, int records) {
    }

    /** One supplier CSV. */
    static final class SupplierFile {
        final String name;
        final int rows;
        final long written;
        volatile long reported;
        volatile String status;
        volatile long accepted;

        SupplierFile(String name, int rows, long written) {
            this.name = name;
            this.rows = rows;
            this.written = written;
        }
    }

    /** A growable array of record identities. */
    static final class LongArray {
        private long[] a = new long[1 << 16];
        private int n;

        synchronized void add(long v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        synchronized void addAll(LongArray o) {
            long[] b = o.sorted();
            for (long v : b) {
                add(v);
            }
        }

        synchronized int size() {
            return n;
        }

        synchronized long[] sorted() {
            long[] c = Arrays.copyOf(a, n);
            Arrays.sort(c);
            return c;
        }
    }

    Soak(Map<String, String> opt) throws IOException {
        this.opt = opt;
        this.hubPid = Long.parseLong(opt.get("hubPid"));
        this.hubData = Path.of(opt.get("hubData"));
        this.inbox = hubData.resolve("ferry/inbox");
        this.outbox = hubData.resolve("ferry/outbox");
        this.work = Path.of(opt.get("work"));
        this.enterprises = Integer.parseInt(opt.get("enterprises"));
        this.records = Integer.parseInt(opt.get("records"));
        this.quarterS = Integer.parseInt(opt.get("quarterS"));
        this.burstRate = Integer.parseInt(opt.getOrDefault("burstRate", "0"));
        this.durationS = Long.parseLong(opt.get("durationS"));
        this.quarters = (int) ((durationS + quarterS - 1) / quarterS);
        this.tcpBatches = Integer.parseInt(opt.get("tcpBatches"));
        this.tcpRecords = Integer.parseInt(opt.get("tcpRecords"));
        this.supplierAccounts = Integer.parseInt(opt.get("supplierAccounts"));
        this.seed = Long.parseLong(opt.getOrDefault("seed", "42"));
        this.httpBase = "http://127.0.0.1:" + opt.get("httpPort");
        this.secrets = new TreeMap<>();
        for (String line : Files.readAllLines(hubData.resolve("dev-secrets.properties"))) {
            int i = line.indexOf('=');
            if (i > 0 && !line.startsWith("#")) {
                secrets.put(line.substring(0, i).trim(), line.substring(i + 1).trim());
            }
        }
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + opt.get("brokerPort"));
        this.national = new Platform(factory, Broker.NATIONAL, "national", secrets.get("hub.broker.national.password"));
        this.provincial = new Platform(factory, Broker.PROVINCIAL, "provincial",
                secrets.get("hub.broker.provincial.password"));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>();
        for (String a : args) {
            int i = a.indexOf('=');
            opt.put(a.substring(0, i), a.substring(i + 1));
        }
        Soak soak = new Soak(opt);
        boolean ok = soak.run();
        System.exit(ok ? 0 : 1);
    }

    private static void say(String format, Object... args) {
        System.err.printf("[%s] %s%n", Instant.now().toString().substring(11, 19), String.format(format, args));
    }

    private long elapsedNs() {
        return System.nanoTime() - t0;
    }

    private int minuteOf(long nanos) {
        return (int) Math.max(0, (nanos - t0) / (60 * SECOND));
    }

    private void sleepUntil(long nanos) throws InterruptedException {
        while (!stopping) {
            long left = nanos - System.nanoTime();
            if (left <= 0) {
                return;
            }
            Thread.sleep(Math.min(200, Math.max(1, left / 1_000_000)));
        }
    }

    boolean run() throws Exception {
        Path staging = work.resolve("gate-staging");
        Files.createDirectories(staging);
        Files.createDirectories(inbox);
        Files.createDirectories(outbox);
        // the first quarter's packages are ready before the clock starts
        Generate gate = new Generate(seed + 13, enterprises, "530500", true);
        String sender = Generate.code(new SplittableRandom(seed + 14), "530000");
        List<Pkg> next = prepare(gate, sender, staging, 0);
        LongArray nextIds = lastIds;

        // the hub's start-up collections are not the run's: the GC log is read from here on
        gcOffset = Files.exists(Path.of(opt.get("gcLog"))) ? Files.size(Path.of(opt.get("gcLog"))) : 0;
        burstCpuStart = new double[quarters];
        burstCpuEnd = new double[quarters];
        burstAcked = new java.util.concurrent.atomic.AtomicIntegerArray(quarters);
        hubCpuStart = hubCpuSeconds();
        t0 = System.nanoTime();
        t0Instant = Instant.now();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stopping = true));
        Thread acks = thread("ack-taker", this::takeAcks);
        national.start();
        provincial.start();
        Thread sampler = thread("sampler", this::sampleEvery10s);
        Thread tcp = tcpBatches > 0 ? thread("tcp-client", this::tcpClient) : null;
        Thread supplier = supplierAccounts > 0 ? thread("supplier", this::supplier) : null;
        say("soak: %d quarters of %d s, %d enterprises x %d records a quarter (%.0f records/s on average from the gate)",
                quarters, quarterS, enterprises, records, enterprises * (double) records / quarterS);

        for (int q = 0; q < quarters && !stopping; q++) {
            sleepUntil(t0 + q * quarterS * SECOND);
            if (stopping) {
                break;
            }
            long b0 = System.nanoTime();
            expected.addAll(nextIds);
            burstCpuStart[q] = hubCpuSeconds();
            int landedInBurst = 0;
            for (Pkg p : next) {
                if (burstRate > 0) {
                    // the burst's pace: package k lands k × records / burstRate seconds after the first
                    sleepUntil(b0 + (long) landedInBurst * records * SECOND / burstRate);
                }
                landedInBurst++;
                // as a gate: the data file complete first, then its manifest
                Files.move(staging.resolve(p.name), inbox.resolve(p.name), StandardCopyOption.ATOMIC_MOVE);
                packages.put(p.name, p);
                p.landed = System.nanoTime();
                Files.move(staging.resolve(p.name + ".manifest"), inbox.resolve(p.name + ".manifest"),
                        StandardCopyOption.ATOMIC_MOVE);
                p.landed = System.nanoTime();
            }
            say("quarter %d: %d packages landed in %.2f s; %d ACKs so far, %d/%d records held by the platforms", q,
                    next.size(), (System.nanoTime() - b0) / 1e9, ackCount(), national.unique(), provincial.unique());
            // two thirds into the quarter, when the burst is answered: the hub's live heap, by one full collection
            sleepUntil(t0 + q * quarterS * SECOND + quarterS * SECOND * 2 / 3);
            if (!stopping) {
                liveHeapCheck(q);
            }
            if (q + 1 < quarters) {
                // the next quarter's files are made late in this one, when the burst is answered (the hub and this
                // driver share the machine): two thirds into the quarter
                long p0 = System.nanoTime();
                next = prepare(gate, sender, staging, q + 1);
                nextIds = lastIds;
                prepareSeconds += (System.nanoTime() - p0) / 1e9;
            }
        }
        sleepUntil(t0 + durationS * SECOND);
        long writingEnd = System.nanoTime();
        say("writing phase over (%d packages); waiting for every answer and record", packages.size());
        if (tcp != null) {
            tcp.join();
        }
        long drainDeadline = System.nanoTime() + Long.parseLong(opt.getOrDefault("drainTimeoutS", "600")) * SECOND;
        while (!stopping && System.nanoTime() < drainDeadline) {
            boolean answered = packages.values().stream().allMatch(p -> p.acks.get() > 0)
                    && supplierFiles.stream().allMatch(f -> f.status != null);
            int want = expected.size();
            if (answered && national.unique() >= want && provincial.unique() >= want) {
                break;
            }
            Thread.sleep(500);
        }
        // late duplicates or extras would come now
        Thread.sleep(5000);
        stopping = true;
        long drainEnd = System.nanoTime();
        for (Thread t : new Thread[] {acks, sampler, supplier, national, provincial}) {
            if (t != null) {
                t.join(30_000);
            }
        }
        sample(true);
        hubCpuEnd = hubCpuSeconds();
        say("stopping the hub (pid %d) and reading its log", hubPid);
        stopHub();
        Report r = new Report(writingEnd, drainEnd);
        return r.write();
    }

    private int ackCount() {
        int n = 0;
        for (Pkg p : packages.values()) {
            if (p.acks.get() > 0) {
                n++;
            }
        }
        return n;
    }

    private LongArray lastIds;
    private double prepareSeconds;
    /** Quarters whose live-heap check was skipped because their burst was not answered yet. */
    private final List<Integer> liveChecksSkipped = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * The hub's live heap: one full collection ({@code jcmd PID GC.run}, i.e. System.gc()), in the quiet third of a
     * quarter-hour when its burst has been answered; the GC log's "Pause Full (Diagnostic Command)" line gives the heap
     * after it, the live data with nothing left for a later cycle. The lowest heap after the young collections
     * is not that: G1 promotes garbage into the old generation and marks it only when the old generation reaches
     * its threshold (45 % of the heap), so between two marking cycles it grows without anything being held.
     */
    private void liveHeapCheck(int q) {
        if (burstAcked.get(q) < enterprises) {
            liveChecksSkipped.add(q);
            return;
        }
        try {
            // its output is not needed (the GC log has the result); discarded, so the timeout below is the only wait
            Process p = new ProcessBuilder("jcmd", String.valueOf(hubPid), "GC.run").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                say("quarter %d: jcmd %d GC.run did not end within 60 s; stopped, no live-heap figure this quarter", q, hubPid);
            } else if (p.exitValue() != 0) {
                say("quarter %d: jcmd %d GC.run failed (exit %d); no live-heap figure this quarter", q, hubPid, p.exitValue());
            }
        } catch (IOException e) {
            say("quarter %d: jcmd %d GC.run could not run: %s", q, hubPid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** How a quarter's packages land, for the report. */
    private String burstLanding() {
        return burstRate <= 0 ? "at once" : String.format(Locale.ROOT, "at %,d records/s (%.0f packages/s, %.1f s a burst)",
                burstRate, burstRate / (double) records, enterprises * (double) records / burstRate);
    }

    /** Per quarter: the hub's CPU seconds when its burst began to land, and when its last ACK was taken. */
    private double[] burstCpuStart;
    private double[] burstCpuEnd;
    private java.util.concurrent.atomic.AtomicIntegerArray burstAcked;

    /** Writes quarter {@code q}'s packages into the staging folder; their identities go to {@link #lastIds}. */
    private List<Pkg> prepare(Generate gate, String sender, Path staging, int q) throws Exception {
        List<Pkg> list = new ArrayList<>(enterprises);
        LongArray ids = new LongArray();
        String stamp = NAME_TS.format(Generate.quarterStart(q)) + "000";
        for (int e = 0; e < enterprises; e++) {
            int index = q * enterprises + e;
            byte[] data = gate.quarterHour(index, records, ids::add);
            String name = String.format("%s_DATA_%s_%06d.jsonl", sender, stamp, e + 1);
            UUID batchId = UUID.nameUUIDFromBytes(("soak" + seed + ":" + index).getBytes(StandardCharsets.UTF_8));
            Files.write(staging.resolve(name), data);
            Files.writeString(staging.resolve(name + ".manifest"), Generate.manifest(batchId, sender, records, data));
            list.add(new Pkg(name, q, records));
        }
        lastIds = ids;
        return list;
    }

    private Thread thread(String name, ThrowingRunnable r) {
        Thread t = new Thread(() -> {
            try {
                r.run();
            } catch (Exception e) {
                say("%s failed: %s", name, e);
                e.printStackTrace();
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }

    // ------------------------------------------------------------------ the gate takes the answers

    private void takeAcks() throws Exception {
        while (!stopping) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(outbox)) {
                for (Path p : ds) {
                    String n = p.getFileName().toString();
                    if (n.startsWith(".") || n.endsWith(".ack.json.sig")) {
                        continue; // being written; a signature is taken with its ACK (written before it)
                    }
                    long now = System.nanoTime();
                    if (!n.endsWith(".ack.json")) {
                        otherOutboxFiles.incrementAndGet();
                        if (otherOutboxNames.size() < 5) {
                            otherOutboxNames.add(n);
                        }
                        Files.deleteIfExists(p);
                        continue;
                    }
                    JsonNode a = JSON.readTree(Files.readAllBytes(p));
                    Files.deleteIfExists(p);
                    Files.deleteIfExists(Path.of(p + ".sig"));
                    Pkg k = packages.get(n.substring(0, n.length() - ".ack.json".length()));
                    if (k == null) {
                        unknownAcks.incrementAndGet();
                    } else if (k.acks.incrementAndGet() == 1) {
                        k.status = a.path("status").asText();
                        k.accepted = a.path("accepted").asLong();
                        k.acked = now;
                        if (burstAcked.incrementAndGet(k.quarter) == enterprises) {
                            burstCpuEnd[k.quarter] = hubCpuSeconds();
                        }
                    } else {
                        duplicateAcks.incrementAndGet();
                    }
                }
            }
            Thread.sleep(10);
        }
    }

    // ------------------------------------------------------------------ the platforms

    /** A platform's consumer: each chunk stored once by (hubBatchId, hubChunk), every record it holds counted. */
    final class Platform extends Thread {
        private final ActiveMQConnectionFactory factory;
        private final String queue;
        private final String user;
        private final String password;
        final LongArray held = new LongArray();
        private final Set<String> chunks = new HashSet<>();
        final AtomicLong uniqueRecords = new AtomicLong();
        final AtomicLong messages = new AtomicLong();
        final AtomicLong duplicateChunks = new AtomicLong();
        final AtomicLongArray perMinute = new AtomicLongArray(100_000);
        final Map<String, Long> sources = new ConcurrentHashMap<>();
        volatile int reconnects;
        volatile String failure;

        Platform(ActiveMQConnectionFactory factory, String queue, String user, String password) {
            super("platform-" + user);
            setDaemon(true);
            this.factory = factory;
            this.queue = queue;
            this.user = user;
            this.password = password;
        }

        long unique() {
            return uniqueRecords.get();
        }

        @Override
        public void run() {
            while (!stopping) {
                try (Connection c = factory.createConnection(user, password)) {
                    Session session = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
                    MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
                    c.start();
                    Message unacked = null;
                    int since = 0;
                    while (!stopping) {
                        Message m = consumer.receive(500);
                        if (m == null) {
                            if (unacked != null) {
                                unacked.acknowledge();
                                unacked = null;
                                since = 0;
                            }
                            continue;
                        }
                        take(m);
                        unacked = m;
                        if (++since >= 50) {
                            m.acknowledge();
                            unacked = null;
                            since = 0;
                        }
                    }
                    if (unacked != null) {
                        unacked.acknowledge();
                    }
                } catch (Exception e) {
                    if (stopping) {
                        return;
                    }
                    reconnects++;
                    failure = e.toString();
                    say("platform %s: %s; reconnecting", user, e);
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }

        private void take(Message m) throws Exception {
            messages.incrementAndGet();
            String key = m.getStringProperty("hubBatchId") + "/" + m.getIntProperty("hubChunk");
            if (!chunks.add(key)) {
                duplicateChunks.incrementAndGet(); // the contract's consumer keeps each chunk once
                return;
            }
            JsonNode root = JSON.readTree(Verify.body(m));
            JsonNode list = root.path("records");
            int n = 0;
            for (JsonNode r : list) {
                held.add(Verify.hash(r.path("enterpriseCode").asText() + '|' + r.path("dataCode").asText() + '|'
                        + r.path("statType").asText() + '|' + r.path("statDate").asText()));
                n++;
            }
            uniqueRecords.addAndGet(n);
            perMinute.addAndGet(Math.min(perMinute.length() - 1, minuteOf(System.nanoTime())), n);
            sources.merge(String.valueOf(m.getStringProperty("hubSource")), (long) n, Long::sum);
        }
    }

    // ------------------------------------------------------------------ the TCP client

    private void tcpClient() throws Exception {
        String secret = secrets.get("hub.tcp.clients.city-dev");
        Generate city = new Generate(seed + 23, tcpBatches, "530600", true);
        try (Socket s = new Socket("127.0.0.1", Integer.parseInt(opt.get("tcpPort")))) {
            s.setSoTimeout(300_000);
            DataInputStream in = new DataInputStream(s.getInputStream());
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            JsonNode login = call(in, out, "{\"type\":\"LOGIN\",\"clientId\":\"city-dev\",\"secret\":\"" + secret + "\"}");
            if (!"LOGIN_OK".equals(login.path("type").asText())) {
                tcpFailure = "LOGIN answered " + login;
                return;
            }
            for (int q = 0; q < quarters && !stopping; q++) {
                for (int k = 0; k < tcpBatches && !stopping; k++) {
                    long at = t0 + q * quarterS * SECOND + (long) k * quarterS * SECOND / tcpBatches + SECOND / 2;
                    if (at >= t0 + durationS * SECOND) {
                        return;
                    }
                    sleepUntil(at);
                    LongArray ids = new LongArray();
                    String lines = new String(city.quarterHour(q * tcpBatches + k, tcpRecords, ids::add),
                            StandardCharsets.UTF_8).strip();
                    String batchId = "soak-tcp-" + seed + "-" + q + "-" + k;
                    expected.addAll(ids);
                    long sent = System.nanoTime();
                    send(out, "{\"type\":\"DATA\",\"batchId\":\"" + batchId + "\",\"records\":["
                            + lines.replace("\n", ",") + "]}");
                    JsonNode a;
                    do {
                        a = receive(in); // ERROR ACK_PENDING is followed by the ACK on the same connection
                    } while ("ERROR".equals(a.path("type").asText()) && "ACK_PENDING".equals(a.path("code").asText()));
                    String status = "ACK".equals(a.path("type").asText()) ? a.path("status").asText()
                            : "ERROR " + a.path("code").asText();
                    frames.add(new Frame(q, sent, System.nanoTime(), status, a.path("accepted").asLong(), tcpRecords));
                }
            }
        } catch (IOException e) {
            tcpFailure = e.toString();
            say("tcp client: %s", e);
        }
    }

    private static JsonNode call(DataInputStream in, DataOutputStream out, String json) throws IOException {
        send(out, json);
        return receive(in);
    }

    private static void send(DataOutputStream out, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
        out.flush();
    }

    private static JsonNode receive(DataInputStream in) throws IOException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return JSON.readTree(b);
    }

    // ------------------------------------------------------------------ the energy supplier

    private void supplier() throws Exception {
        Generate units = new Generate(seed + 31, supplierAccounts, "530700", false);
        Path registry = hubData.resolve("suppliers/registry-import");
        Path drop = hubData.resolve("suppliers/" + SUPPLIER + "/inbox");
        Path reports = hubData.resolve("suppliers/" + SUPPLIER + "/reports");
        Path staging = work.resolve("supplier-staging");
        Files.createDirectories(registry);
        Files.createDirectories(drop);
        Files.createDirectories(staging);
        StringBuilder csv = new StringBuilder("accountType,accountNo,supplierCode,enterpriseCode,dataCode,active\n");
        for (int i = 0; i < supplierAccounts; i++) {
            csv.append("2,").append(account(i)).append(',').append(SUPPLIER_CODE).append(',').append(units.enterprise(i))
                    .append(',').append(SUPPLIER_DATA_CODE).append(",true\n");
        }
        String registryName = "soak-accounts.csv";
        Files.writeString(staging.resolve(registryName), csv);
        Files.move(staging.resolve(registryName), registry.resolve(registryName), StandardCopyOption.ATOMIC_MOVE);
        long deadline = System.nanoTime() + 60 * SECOND;
        while (!imported(registry, registryName)) {
            if (stopping) {
                return;
            }
            if (Files.exists(registry.resolve("failed/" + registryName)) || System.nanoTime() > deadline) {
                supplierFailure = "the account registry import " + registryName + " was not taken (see "
                        + registry.resolve("failed") + ")";
                say("supplier: %s", supplierFailure);
                return;
            }
            Thread.sleep(200);
        }
        SplittableRandom random = new SplittableRandom(seed + 32);
        int q = 0;
        while (!stopping) {
            long at = t0 + q * quarterS * SECOND + quarterS * SECOND / 2;
            if (q < quarters && at < t0 + durationS * SECOND && System.nanoTime() >= at) {
                LocalDate day = LocalDate.of(2025, 1, 1).plusDays(q);
                String name = "ELEC_" + SUPPLIER_CODE + "_" + DAY.format(day) + "_" + (q + 1) + ".csv";
                StringBuilder f = new StringBuilder(
                        "户号,户名,计量点编号,统计周期,起始日期,截止日期,起码,止码,综合倍率,有功电量(kWh),尖(kWh),峰(kWh),平(kWh),谷(kWh),电费(元)\r\n");
                BigDecimal sum = BigDecimal.ZERO;
                for (int i = 0; i < supplierAccounts; i++) {
                    BigDecimal kwh = BigDecimal.valueOf(random.nextInt(10_000_000), 2);
                    sum = sum.add(kwh);
                    f.append(account(i)).append(",单位").append(i).append(",MP").append(i).append(",日,").append(day)
                            .append(',').append(day).append(",,,,").append(kwh.toPlainString()).append(",,,,,\r\n");
                    expected.add(Verify.hash(units.enterprise(i) + '|' + SUPPLIER_DATA_CODE + "|1|" + day + " 00:00:00"));
                }
                f.append("合计,").append(supplierAccounts).append(",,,,,,,,").append(sum.toPlainString()).append(",,,,,\r\n");
                Files.writeString(staging.resolve(name), f);
                Files.move(staging.resolve(name), drop.resolve(name), StandardCopyOption.ATOMIC_MOVE);
                supplierFiles.add(new SupplierFile(name, supplierAccounts, System.nanoTime()));
                q++;
            }
            for (SupplierFile s : supplierFiles) {
                Path r = reports.resolve(s.name + ".report.json");
                if (s.status == null && Files.exists(r)) {
                    JsonNode a = JSON.readTree(Files.readAllBytes(r));
                    s.accepted = a.path("accepted").asLong();
                    s.reported = System.nanoTime();
                    s.status = a.path("status").asText();
                }
            }
            Thread.sleep(200);
        }
    }

    private static String account(int i) {
        return String.format("SOAK%06d", i + 1);
    }

    private static boolean imported(Path registry, String name) throws IOException {
        Path done = registry.resolve("done");
        if (!Files.isDirectory(done)) {
            return false;
        }
        try (Stream<Path> s = Files.list(done)) {
            return s.anyMatch(p -> p.getFileName().toString().endsWith("-" + name));
        }
    }

    // ------------------------------------------------------------------ sampling

    private void sampleEvery10s() throws Exception {
        long next = t0;
        while (!stopping) {
            sleepUntil(next);
            if (stopping) {
                return;
            }
            sample(false);
            next += 10 * SECOND;
        }
    }

    private long gcOffset;
    private long lastCpuTicks = -1;
    private long lastCpuAt;
    private long lastDriverCpu = -1;
    private long lastDriverAt;
    private int sampleNo;
    private static final Pattern PAUSE = Pattern.compile(
            "Pause .*?(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\) ([\\d.]+)ms");

    private synchronized void sample(boolean last) {
        Map<String, String> s = new LinkedHashMap<>();
        long now = System.nanoTime();
        s.put("time", Instant.now().toString());
        s.put("elapsed_s", String.format(Locale.ROOT, "%.0f", (now - t0) / 1e9));
        s.put("phase", now - t0 < durationS * SECOND ? "run" : "drain");
        try {
            String status = Files.readString(Path.of("/proc/" + hubPid + "/status"));
            s.put("rss_mib", mib(1024 * field(status, "VmRSS")));
            s.put("threads", String.valueOf(field(status, "Threads")));
            try (Stream<Path> fds = Files.list(Path.of("/proc/" + hubPid + "/fd"))) {
                s.put("open_files", String.valueOf(fds.count()));
            }
            String stat = Files.readString(Path.of("/proc/" + hubPid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            if (lastCpuTicks >= 0) {
                double cpu = (ticks - lastCpuTicks) / (double) Long.getLong("clk.tck", 100) / ((now - lastCpuAt) / 1e9);
                s.put("hub_cpu_pct", String.format(Locale.ROOT, "%.0f", cpu * 100));
            }
            lastCpuTicks = ticks;
            lastCpuAt = now;
        } catch (IOException | RuntimeException e) {
            s.put("proc_error", e.toString());
        }
        long driverCpu = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
        if (lastDriverCpu >= 0) {
            s.put("driver_cpu_pct", String.format(Locale.ROOT, "%.0f", (driverCpu - lastDriverCpu) / 1e7
                    / ((now - lastDriverAt) / 1e9)));
        }
        lastDriverCpu = driverCpu;
        lastDriverAt = now;
        try {
            s.put("load1", Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException e) {
            // not on Linux
        }
        gcLog(s);
        s.put("live_data_mib", mib(metric("jvm.gc.live.data.size", null)));
        s.put("metaspace_mib", mib(metric("jvm.memory.used", "id:Metaspace")));
        s.put("inflight", fmt(jolokia("org.apache.camel:context=exchange-hub,type=context,name=%22exchange-hub%22/ExchangesInflight")));
        s.put("depth_national", fmt(metric("hub.queue.depth", "queue:" + Broker.NATIONAL)));
        s.put("depth_provincial", fmt(metric("hub.queue.depth", "queue:" + Broker.PROVINCIAL)));
        s.put("audit_pending", fmt(metric("hub.audit.pending", null)));
        s.put("journal_mib", mib(bytes(hubData.resolve("broker/journal"))));
        s.put("paging_mib", mib(bytes(hubData.resolve("broker/paging"))));
        if (sampleNo++ % 6 == 0 || last) {
            s.put("archive_mib", mib(bytes(hubData.resolve("ferry/archive"))));
        }
        int answered = ackCount();
        s.put("acks", String.valueOf(answered));
        s.put("unanswered", String.valueOf(packages.size() - answered));
        s.put("held_national", String.valueOf(national.unique()));
        s.put("held_provincial", String.valueOf(provincial.unique()));
        tables(s);
        samples.add(s);
    }

    private void gcLog(Map<String, String> s) {
        Path log = Path.of(opt.get("gcLog"));
        List<Double> pauses = new ArrayList<>();
        double minAfter = Double.NaN;
        double liveAfterFull = Double.NaN;
        double fullPauseMs = Double.NaN;
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            if (f.length() > gcOffset) {
                f.seek(gcOffset);
                byte[] b = new byte[(int) (f.length() - gcOffset)];
                f.readFully(b);
                String text = new String(b, StandardCharsets.UTF_8);
                int end = text.lastIndexOf('\n') + 1; // complete lines only
                gcOffset += text.substring(0, end).getBytes(StandardCharsets.UTF_8).length;
                for (String line : text.substring(0, end).split("\n")) {
                    Matcher m = PAUSE.matcher(line);
                    if (!m.find()) {
                        continue;
                    }
                    if (line.contains("Pause Full (Diagnostic Command)")) {
                        // the soak's own live-heap check (liveHeapCheck): not one of the hub's pauses
                        liveAfterFull = Long.parseLong(m.group(3)) * unit(m.group(4));
                        fullPauseMs = Double.parseDouble(m.group(7));
                    } else {
                        pauses.add(Double.parseDouble(m.group(7)));
                        double after = Long.parseLong(m.group(3)) * unit(m.group(4));
                        minAfter = Double.isNaN(minAfter) ? after : Math.min(minAfter, after);
                    }
                }
            }
        } catch (IOException e) {
            s.put("gc_error", e.toString());
        }
        pauses.sort(Double::compare);
        s.put("gc_pauses", String.valueOf(pauses.size()));
        s.put("gc_pause_max_ms", pauses.isEmpty() ? "" : fmt1(pauses.get(pauses.size() - 1)));
        s.put("gc_pause_p99_ms", pauses.isEmpty() ? "" : fmt1(pct(pauses, 99)));
        s.put("heap_after_gc_mib", Double.isNaN(minAfter) ? "" : String.format(Locale.ROOT, "%.0f", minAfter));
        s.put("heap_after_full_gc_mib", Double.isNaN(liveAfterFull) ? "" : String.format(Locale.ROOT, "%.1f", liveAfterFull));
        s.put("full_gc_pause_ms", Double.isNaN(fullPauseMs) ? "" : fmt1(fullPauseMs));
    }

    private static double unit(String u) {
        return switch (u) {
            case "K" -> 1 / 1024.0;
            case "G" -> 1024;
            default -> 1;
        };
    }

    private void tables(Map<String, String> s) {
        try {
            Process p = new ProcessBuilder("psql", "-X", "-q", "-A", "-t", "-F", "\t", opt.get("dbUrl"), "-c",
                    "select relname, pg_total_relation_size(relid), n_dead_tup, n_live_tup from pg_stat_user_tables "
                            + "union all select '(database)', pg_database_size(current_database()), 0, 0 order by 1")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            for (String line : out.split("\n")) {
                String[] f = line.split("\t");
                if (f.length == 4) {
                    if (f[0].equals("(database)")) {
                        s.put("db_mib", mib(Long.parseLong(f[1])));
                    } else {
                        s.put("size:" + f[0], f[1]);
                        s.put("dead:" + f[0], f[2]);
                        s.put("live:" + f[0], f[3]);
                    }
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            s.put("db_error", e.toString());
        }
    }

    private static long field(String status, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + ":\\s+(\\d+)").matcher(status);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static long bytes(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        long[] n = {0};
        try (Stream<Path> s = Files.walk(dir)) {
            s.forEach(p -> {
                try {
                    if (Files.isRegularFile(p)) {
                        n[0] += Files.size(p);
                    }
                } catch (IOException e) {
                    // gone meanwhile
                }
            });
        } catch (IOException | java.io.UncheckedIOException e) {
            // a folder gone meanwhile
        }
        return n[0];
    }

    private double metric(String name, String tag) {
        try {
            JsonNode m = get(httpBase + "/actuator/metrics/" + name + (tag == null ? "" : "?tag=" + tag));
            return m.path("measurements").path(0).path("value").asDouble(Double.NaN);
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    private double jolokia(String mbeanAttribute) {
        try {
            return get(httpBase + "/actuator/jolokia/read/" + mbeanAttribute).path("value").asDouble(Double.NaN);
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    private JsonNode get(String url) throws Exception {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", auth)
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofByteArray());
        return JSON.readTree(r.body());
    }

    private static String mib(double bytes) {
        return Double.isNaN(bytes) ? "" : String.format(Locale.ROOT, "%.1f", bytes / 1048576.0);
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.0f", v);
    }

    private static String fmt1(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f", v);
    }

    static double pct(List<Double> sorted, int p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    private double hubCpuStart = Double.NaN;
    private double hubCpuEnd = Double.NaN;

    /** The hub JVM's CPU seconds so far (/proc/PID/stat: user and system). */
    private double hubCpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc/" + hubPid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) Long.getLong("clk.tck", 100);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    private void stopHub() throws InterruptedException {
        var h = ProcessHandle.of(hubPid);
        if (h.isEmpty()) {
            return;
        }
        h.get().destroy();
        long deadline = System.nanoTime() + 60 * SECOND;
        while (h.get().isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
    }

    // ------------------------------------------------------------------ the report

    /** The verdict and the report, once everything is in and the hub has stopped. */
    final class Report {
        private final long writingEnd;
        private final long drainEnd;
        private final StringBuilder md = new StringBuilder();
        private final List<String[]> verdicts = new ArrayList<>();
        private boolean ok = true;

        Report(long writingEnd, long drainEnd) {
            this.writingEnd = writingEnd;
            this.drainEnd = drainEnd;
        }

        private void verdict(String criterion, boolean pass, String figures) {
            verdicts.add(new String[] {criterion, pass ? "**PASS**" : "**FAIL**", figures});
            ok &= pass;
        }

        private double sampleValue(Map<String, String> s, String key) {
            String v = s.get(key);
            return v == null || v.isEmpty() ? Double.NaN : Double.parseDouble(v);
        }

        private double elapsed(Map<String, String> s) {
            return Double.parseDouble(s.get("elapsed_s"));
        }

        /** Samples with elapsed seconds in [from, to). */
        private List<Map<String, String>> between(double from, double to) {
            List<Map<String, String>> l = new ArrayList<>();
            for (Map<String, String> s : samples) {
                if (elapsed(s) >= from && elapsed(s) < to) {
                    l.add(s);
                }
            }
            return l;
        }

        private double agg(List<Map<String, String>> l, String key, String how) {
            List<Double> v = new ArrayList<>();
            for (Map<String, String> s : l) {
                double x = sampleValue(s, key);
                if (!Double.isNaN(x)) {
                    v.add(x);
                }
            }
            if (v.isEmpty()) {
                return Double.NaN;
            }
            return switch (how) {
                case "min" -> v.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
                case "max" -> v.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
                case "first" -> v.get(0);
                case "last" -> v.get(v.size() - 1);
                default -> v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            };
        }

        boolean write() throws IOException {
            String stamp = opt.get("stamp");
            Path results = Path.of(opt.get("results"));
            Files.createDirectories(results);
            Path reportFile = results.resolve("soak-" + stamp + ".md");
            Path csvFile = results.resolve("soak-" + stamp + ".csv");
            writeCsv(csvFile);

            // ---- completeness
            long pk = packages.size();
            long acked = packages.values().stream().filter(p -> p.acks.get() > 0).count();
            long good = packages.values().stream().filter(p -> p.acks.get() == 1 && "ACCEPTED".equals(p.status)
                    && p.accepted == p.records).count();
            Map<String, Long> statuses = new TreeMap<>();
            packages.values().forEach(p -> statuses.merge(p.status == null ? "NO_ACK" : p.status, 1L, Long::sum));
            long tcpGood = frames.stream().filter(f -> "ACCEPTED".equals(f.status()) && f.accepted() == f.records()).count();
            Map<String, Long> tcpStatuses = new TreeMap<>();
            frames.forEach(f -> tcpStatuses.merge(f.status(), 1L, Long::sum));
            long supGood = supplierFiles.stream().filter(f -> "ACCEPTED".equals(f.status) && f.accepted == f.rows).count();
            Map<String, Long> supStatuses = new TreeMap<>();
            supplierFiles.forEach(f -> supStatuses.merge(f.status == null ? "NO_REPORT" : f.status, 1L, Long::sum));
            long[] want = expected.sorted();
            int dupInput = 0;
            for (int i = 1; i < want.length; i++) {
                if (want[i] == want[i - 1]) {
                    dupInput++;
                }
            }
            long[] nat = compare(want, national.held.sorted());
            long[] prov = compare(want, provincial.held.sorted());
            boolean queuesOk = dupInput == 0 && nat[0] == 0 && nat[1] == 0 && nat[2] == 0 && prov[0] == 0
                    && prov[1] == 0 && prov[2] == 0;
            boolean answersOk = good == pk && duplicateAcks.get() == 0 && unknownAcks.get() == 0
                    && tcpGood == frames.size() && tcpFailure == null && supGood == supplierFiles.size()
                    && supplierFailure == null;
            verdict("every record once in each queue (chunks kept once by hubBatchId/hubChunk) and every package one "
                    + "ACCEPTED ACK", queuesOk && answersOk, String.format(Locale.ROOT,
                    "%,d records expected (ferry %,d, TCP %,d, supplier %,d); national holds %,d (missing %d, twice %d, "
                    + "extra %d; %d chunks redelivered and dropped), provincial %,d (missing %d, twice %d, extra %d; "
                    + "%d redelivered); packages %,d: ACKs %s, one ACCEPTED ACK with every record for %,d, %d second "
                    + "ACKs, %d ACKs of unknown packages; TCP frames %d: %s%s; supplier files %d: %s%s",
                    want.length, pk * records, frames.stream().mapToLong(Frame::records).sum(),
                    supplierFiles.stream().mapToLong(f -> f.rows).sum(), national.unique(), nat[0], nat[1], nat[2],
                    national.duplicateChunks.get(), provincial.unique(), prov[0], prov[1], prov[2],
                    provincial.duplicateChunks.get(), pk, statuses, good, duplicateAcks.get(), unknownAcks.get(),
                    frames.size(), tcpStatuses, tcpFailure == null ? "" : " (client failed: " + tcpFailure + ")",
                    supplierFiles.size(), supStatuses, supplierFailure == null ? "" : " (" + supplierFailure + ")"));

            // ---- per minute
            int minutes = (int) Math.ceil((drainEnd - t0) / 60e9);
            List<List<Double>> lat = new ArrayList<>();
            long[] landed = new long[minutes + 1];
            long[] acksSeen = new long[minutes + 1];
            long[] acceptedRecords = new long[minutes + 1];
            for (int m = 0; m <= minutes; m++) {
                lat.add(new ArrayList<>());
            }
            List<Double> all = new ArrayList<>();
            for (Pkg p : packages.values()) {
                int m = Math.min(minutes, minuteOf(p.landed));
                landed[m]++;
                if (p.acked > 0) {
                    double l = (p.acked - p.landed) / 1e9;
                    lat.get(m).add(l);
                    all.add(l);
                    int am = Math.min(minutes, minuteOf(p.acked));
                    acksSeen[am]++;
                    acceptedRecords[am] += p.accepted;
                }
            }
            lat.forEach(l -> l.sort(Double::compare));
            all.sort(Double::compare);
            List<Integer> slow = new ArrayList<>();
            double worst = 0;
            for (int m = 0; m <= minutes; m++) {
                if (!lat.get(m).isEmpty()) {
                    double p99 = pct(lat.get(m), 99);
                    worst = Math.max(worst, p99);
                    if (p99 > 1.0) {
                        slow.add(m);
                    }
                }
            }
            long minutesWithPackages = lat.stream().filter(l -> !l.isEmpty()).count();
            verdict("ACK latency p99 ≤ 1 s in every minute (manifest landed → ACK taken, by the minute the package landed)",
                    slow.isEmpty() && !all.isEmpty(), String.format(Locale.ROOT,
                    "%d of %d minutes with packages over 1 s (minutes %s); worst minute p99 %.2f s; whole run p50 %.2f s, "
                    + "p99 %.2f s, max %.2f s; a burst of %,d packages lands %s and the hub answers it at the "
                    + "packages/s of the Bursts table below", slow.size(), minutesWithPackages, slow.size() > 12
                    ? slow.subList(0, 12) + "…" : slow, worst, pct(all, 50), pct(all, 99), pct(all, 100), enterprises,
                    burstLanding()));

            // ---- resources, second quarter against the last
            double d = durationS;
            List<Map<String, String>> q2 = between(d / 4, d / 2);
            List<Map<String, String>> q4 = between(3 * d / 4, d);
            String[][] res = {{"heap after GC: after the full collection in each quarter-hour's quiet third (jcmd GC.run, "
                    + "GC log), mean of the quarter, MiB", "heap_after_full_gc_mib", "mean"},
                {"threads (mean)", "threads", "mean"}, {"open files (mean)", "open_files", "mean"},
                {"metaspace (mean), MiB", "metaspace_mib", "mean"}};
            for (String[] r : res) {
                double a = agg(q2, r[1], r[2]);
                double b = agg(q4, r[1], r[2]);
                double change = (b - a) / a;
                verdict(r[0] + ": last quarter within 10 % of the second", !Double.isNaN(change)
                        && Math.abs(change) <= 0.10, String.format(Locale.ROOT,
                        "second quarter (%.0f–%.0f s) %.1f, last quarter (%.0f–%.0f s) %.1f: %+.1f %%", d / 4, d / 2, a,
                        3 * d / 4, d, b, change * 100));
            }
            double youngA = agg(q2, "heap_after_gc_mib", "min");
            double youngB = agg(q4, "heap_after_gc_mib", "min");
            String heapNote = String.format(Locale.ROOT, "\nNot a verdict: the lowest heap after a young or mixed collection, "
                    + "second quarter %.0f MiB, last quarter %.0f MiB (%+.1f %%). It also counts garbage promoted to the "
                    + "old generation since G1's last marking cycle, which runs only when the old generation reaches its "
                    + "threshold; the full collections (the longest took %s ms, in a quiet third) measure what is "
                    + "held.%s\n", youngA, youngB, (youngB - youngA) / youngA * 100, fmt1(agg(samples, "full_gc_pause_ms",
                    "max")), liveChecksSkipped.isEmpty() ? "" : " Quarter-hours whose check was skipped (burst not "
                    + "answered by two thirds in): " + liveChecksSkipped + ".");

            // ---- tables
            List<double[]> purges = purges();
            double steady = Double.NaN;
            for (double[] p : purges) {
                if (p[1] == 1 && p[2] > 0) {
                    steady = p[0];
                    break;
                }
            }
            List<String> tableRows = new ArrayList<>();
            boolean tablesOk = !Double.isNaN(steady) && steady < d;
            List<String> failedTables = new ArrayList<>();
            Set<String> names = new java.util.TreeSet<>();
            for (Map<String, String> s : samples) {
                s.keySet().stream().filter(k -> k.startsWith("size:")).forEach(k -> names.add(k.substring(5)));
            }
            double floor = 1048576;
            List<String> byFloor = new ArrayList<>();
            for (String t : names) {
                String key = "size:" + t;
                double start = firstValue(key);
                double end = agg(between(0, d + 1), key, "last");
                String kind;
                String verdictText;
                boolean pass;
                if (PURGED.contains(t)) {
                    kind = "purged in the run";
                    if (Double.isNaN(steady) || steady >= d) {
                        pass = false;
                        verdictText = "no purge cycle inside the run";
                    } else {
                        double mid = (steady + d) / 2;
                        double first = agg(between(steady, mid), key, "max");
                        double second = agg(between(mid, d + 1), key, "max");
                        pass = second <= first * 1.10 || second - first <= floor;
                        if (pass && second > first * 1.10) {
                            byFloor.add(t);
                        }
                        verdictText = String.format(Locale.ROOT, "largest %s before %.0f s, %s after: %+.0f %%",
                                mibText(first), mid, mibText(second), (second - first) / first * 100);
                    }
                } else {
                    kind = "kept longer than the run";
                    double g2 = agg(q2, key, "last") - agg(q2, key, "first");
                    double g4 = agg(q4, key, "last") - agg(q4, key, "first");
                    long p2 = packagesLanded(d / 4, d / 2);
                    long p4 = packagesLanded(3 * d / 4, d);
                    double per2 = g2 / Math.max(1, p2);
                    double per4 = g4 / Math.max(1, p4);
                    pass = Double.isNaN(g4) || g4 <= floor || per4 <= per2 * 1.25;
                    verdictText = Double.isNaN(g4) ? "-" : String.format(Locale.ROOT,
                            "grew %s in the second quarter (%.0f B a package), %s in the last (%.0f B a package)",
                            mibText(g2), per2, mibText(g4), per4);
                }
                if (!pass) {
                    failedTables.add(t);
                }
                tablesOk &= pass;
                double dead = agg(between(0, 1e12), "dead:" + t, "last");
                double live = agg(between(0, 1e12), "live:" + t, "last");
                if (end > 16384 * 2 || PURGED.contains(t)) {
                    tableRows.add(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %.0f / %.0f | %s | %s |", t, kind,
                            mibText(start), mibText(agg(between(0, 1e12), key, "max")), mibText(end), live, dead,
                            verdictText, pass ? "ok" : "**not flat**"));
                }
            }
            verdict("table sizes flat after the purge cycle (purged tables: largest size in the second half of the "
                    + "steady window within 10 % (or 1 MiB) of the first half; tables kept longer than the run: growth "
                    + "per package in the last quarter at most 1.25 × the second quarter's, or under 1 MiB)", tablesOk,
                    Double.isNaN(steady) ? "no batch purge removed anything during the run" : String.format(Locale.ROOT,
                    "first batch purge that removed rows at %.0f s; steady window %.0f–%.0f s; %s", steady, steady, d,
                    (failedTables.isEmpty() ? "every table as expected" : "not flat: " + failedTables)
                    + (byFloor.isEmpty() ? "" : "; within 1 MiB but more than 10 % (too small or too short a run to "
                    + "judge): " + byFloor))
                    + ("on".equals(opt.get("autovacuum")) ? "" : "; this PostgreSQL runs with autovacuum "
                    + opt.get("autovacuum") + ": nothing reclaims the dead rows that purges and updates leave, so the "
                    + "verdict judges the server, not the hub (docs/operations.md, Retention)"));

            // ---- hub log
            Path hubLog = Path.of(opt.get("hubLog"));
            List<String> errors = new ArrayList<>();
            long warns = 0;
            for (String line : Files.readAllLines(hubLog, StandardCharsets.UTF_8)) {
                if (line.matches("^\\S+\\s+ERROR\\s.*")) {
                    errors.add(line);
                } else if (line.matches("^\\S+\\s+WARN\\s.*")) {
                    warns++;
                }
            }
            StringBuilder quoted = new StringBuilder();
            for (String e : errors.subList(0, Math.min(3, errors.size()))) {
                quoted.append("<br>`").append(e.length() > 300 ? e.substring(0, 300) + "…" : e).append('`');
            }
            verdict("no ERROR line in the hub's log (start to shutdown)", errors.isEmpty(),
                    errors.size() + " ERROR lines, " + warns + " WARN lines" + quoted);

            // ---- markdown
            boolean smoke = durationS < 3600;
            md.append("# Soak ").append(stamp).append(smoke ? " (short run: a smoke test, not the 1-hour soak)" : "")
                    .append("\n\n");
            md.append("`").append(opt.get("command")).append("` on commit ").append(opt.get("commit")).append("; ")
                    .append(opt.get("machine")).append("; load average ").append(opt.get("loadBefore"))
                    .append(" before, ").append(loadNow()).append(" after.\n\n");
            md.append(String.format(Locale.ROOT, "- Gate: %,d enterprises × %d records, one package per enterprise per "
                    + "quarter-hour, a quarter-hour every %d s (%.1f× a province's 900 s), each quarter's packages landed "
                    + "as a burst from its start (%s): %d quarters, %,d packages, %,d records in %d s of writing, %.0f "
                    + "records/s on average (%,d in each burst)\n", enterprises, records, quarterS, 900.0 / quarterS,
                    burstLanding(), quarters, packages.size(), packages.size() * (long) records, durationS,
                    packages.size() * (double) records / durationS, enterprises * (long) records));
            md.append(String.format(Locale.ROOT, "- TCP client (city-dev): %s\n", tcpBatches == 0 ? "off" : String.format(
                    Locale.ROOT, "%d DATA frames of %d records a quarter-hour, spread over it; %d frames sent, ACK p50 "
                    + "%.0f ms, p99 %.0f ms", tcpBatches, tcpRecords, frames.size(), tcpPct(50), tcpPct(99))));
            md.append(String.format(Locale.ROOT, "- Energy supplier (%s, electricity-csv, drop folder polled every 5 s): "
                    + "%s\n", SUPPLIER, supplierAccounts == 0 ? "off" : String.format(Locale.ROOT, "%d accounts imported "
                    + "through the registry folder, one CSV of a day's readings (%d rows) a quarter-hour: %d files, "
                    + "report after p50 %.1f s", supplierAccounts, supplierAccounts, supplierFiles.size(), supPct(50))));
            md.append("- Hub: ").append(opt.get("hubArgs")).append("\n");
            md.append("- Retention shortened so that purges happen inside the run: ").append(opt.get("retention"))
                    .append(" (the Retention routes first run 2–3 min after start). Purges logged by the hub:")
                    .append(purgeText(purges)).append("\n");
            md.append(String.format(Locale.ROOT, "- Drain: the writing ended at %.0f s; every answer and record was in "
                    + "(or the drain timed out) at %.0f s.\n\n", (writingEnd - t0) / 1e9, (drainEnd - t0) / 1e9));
            md.append("## Verdict\n\n| criterion | result | figures |\n|---|---|---|\n");
            for (String[] v : verdicts) {
                md.append("| ").append(v[0]).append(" | ").append(v[1]).append(" | ").append(v[2]).append(" |\n");
            }
            md.append(heapNote);
            md.append("\n## Bursts\n\nEach quarter's packages land " + burstLanding() + "; how long the hub took to "
                    + "answer them all (first landing → last ACK taken), and their ACK latency.\n\n"
                    + "The hub JVM's CPU over that span (/proc; its embedded broker included, PostgreSQL not) per "
                    + "package.\n\n"
                    + "| quarter | packages | first landing → last ACK, s | packages/s | ACK p50 s | ACK p99 s | hub CPU ms a package |\n"
                    + "|---|---|---|---|---|---|---|\n");
            for (int q = 0; q < quarters; q++) {
                int qq = q;
                List<Pkg> burst = packages.values().stream().filter(p -> p.quarter == qq).toList();
                if (burst.isEmpty()) {
                    continue;
                }
                long first = burst.stream().mapToLong(p -> p.landed).min().orElse(0);
                boolean answered = burst.stream().allMatch(p -> p.acked > 0);
                long lastAck = burst.stream().mapToLong(p -> p.acked).max().orElse(0);
                List<Double> l = new ArrayList<>();
                burst.stream().filter(p -> p.acked > 0).forEach(p -> l.add((p.acked - p.landed) / 1e9));
                l.sort(Double::compare);
                double span = (lastAck - first) / 1e9;
                double cpu = (burstCpuEnd[q] - burstCpuStart[q]) * 1000 / burst.size();
                md.append(String.format(Locale.ROOT, "| %d | %d | %s | %s | %s | %s | %s |\n", q, burst.size(),
                        answered ? fmt2(span) : "not all answered", answered ? String.format(Locale.ROOT, "%.1f", burst.size() / span)
                        : "-", fmt2(pct(l, 50)), fmt2(pct(l, 99)), answered && burstCpuEnd[q] > 0 ? f0(cpu) : "-"));
            }
            double hubCpu = hubCpuEnd - hubCpuStart;
            List<Map<String, String>> quiet = new ArrayList<>();
            for (Map<String, String> x : samples) {
                if ("0".equals(x.get("unanswered")) && "run".equals(x.get("phase")) && elapsed(x) > 0) {
                    quiet.add(x);
                }
            }
            double idle = agg(quiet, "hub_cpu_pct", "mean") / 100;
            md.append(String.format(Locale.ROOT, "\nThe hub JVM used %.0f s of CPU from the first landing to the end of the "
                    + "drain (%.0f s): %.1f ms per ferry package, all of its work (TCP, supplier, purges, sampling "
                    + "requests) included; its embedded broker is in it, PostgreSQL (another process) is not. In the "
                    + "%d samples with no package waiting for its ACK it used %.0f %% of a core (what follows the ACKs: "
                    + "audit, quality indicators, purges; timers, the TCP client and supplier, the sampler's requests). "
                    + "This driver "
                    + "(gate, ACK taker, both consumers, TCP client, supplier, sampler) used %.0f %% of a core on average; "
                    + "it made each next quarter's files two thirds into the quarter (%.1f s in all), when the burst "
                    + "before is normally answered.\n", hubCpu, (drainEnd - t0) / 1e9, hubCpu * 1000 / Math.max(1, pk),
                    quiet.size(), idle * 100,
                    agg(samples, "driver_cpu_pct", "mean"), prepareSeconds));
            md.append("\n## Per minute\n\n");
            md.append("Packages landed in the minute and their ACK latency (landing → ACK taken); ACKs taken and records "
                    + "ACCEPTED per second by the minute of the ACK; records per second the platforms took (each "
                    + "queue); TCP frames answered; the hub's CPU (100 % = one core), the longest GC pause, heap after "
                    + "GC, RSS, threads, open files, in-flight exchanges and queue depths (largest of the minute's samples).\n\n");
            md.append("| min | packages | ACK p50 s | ACK p99 s | ACK max s | ACKs | accepted rec/s | national rec/s | "
                    + "provincial rec/s | TCP frames | hub CPU % | GC max ms | heap after GC MiB | RSS MiB | threads | "
                    + "open files | in-flight | depth n/p | journal MiB |\n");
            md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
            for (int m = 0; m < minutes; m++) {
                List<Map<String, String>> ms = between(m * 60.0, m * 60.0 + 60);
                int mm = m;
                long tcpFrames = frames.stream().filter(f -> minuteOf(f.answered()) == mm).count();
                List<Double> l = lat.get(m);
                md.append(String.format(Locale.ROOT,
                        "| %d | %d | %s | %s | %s | %d | %.0f | %.0f | %.0f | %d | %s | %s | %s | %s | %s | %s | %s | %s/%s | %s |\n",
                        m, landed[m], l.isEmpty() ? "-" : fmt2(pct(l, 50)), l.isEmpty() ? "-" : fmt2(pct(l, 99)),
                        l.isEmpty() ? "-" : fmt2(pct(l, 100)), acksSeen[m], acceptedRecords[m] / 60.0,
                        national.perMinute.get(m) / 60.0, provincial.perMinute.get(m) / 60.0, tcpFrames,
                        f0(agg(ms, "hub_cpu_pct", "max")), f0(agg(ms, "gc_pause_max_ms", "max")),
                        f0(agg(ms, "heap_after_gc_mib", "min")), f0(agg(ms, "rss_mib", "max")),
                        f0(agg(ms, "threads", "max")), f0(agg(ms, "open_files", "max")), f0(agg(ms, "inflight", "max")),
                        f0(agg(ms, "depth_national", "max")), f0(agg(ms, "depth_provincial", "max")),
                        f0(agg(ms, "journal_mib", "max"))));
            }
            md.append("\n## Tables\n\nEvery PostgreSQL table of the hub larger than 32 KiB (pg_total_relation_size: "
                    + "table, indexes and TOAST), at the first sample, its largest, at the end of the writing; rows "
                    + "live / dead at the last sample (pg_stat_user_tables). The database as a whole: ")
                    .append(mibText(firstValue("db_mib") * 1048576)).append(" at the start, ")
                    .append(mibText(agg(samples, "db_mib", "last") * 1048576)).append(" at the end. Ferry archive ")
                    .append(mibText(agg(samples, "archive_mib", "last") * 1048576))
                    .append(" at the end (day folders: kept `hub.retention.archive`, at least a day, so never purged "
                    + "inside a run); broker journal at most ").append(mibText(agg(samples, "journal_mib", "max") * 1048576))
                    .append(".\n\n| table | retention | first | largest | end | live / dead rows | growth | |\n"
                    + "|---|---|---|---|---|---|---|---|\n");
            tableRows.forEach(r -> md.append(r).append('\n'));
            md.append("\n## Resources by quarter of the run\n\n| | first | second | third | last |\n|---|---|---|---|---|\n");
            String[][] rows = {{"heap after the quiet third's full GC, mean (MiB)", "heap_after_full_gc_mib", "mean"},
                {"heap after the quiet third's full GC, largest (MiB)", "heap_after_full_gc_mib", "max"},
                {"heap after GC, lowest (MiB)", "heap_after_gc_mib", "min"},
                {"heap after GC, mean (MiB)", "heap_after_gc_mib", "mean"},
                {"live data size (Micrometer, MiB)", "live_data_mib", "mean"}, {"RSS, mean (MiB)", "rss_mib", "mean"},
                {"threads, mean", "threads", "mean"}, {"open files, mean", "open_files", "mean"},
                {"metaspace, mean (MiB)", "metaspace_mib", "mean"}, {"GC pause, longest (ms)", "gc_pause_max_ms", "max"},
                {"GC pause p99 of the 10 s intervals, mean (ms)", "gc_pause_p99_ms", "mean"},
                {"hub CPU, mean (%)", "hub_cpu_pct", "mean"}, {"in-flight exchanges, largest", "inflight", "max"}};
            for (String[] r : rows) {
                md.append("| ").append(r[0]);
                for (int k = 0; k < 4; k++) {
                    md.append(" | ").append(fmt1(agg(between(k * d / 4, (k + 1) * d / 4), r[1], r[2])));
                }
                md.append(" |\n");
            }
            md.append("\n## Samples\n\nEvery 10 s, in `").append(csvFile.getFileName()).append("` beside this report: ")
                    .append("time, elapsed s, phase (run or drain), rss_mib, threads, open_files (/proc), hub_cpu_pct, ")
                    .append("driver_cpu_pct (100 = one core), load1, gc_pauses / gc_pause_max_ms / gc_pause_p99_ms / heap_after_gc_mib (the GC log's ")
                    .append("pauses in the interval, the soak's own full collections left out; heap after GC is the lowest ")
                    .append("after one of them), heap_after_full_gc_mib and full_gc_pause_ms (the full collection the soak ")
                    .append("asks for with jcmd GC.run two thirds into each quarter-hour, once its burst is answered), live_data_mib ")
                    .append("(jvm.gc.live.data.size: 0 until G1 has run a mixed or full collection) and metaspace_mib ")
                    .append("(actuator), inflight (Camel's ExchangesInflight, JMX through Jolokia), depth_national / ")
                    .append("depth_provincial (hub.queue.depth, refreshed every 15 s), audit_pending, journal_mib / ")
                    .append("paging_mib (the broker's folders), archive_mib (every minute), acks and unanswered (packages ")
                    .append("answered, and landed without their ACK yet), held_national / ")
                    .append("held_provincial (records the platforms hold), db_mib, and size:/dead:/live: of every table.\n");
            md.append(String.format(Locale.ROOT, "\nOther files the gate took from the outbox: %d%s.\n",
                    otherOutboxFiles.get(), otherOutboxNames.isEmpty() ? "" : " (" + otherOutboxNames + ")"));
            md.append(String.format(Locale.ROOT, "Consumers: national %,d messages, %d reconnects%s; provincial %,d "
                    + "messages, %d reconnects%s; records by source: national %s, provincial %s.\n",
                    national.messages.get(), national.reconnects, national.failure == null ? "" : " (" + national.failure
                    + ")", provincial.messages.get(), provincial.reconnects, provincial.failure == null ? "" : " ("
                    + provincial.failure + ")", new TreeMap<>(national.sources), new TreeMap<>(provincial.sources)));
            Files.writeString(reportFile, md);
            System.out.print(md);
            say("report written to %s (samples in %s)", reportFile, csvFile);
            return ok;
        }

        private double firstValue(String key) {
            for (Map<String, String> s : samples) {
                double v = sampleValue(s, key);
                if (!Double.isNaN(v)) {
                    return v;
                }
            }
            return Double.NaN;
        }

        private long packagesLanded(double from, double to) {
            return packages.values().stream().filter(p -> (p.landed - t0) / 1e9 >= from && (p.landed - t0) / 1e9 < to)
                    .count();
        }

        private double tcpPct(int p) {
            List<Double> l = new ArrayList<>();
            frames.forEach(f -> l.add((f.answered() - f.sent()) / 1e6));
            l.sort(Double::compare);
            return pct(l, p);
        }

        private double supPct(int p) {
            List<Double> l = new ArrayList<>();
            supplierFiles.stream().filter(f -> f.reported > 0).forEach(f -> l.add((f.reported - f.written) / 1e9));
            l.sort(Double::compare);
            return pct(l, p);
        }

        /** {missing, duplicates, extras} of what a queue holds against the expected identities (both sorted). */
        private long[] compare(long[] want, long[] held) {
            long missing = 0;
            long dup = 0;
            long extra = 0;
            int i = 0;
            int j = 0;
            while (i < want.length || j < held.length) {
                if (j >= held.length || (i < want.length && want[i] < held[j])) {
                    missing++;
                    i++;
                } else if (i >= want.length || held[j] < want[i]) {
                    extra++;
                    j++;
                } else {
                    long v = want[i];
                    int k = 0;
                    while (j < held.length && held[j] == v) {
                        j++;
                        k++;
                    }
                    dup += k - 1;
                    i++;
                }
            }
            return new long[] {missing, dup, extra};
        }

        /** The purges the hub logged: {elapsed s, 1 for batches / 0 other, rows removed}. */
        private List<double[]> purges() throws IOException {
            List<double[]> l = new ArrayList<>();
            purgeLines.clear();
            Pattern p = Pattern.compile("^(\\S+)\\s+INFO.*retention: purged (\\d+) (.*)$");
            for (String line : Files.readAllLines(Path.of(opt.get("hubLog")), StandardCharsets.UTF_8)) {
                Matcher m = p.matcher(line);
                if (m.find()) {
                    double at;
                    try {
                        at = Duration.between(t0Instant, OffsetDateTime.parse(m.group(1)).toInstant()).toMillis() / 1000.0;
                    } catch (RuntimeException e) {
                        continue;
                    }
                    boolean batches = m.group(3).startsWith("batches received");
                    l.add(new double[] {at, batches ? 1 : 0, Long.parseLong(m.group(2))});
                    String what = m.group(3);
                    int cut = what.indexOf(" before ");
                    int since = what.indexOf(" since ");
                    cut = cut < 0 ? since : cut;
                    purgeLines.add(String.format(Locale.ROOT, "%.0f s: %s %s", at, m.group(2),
                            cut > 0 ? what.substring(0, cut) : what));
                }
            }
            return l;
        }

        private final List<String> purgeLines = new ArrayList<>();

        private String purgeText(List<double[]> purges) {
            if (purgeLines.isEmpty()) {
                return " none.";
            }
            return " " + String.join("; ", purgeLines) + ".";
        }

        private String loadNow() {
            try {
                String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
                return f[0] + " " + f[1] + " " + f[2];
            } catch (IOException e) {
                return "-";
            }
        }
    }

    private static String fmt2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String f0(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.0f", v);
    }

    private static String mibText(double bytes) {
        if (Double.isNaN(bytes)) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    private void writeCsv(Path file) throws IOException {
        Set<String> columns = new LinkedHashSet<>();
        samples.forEach(s -> columns.addAll(s.keySet()));
        StringBuilder b = new StringBuilder(String.join(",", columns)).append('\n');
        for (Map<String, String> s : samples) {
            List<String> v = new ArrayList<>();
            for (String c : columns) {
                String x = s.getOrDefault(c, "");
                v.add(x.contains(",") ? "\"" + x.replace("\"", "\"\"") + "\"" : x);
            }
            b.append(String.join(",", v)).append('\n');
        }
        Files.writeString(file, b);
    }

}

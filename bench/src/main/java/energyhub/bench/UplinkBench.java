package energyhub.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import energyhub.uplink.PinBlock;
import energyhub.uplink.simulator.DemoPki;
import energyhub.uplink.simulator.NationalPlatformSimulator;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The national uplink's speed beside a plain JDK HttpClient loop, on the same national-platform simulator in the same
 * run (issue 21). The simulator runs in this process; the hub is the packaged jar, started as a process.
 *
 * <pre>UplinkBench HUB_JAR WORK_DIR DB_URL_SINGLE DB_URL_BATCHED RECORDS BATCHED_RECORDS BATCH_SIZE CONCURRENCY</pre>
 * (a DB_URL of "-": the hub's embedded PostgreSQL). Both loops run first on records of their own (as many as
 * RECORDS), unmeasured, the one-per-request loop until warm ({@link #untilSteady}).
 * Then, for each mode, one record per request and JSON arrays of BATCH_SIZE records, on records of its own:
 * <ol>
 * <li>plain loop: CONCURRENCY threads sharing one JDK HttpClient (HTTP/1.1 keep-alive, the hub's client certificate,
 * the platform CA as its only trust), each sending the next request (the same bodies the hub sends) and reading its
 * answer's envelope; records/s, and the CPU time of its threads (senders, the client's executor and selector);</li>
 * <li>the hub (dev profile, {@code -Xmx1g}, the uplink on with CONCURRENCY senders), warm as the loop is: first
 * rounds of half as many records of their own staged and sent through the same hub process the same way, until warm
 * (not counted); then the records staged
 * through the ferry inbox while the simulator refuses connections, until every record waits PENDING; then the simulator accepts,
 * and the hub's rate is timed from the simulator's first record of the hub to its last. CPU time by thread
 * ({@code jcmd Thread.print}): the uplink's queue consumer while staging (energy.national into uplink_record), its
 * senders while sending (workers, HttpClient executor and selector; database calls are made in the workers), and
 * the JIT, GC and other threads; the whole process while sending; and every process named postgres on this
 * machine while sending;</li>
 * <li>plain loop again: the hub is compared with the mean of both loops.</li>
 * </ol>
 * Prints {@code key=value} lines. Each identity of a mode must end at the simulator exactly three times (two loops,
 * the hub once), and the hub's operator API must count every record ACKED.
 */
public final class UplinkBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long CLK_TCK = Long.getLong("clk.tck", 100);

    private final Path jar;
    private final Path work;
    private final int concurrency;
    private final DemoPki pki;
    private final NationalPlatformSimulator sim;
    private final List<Process> hubs = new ArrayList<>();
    private final StringBuilder out = new StringBuilder();

    private UplinkBench(Path jar, Path work, int concurrency) throws Exception {
        this.jar = jar;
        this.work = work;
        this.concurrency = concurrency;
        this.pki = DemoPki.create(work.resolve("pki"), HexFormat.of().formatHex(new SecureRandom().generateSeed(12)),
                "Bench");
        this.sim = NationalPlatformSimulator.start(freePort(), pki, Duration.ofHours(2));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> hubs.forEach(Process::destroyForcibly)));
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]).toAbsolutePath();
        Path work = Path.of(args[1]).toAbsolutePath();
        String dbSingle = args[2];
        String dbBatched = args[3];
        int records = Integer.parseInt(args[4]);
        int batchedRecords = Integer.parseInt(args[5]);
        int batchSize = Integer.parseInt(args[6]);
        int concurrency = Integer.parseInt(args[7]);
        UplinkBench bench = new UplinkBench(jar, work, concurrency);
        try {
            bench.warmUp(records, batchSize);
            bench.put("concurrency", concurrency);
            bench.put("warm_up.steady_percent", Math.round((WARM_STEADY - 1) * 100));
            bench.put("warm_up.max_rounds", WARM_MAX_ROUNDS);
            bench.put("batch_size", batchSize);
            bench.mode("single", records, 1, dbSingle, 101);
            bench.mode("batched", batchedRecords, batchSize, dbBatched, 202);
        } finally {
            bench.sim.close();
        }
        System.out.print(bench.out);
        System.exit(0);
    }

    private void put(String key, Object value) {
        out.append(key).append('=').append(value).append('\n');
        System.err.println(key + "=" + value);
    }

    /**
     * Both loops on records of their own, unmeasured: the simulator's and this JVM's code compiled first. The
     * one-per-request loop runs rounds of as many records as that mode times until it is warm (see {@link
     * #WARM_STEADY}): one round was too few (2026-12-08: rounds of 20,000 ran at 1,979, 3,470, 5,161 records/s and the
     * first timed loop at 6,996, so a loop warmed once ran its timed "before" at about half its warm rate, which
     * flattered the hub compared with the mean of "before" and "after").
     */
    private void warmUp(int records, int batchSize) throws Exception {
        List<String> lines = generate(work.resolve("warm-up-packages"), Math.max(5_000, records), 7);
        put("loop.warm_up_rates", untilSteady(round -> loop(bodies(lines, 1), lines.size()).rate()));
        loop(bodies(lines, batchSize), lines.size());
    }

    // ---- one mode ---------------------------------------------------------------------------------------------

    private void mode(String label, int n, int batchSize, String db, long seed) throws Exception {
        Path packages = work.resolve(label + "-packages");
        List<String> lines = generate(packages, n, seed);
        List<String> bodies = bodies(lines, batchSize);
        put(label + ".records", lines.size());
        put(label + ".requests", bodies.size());

        Loop before = loop(bodies, lines.size());
        put(label + ".loop_before.rate", String.format("%.0f", before.rate()));
        put(label + ".loop_before.cpu_us_per_record", String.format("%.1f", before.cpuUsPerRecord()));

        // the hub, warm first, as the loop is: drains of as many records of their own in all through the same hub
        // process (not counted), in the timed drain's shape (staged while the platform refuses, then sent), so the
        // timed drain finds the same paths run before, the refused phase's included. On two cores the JIT still works
        // through the timed drain (methods of the sending path reaching C2 for the first time: 2.5-3.7 CPU s in a
        // drain of 20,000 records, docs/benchmarks.md); the report shows that share apart.
        Hub hub = startHub(label, db.equals("-") ? null : db, batchSize);
        // in at least two rounds, each staged while the platform refuses and then sent: the second round's new connections
        // (every connection is closed while the platform refuses) meet code the JIT compiled from a profile that had
        // seen no TLS handshake, which it throws away and compiles again (-XX:+PrintCompilation: some 500 methods of
        // the TLS and HttpClient path made not entrant at the first request after a refusal). That happens once in a
        // hub's life, so the warm-up takes it, not the timed drain.
        // Then more rounds until the hub is warm by the loop's rule (WARM_STEADY), at most WARM_MAX_ROUNDS.
        int[] warm = {0};
        String warmRates = untilSteady(round -> {
            Path warmPackages = work.resolve(label + "-hub-warm-up-packages-" + round);
            int records = generate(warmPackages, Math.max(1, n / 2), seed + 1_000 * round).size();
            warm[0] += records;
            sim.refuse();
            land(warmPackages, hub.dataDir());
            awaitAcks(warmPackages, hub.dataDir());
            awaitSummary(hub, "PENDING", records, Duration.ofMinutes(10));
            long accepted = sim.recordsAccepted();
            sim.accept();
            double rate = records / drainSeconds(accepted, records);
            awaitSummary(hub, "ACKED", warm[0], Duration.ofMinutes(20));
            return rate;
        });
        put(label + ".hub.warm_up_records", warm[0]);
        put(label + ".hub.warm_up_rates", warmRates);
        // then the records staged through the ferry inbox while the platform refuses, until every one waits
        // PENDING in uplink_record; then the platform accepts and the backlog is sent
        sim.refuse();
        Map<String, Double> t0 = threadCpu(hub.process());
        land(packages, hub.dataDir());
        awaitAcks(packages, hub.dataDir());
        awaitSummary(hub, "PENDING", lines.size(), Duration.ofMinutes(10));
        // the CPU windows of sending start here, before the platform accepts (a thread dump takes a while; the hub
        // is idle meanwhile, retrying its login once a second); the rate's window at the first record it sends
        Map<String, Double> t1 = threadCpu(hub.process());
        long cpuFirst = cpuTicks(hub.process());
        long pgFirst = postgresTicks();
        long accepted0 = sim.recordsAccepted();
        sim.accept();
        double seconds = drainSeconds(accepted0, lines.size());
        long processCpu = cpuTicks(hub.process()) - cpuFirst;
        long pgCpu = postgresTicks() - pgFirst;
        Map<String, Double> t3 = threadCpu(hub.process());
        awaitSummary(hub, "ACKED", warm[0] + lines.size(), Duration.ofMinutes(2));
        stop(hub.process());

        double hubRate = lines.size() / seconds;
        Map<String, Double> staging = delta(t0, t1);
        Map<String, Double> sending = delta(t1, t3);
        double consumerUs = staging.get("uplink_consumer") * 1e6 / lines.size();
        double senderUs = sending.get("uplink_senders") * 1e6 / lines.size();
        put(label + ".hub.rate", String.format("%.0f", hubRate));
        put(label + ".hub.send_seconds", String.format("%.2f", seconds));
        put(label + ".hub.consumer_cpu_us_per_record", String.format("%.1f", consumerUs));
        put(label + ".hub.senders_cpu_us_per_record", String.format("%.1f", senderUs));
        put(label + ".hub.uplink_cpu_us_per_record", String.format("%.1f", consumerUs + senderUs));
        put(label + ".hub.process_cpu_us_per_record_sending",
                String.format("%.1f", processCpu * 1e6 / CLK_TCK / lines.size()));
        put(label + ".hub.postgres_cpu_us_per_record_sending", String.format("%.1f", pgCpu * 1e6 / CLK_TCK / lines.size()));
        sending.forEach((group, cpu) -> put(label + ".hub.sending_cpu_s." + group, String.format("%.2f", cpu)));

        Loop after = loop(bodies, lines.size());
        put(label + ".loop_after.rate", String.format("%.0f", after.rate()));
        put(label + ".loop_after.cpu_us_per_record", String.format("%.1f", after.cpuUsPerRecord()));
        double loopMean = (before.rate() + after.rate()) / 2;
        put(label + ".loop.mean_rate", String.format("%.0f", loopMean));
        put(label + ".hub_vs_loop", String.format("%.2f", hubRate / loopMean));
        put(label + ".loop.cpu_us_per_record",
                String.format("%.1f", (before.cpuUsPerRecord() + after.cpuUsPerRecord()) / 2));

        // every record of this mode at the platform three times: twice from the loops, once from the hub
        Map<String, Integer> received = sim.received();
        long wrong = lines.stream().map(UplinkBench::identity).filter(id -> received.getOrDefault(id, 0) != 3).count();
        put(label + ".identities_not_three_times", wrong);
        put(label + ".ok", wrong == 0 && before.failed() == 0 && after.failed() == 0);
    }

    /**
     * CPU seconds of a JVM's threads by what they do, from {@code jcmd PID Thread.print} (cpu=...ms per thread):
     * the uplink's senders (its workers, its HttpClient's executor and selector), its queue consumer, the JIT
     * compilers, the garbage collector, and all others. Threads that end between two snapshots are not counted.
     */
    private static Map<String, Double> threadCpu(Process p) throws Exception {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(p.pid()), "Thread.print").redirectErrorStream(true).start();
        String dump = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        jcmd.waitFor();
        Map<String, Double> byThread = new HashMap<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\"([^\"]+)\"( #\\d+)?.*? cpu=([\\d.]+)ms",
                java.util.regex.Pattern.MULTILINE).matcher(dump);
        while (m.find()) {
            byThread.merge(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)) / 1e3,
                    Double::sum);
        }
        if (byThread.isEmpty()) {
            throw new IllegalStateException("no thread CPU times from jcmd: " + dump);
        }
        return byThread;
    }

    private static Map<String, Double> delta(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> groups = new java.util.LinkedHashMap<>();
        for (String g : List.of("uplink_senders", "uplink_consumer", "jit", "gc", "other")) {
            groups.put(g, 0.0);
        }
        after.forEach((thread, cpu) -> {
            String name = thread.replaceAll(" #\\d+$", "");
            // the uplink's Camel routes: its senders are the scheduler threads of uplink-sender-N (their
            // database calls and uplink-send run there), its consumer is uplink-intake's JMS consumer thread
            String group = name.contains("scheduler://uplink-sender-") || name.equals("uplink-http")
                    || (name.startsWith("HttpClient-") && name.endsWith("SelectorManager")) ? "uplink_senders"
                    : name.contains("JmsConsumer[energy.national]") ? "uplink_consumer"
                    : name.contains("CompilerThread") ? "jit"
                    : name.startsWith("GC Thread") || name.startsWith("G1 ") || name.equals("VM Thread") ? "gc"
                    : "other";
            groups.merge(group, cpu - before.getOrDefault(thread, 0.0), Double::sum);
        });
        return groups;
    }

    // ---- the records ------------------------------------------------------------------------------------------

    /** Ferry packages of n valid records (5,000 a package) in dir, and the records' JSON lines. */
    private static List<String> generate(Path dir, int n, long seed) throws Exception {
        Files.createDirectories(dir);
        Generate g = new Generate(seed, 200, "530100", true);
        String sender = Generate.code(new SplittableRandom(seed + 1), "530000");
        int per = 5_000;
        int packages = (n + per - 1) / per;
        List<String> lines = new ArrayList<>(n);
        for (int p = 0; p < packages; p++) {
            Path data = dir.resolve(String.format("%s_DATA_20261124100000000_%06d.jsonl", sender, p + 1));
            g.writePackage(data, sender, p, packages, Math.min(per, n - p * per),
                    UUID.nameUUIDFromBytes(("uplink" + seed + ":" + p).getBytes(StandardCharsets.UTF_8)));
            Files.readAllLines(data).stream().filter(l -> !l.isBlank()).forEach(lines::add);
        }
        return lines;
    }

    /** The request bodies the hub sends: each record alone, or JSON arrays of batchSize records. */
    private static List<String> bodies(List<String> lines, int batchSize) {
        List<String> bodies = new ArrayList<>();
        if (batchSize <= 1) {
            bodies.addAll(lines);
            return bodies;
        }
        for (int i = 0; i < lines.size(); i += batchSize) {
            bodies.add("[" + String.join(",", lines.subList(i, Math.min(lines.size(), i + batchSize))) + "]");
        }
        return bodies;
    }

    private static String identity(String line) {
        try {
            JsonNode r = JSON.readTree(line);
            return r.path("enterpriseCode").asText() + "|" + r.path("dataCode").asText() + "|"
                    + r.path("statType").asText() + "|" + r.path("statDate").asText();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- the plain loop ---------------------------------------------------------------------------------------

    record Loop(long records, double seconds, long cpuNanos, long failed) {
        double rate() {
            return records / seconds;
        }

        double cpuUsPerRecord() {
            return cpuNanos / 1e3 / records;
        }
    }

    private Loop loop(List<String> bodies, long records) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<Long, Long> cpuBefore = loopThreadsCpu(threads);
        ExecutorService httpPool = Executors.newFixedThreadPool(Math.max(2, concurrency), named("plain-http"));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(clientTls())
                .connectTimeout(Duration.ofSeconds(5)).executor(httpPool).build();
        URI upload = URI.create("https://127.0.0.1:" + sim.port() + "/dataEnterpriseEnergy");
        String token = token(http);
        AtomicInteger next = new AtomicInteger();
        AtomicLong failed = new AtomicLong();
        ExecutorService senders = Executors.newFixedThreadPool(concurrency, named("plain-loop"));
        long start = System.nanoTime();
        List<java.util.concurrent.Future<?>> done = new ArrayList<>();
        for (int t = 0; t < concurrency; t++) {
            done.add(senders.submit(() -> {
                for (int i = next.getAndIncrement(); i < bodies.size(); i = next.getAndIncrement()) {
                    HttpRequest request = HttpRequest.newBuilder(upload).timeout(Duration.ofSeconds(15))
                            .header("Content-Type", "application/json; charset=utf-8")
                            .header("Authorization", "Bearer " + token)
                            .POST(HttpRequest.BodyPublishers.ofString(bodies.get(i), StandardCharsets.UTF_8)).build();
                    HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                    if (r.statusCode() != 200 || JSON.readTree(r.body()).path("responseCode").asInt() != 200) {
                        failed.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (var f : done) {
            f.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<Long, Long> cpuAfter = loopThreadsCpu(threads);
        long cpu = 0;
        for (var e : cpuAfter.entrySet()) {
            cpu += e.getValue() - cpuBefore.getOrDefault(e.getKey(), 0L);
        }
        senders.shutdown();
        httpPool.shutdown();
        return new Loop(records, seconds, cpu, failed.get());
    }

    /** CPU time of the loop's threads (its senders, its client's executor and selector) by thread id. */
    private static Map<Long, Long> loopThreadsCpu(ThreadMXBean threads) {
        Map<Long, Long> cpu = new HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String name = t.getName();
            if (name.startsWith("plain-") || (name.startsWith("HttpClient-") && name.endsWith("SelectorManager"))) {
                long ns = threads.getThreadCpuTime(t.getId());
                if (ns >= 0) {
                    cpu.put(t.getId(), ns);
                }
            }
        }
        return cpu;
    }

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private SSLContext clientTls() throws Exception {
        char[] pw = pki.password.toCharArray();
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(load(pki.clientKeyStore(), pw), pw);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load(pki.clientTrustStore(), pw));
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ssl;
    }

    private static KeyStore load(Path file, char[] pw) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, pw);
        }
        return ks;
    }

    private String token(HttpClient http) throws Exception {
        String password = new PinBlock(true, false).password(NationalPlatformSimulator.SECRET_KEY,
                NationalPlatformSimulator.ENTERPRISE_CODE, NationalPlatformSimulator.PIN);
        String body = JSON.writeValueAsString(Map.of("enterpriseCode", NationalPlatformSimulator.ENTERPRISE_CODE,
                "password", password));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + sim.port()
                + "/requestAK")).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body()).path("data").path("token").asText();
    }

    // ---- the hub ----------------------------------------------------------------------------------------------

    record Hub(Process process, Path dataDir, int httpPort) {
    }

    private Hub startHub(String label, String db, int batchSize) throws Exception {
        Path dataDir = work.resolve(label).resolve("data");
        Files.createDirectories(dataDir);
        int http = freePort();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g"));
        String jvm = System.getenv("HUB_JVM_OPTS"); // e.g. a flight recording: -XX:StartFlightRecording=filename=...
        if (jvm != null && !jvm.isBlank()) {
            cmd.addAll(List.of(jvm.trim().replace("{label}", label).split("\\s+")));
        }
        cmd.addAll(List.of("-jar", jar.toString(), "--spring.profiles.active=dev", "--hub.data-dir=" + dataDir,
                "--hub.broker.port=" + freePort(), "--server.port=" + http, "--hub.tcp.port=" + freePort(),
                // unsigned (v1) packages as the other benches send: the dev profile requires signatures, whose cost
                // bench/signature-cost.sh measures apart; what is measured here is the uplink
                "--hub.ferry.signatures=off"));
        if (db != null) {
            cmd.add("--spring.datasource.url=" + db);
        }
        cmd.addAll(List.of("--hub.uplink.enabled=true", "--hub.uplink.base-url=https://127.0.0.1:" + sim.port(),
                "--hub.uplink.enterprise-code=" + NationalPlatformSimulator.ENTERPRISE_CODE,
                "--hub.uplink.key-store=" + pki.clientKeyStore(), "--hub.uplink.trust-store=" + pki.clientTrustStore(),
                "--hub.uplink.concurrency=" + concurrency, "--hub.uplink.batch-size=" + batchSize));
        // the claim size is the hub's default (whole requests of batch-size), or HUB_ARGS' --hub.uplink.claim-size
        String extra = System.getenv("HUB_ARGS");
        if (extra != null && !extra.isBlank()) {
            cmd.addAll(List.of(extra.trim().split("\\s+")));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("hub-" + label + ".log").toFile()));
        // secrets from the environment, as in production
        pb.environment().put("HUB_UPLINK_SECRET_KEY", NationalPlatformSimulator.SECRET_KEY);
        pb.environment().put("HUB_UPLINK_PIN", NationalPlatformSimulator.PIN);
        pb.environment().put("HUB_UPLINK_KEY_STORE_PASSWORD", pki.password);
        pb.environment().put("HUB_UPLINK_TRUST_STORE_PASSWORD", pki.password);
        Process p = pb.start();
        hubs.add(p);
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/actuator/health/readiness"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (true) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the hub " + label + " did not start; see "
                        + work.resolve("hub-" + label + ".log"));
            }
            try {
                if (client.send(ready, HttpResponse.BodyHandlers.ofString()).body().contains("\"UP\"")) {
                    break;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        return new Hub(p, dataDir, http);
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
        }
    }

    /** The gate's copy: all data files, then the manifests one after another. */
    private static void land(Path packages, Path dataDir) throws IOException {
        Path inbox = dataDir.resolve("ferry/inbox");
        Files.createDirectories(inbox);
        List<Path> data;
        try (var files = Files.list(packages)) {
            data = files.filter(f -> f.toString().endsWith(".jsonl")).sorted().toList();
        }
        for (Path d : data) {
            Files.copy(d, inbox.resolve(d.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        for (Path d : data) {
            Path m = Path.of(d + ".manifest");
            Path tmp = inbox.resolve("." + m.getFileName() + ".tmp");
            Files.copy(m, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, inbox.resolve(m.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private static void awaitAcks(Path packages, Path dataDir) throws Exception {
        Path outbox = dataDir.resolve("ferry/outbox");
        List<Path> data;
        try (var files = Files.list(packages)) {
            data = files.filter(f -> f.toString().endsWith(".jsonl")).toList();
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
        for (Path d : data) {
            Path ack = outbox.resolve(d.getFileName() + ".ack.json");
            while (!Files.exists(ack)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no ACK for " + d.getFileName());
                }
                Thread.sleep(10);
            }
            Thread.sleep(5); // written whole (renamed into place): read it
            JsonNode a = JSON.readTree(Files.readString(ack));
            if (!a.path("status").asText().equals("ACCEPTED") || a.path("rejected").asInt() != 0) {
                throw new IllegalStateException("not accepted whole: " + a);
            }
        }
    }

    /** Waits until the hub's operator API counts {@code n} records in {@code state}. */
    private static void awaitSummary(Hub hub, String state, long n, Duration bound) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest summary = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.httpPort()
                + "/api/operator/uplink/summary")).header("Accept", "application/json").header("Authorization",
                "Basic " + Base64.getEncoder().encodeToString("viewer:viewer-dev".getBytes(StandardCharsets.UTF_8)))
                .build();
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) {
            JsonNode s = JSON.readTree(client.send(summary, HttpResponse.BodyHandlers.ofString()).body());
            if (s.path("counts").path(state).asLong() == n) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the hub counts " + s.path("counts") + ", not " + n + " " + state);
            }
            Thread.sleep(500); // each call is a bcrypt check of the login
        }
    }

    /** utime + stime of a process, in clock ticks (/proc/PID/stat). */
    private static long cpuTicks(Process p) throws IOException {
        return ticks(Files.readString(Path.of("/proc", String.valueOf(p.pid()), "stat")));
    }

    /** User and system CPU ticks of one /proc/PID/stat line (fields 14 and 15, counted after the command's ')'). */
    private static long ticks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /**
     * CPU ticks used so far by every process of this machine named postgres (the server the hub's database is on, when
     * it runs here: its backends, which the hub's pool keeps open, and its WAL writer, checkpointer and the rest).
     */
    /**
     * A warm-up (of the loop, of the hub) goes on in rounds until a round is less than this much faster than the one
     * before, from the second round on.
     */
    static final double WARM_STEADY = 1.10;
    static final int WARM_MAX_ROUNDS = 5;

    /** One warm-up round: its records a second. */
    interface Round {
        double run(int round) throws Exception;
    }

    /** Rounds until one is less than {@link #WARM_STEADY} times faster than the one before; their rates, spaced. */
    private static String untilSteady(Round round) throws Exception {
        List<String> rates = new ArrayList<>();
        double previous = 0;
        for (int r = 1; r <= WARM_MAX_ROUNDS; r++) {
            double rate = round.run(r);
            rates.add(String.format("%.0f", rate));
            if (r >= 2 && rate < previous * WARM_STEADY) {
                break;
            }
            previous = rate;
        }
        return String.join(" ", rates);
    }

    /**
     * Seconds from the simulator's first record after {@code accepted0} until it has {@code n} more (at most 30
     * minutes; the caller's checks then find what is missing).
     */
    private double drainSeconds(long accepted0, int n) throws InterruptedException {
        while (sim.recordsAccepted() == accepted0) {
            Thread.sleep(1);
        }
        long first = System.nanoTime();
        long deadline = first + Duration.ofMinutes(30).toNanos();
        while (sim.recordsAccepted() < accepted0 + n && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        return (System.nanoTime() - first) / 1e9;
    }

    private static long postgresTicks() throws IOException {
        long ticks = 0;
        try (var procs = Files.newDirectoryStream(Path.of("/proc"), d -> d.getFileName().toString().matches("\\d+"))) {
            for (Path d : procs) {
                try {
                    String stat = Files.readString(d.resolve("stat"));
                    if (stat.contains("(postgres)")) {
                        ticks += ticks(stat);
                    }
                } catch (IOException gone) {
                    // a process that ended meanwhile
                }
            }
        }
        return ticks;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}

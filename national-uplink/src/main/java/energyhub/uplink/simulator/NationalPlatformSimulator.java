package energyhub.uplink.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import energyhub.uplink.PinBlock;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * A national platform for trying the uplink before the province is connected, and for the tests: a real HTTPS server
 * that requires a client certificate, {@code requestAK} checking the SM4 PIN block, short-lived tokens, {@code
 * checkVersion} with a version that can be bumped, base-data download, record upload that counts each identity, and
 * scriptable faults (refused connections, 5xx bursts, slow answers, resets, 401 storms, rejected records, oversized
 * answers, bodies that stall after their headers, a Content-Length that is not a number).
 *
 * <p>Run: {@code java -jar deployment/target/exchange-hub.jar --national-platform-simulator [port=8443]
 * [dir=data/national-simulator] [token-lifetime=PT20S]} (docs/national-uplink.md).
 */
public class NationalPlatformSimulator implements AutoCloseable {

    public static final String ENTERPRISE_CODE = "91530000SIMULATOR";
    public static final String SECRET_KEY = "DqIaOoP6FW4XKsyr";
    public static final String PIN = "123456";

    static {
        // the JDK server writes headers and body apart: without TCP_NODELAY each keep-alive answer waits ~40 ms for the
        // client's delayed ACK (read once, when the server classes load)
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter AK_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss SSS");
    private static final DateTimeFormatter PLATFORM_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");

    private final int port;
    private final SSLContext ssl;
    private final ExecutorService executor = Executors.newFixedThreadPool(16);
    private final Map<String, String> enterprises = new ConcurrentHashMap<>(); // code -> expected password
    private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
    private final Set<String> rejectedDataCodes = ConcurrentHashMap.newKeySet();
    private final AtomicInteger tokensIssued = new AtomicInteger();
    private final AtomicInteger downloads = new AtomicInteger();
    private final AtomicInteger versionChecks = new AtomicInteger();
    private final AtomicLong uploadRequests = new AtomicLong();
    private final AtomicLong recordsAccepted = new AtomicLong();
    private final AtomicLong expiredTokenUses = new AtomicLong();
    private final AtomicLong rejections = new AtomicLong();
    private final AtomicInteger serverErrors = new AtomicInteger();
    private final AtomicInteger slow = new AtomicInteger();
    private final AtomicInteger resets = new AtomicInteger();
    private final AtomicInteger unauthorized = new AtomicInteger();
    private final AtomicInteger oversized = new AtomicInteger();
    private final AtomicInteger oversizedCutOff = new AtomicInteger();
    private volatile long oversizedBytes;
    private final AtomicInteger stalled = new AtomicInteger();
    private final AtomicInteger badLengths = new AtomicInteger();
    private volatile String badLength;
    private volatile long stallMillis;
    private final AtomicReference<String> dicVersion = new AtomicReference<>("1.0");
    private volatile long slowMillis;
    private volatile Duration tokenLifetime;
    private volatile HttpsServer server;

    public NationalPlatformSimulator(int port, Path keyStore, Path trustStore, char[] password, Duration tokenLifetime)
            throws Exception {
        this.port = port;
        this.tokenLifetime = tokenLifetime;
        KeyStore keys = load(keyStore, password);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, password);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load(trustStore, password));
        ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        enterprise(ENTERPRISE_CODE, SECRET_KEY, PIN);
        start();
    }

    /** Simulator on the given PKI's platform stores. */
    public static NationalPlatformSimulator start(int port, DemoPki pki, Duration tokenLifetime) throws Exception {
        return new NationalPlatformSimulator(port, pki.serverKeyStore(), pki.serverTrustStore(),
                pki.password.toCharArray(), tokenLifetime);
    }

    private static KeyStore load(Path file, char[] password) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, password);
        }
        return ks;
    }

    /** An enterprise (front-end) that may log in, with its secretKey and PIN. */
    public void enterprise(String code, String secretKey, String pin) {
        enterprises.put(code, new PinBlock(true, false).password(secretKey, code, pin));
    }

    private synchronized void start() throws IOException {
        HttpsServer s = HttpsServer.create(new InetSocketAddress("127.0.0.1", port), 128);
        s.setHttpsConfigurator(new HttpsConfigurator(ssl) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = ssl.getDefaultSSLParameters();
                p.setNeedClientAuth(true);
                params.setSSLParameters(p);
            }
        });
        s.setExecutor(executor);
        s.createContext("/requestAK", this::requestAk);
        s.createContext("/checkVersion", this::checkVersion);
        s.createContext("/dataDownload", this::dataDownload);
        s.createContext("/dataEnterpriseEnergy", this::upload);
        s.start();
        server = s;
    }

    // ---- faults -------------------------------------------------------------------------------------------------

    /** Refuse connections (nothing listens) until {@link #accept()}. */
    public synchronized void refuse() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    /** Listen again after {@link #refuse()}. */
    public synchronized void accept() throws IOException {
        if (server == null) {
            start();
        }
    }

    /** The next n uploads are answered HTTP 503. */
    public void serverErrors(int n) { serverErrors.set(n); }
    /** 503 answers of the last {@link #serverErrors(int)} not yet given. */
    public int serverErrorsLeft() { return serverErrors.get(); }
    /** Whether connections are refused now ({@link #refuse()}). */
    public synchronized boolean refusing() { return server == null; }
    /** The next n uploads are answered after {@code millis}. */
    public void slow(int n, long millis) { slowMillis = millis; slow.set(n); }
    /** The next n uploads are closed without an answer. */
    public void resets(int n) { resets.set(n); }
    /** The next n uploads are answered responseCode 401 in an HTTP 200 (a 401 storm). */
    public void unauthorized(int n) { unauthorized.set(n); }
    /** The next {@code n} uploads are answered 200 with a body of {@code bytes} bytes, chunked (no length said). */
    public void oversizedAnswers(int n, long bytes) { oversizedBytes = bytes; oversized.set(n); }
    /** The next {@code n} uploads answer their headers and half an envelope, then stall {@code millis} before the rest. */
    public void stallBodies(int n, long millis) { stallMillis = millis; stalled.set(n); }
    /** The next {@code n} uploads are answered 200 with a Content-Length header of {@code value} (not a number). */
    public void malformedLengths(int n, String value) { badLength = value; badLengths.set(n); }
    /** Oversized answers the client stopped reading (the connection closed before their end). */
    public int oversizedAnswersCutOff() { return oversizedCutOff.get(); }
    /** Records with this dataCode are refused as bad data (responseCode 400). */
    public void rejectDataCode(String dataCode) { rejectedDataCodes.add(dataCode); }
    public void acceptDataCode(String dataCode) { rejectedDataCodes.remove(dataCode); }
    /** A new dicVersion: uploads with the old one are answered responseCode 409. */
    public String bumpDicVersion() {
        return dicVersion.updateAndGet(v -> {
            String[] p = v.split("\\.");
            return p[0] + "." + (Integer.parseInt(p[1]) + 1);
        });
    }
    public void tokenLifetime(Duration d) { tokenLifetime = d; }

    // ---- what was received --------------------------------------------------------------------------------------

    /** Times each identity (enterpriseCode|dataCode|statType|statDate) was accepted. */
    public Map<String, Integer> received() {
        Map<String, Integer> m = new java.util.HashMap<>();
        received.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }
    public int tokensIssued() { return tokensIssued.get(); }
    public int downloads() { return downloads.get(); }
    public int versionChecks() { return versionChecks.get(); }
    public long uploadRequests() { return uploadRequests.get(); }
    /** Records accepted so far, re-sends included (cheap to poll, unlike {@link #received()}). */
    public long recordsAccepted() { return recordsAccepted.get(); }
    public long expiredTokenUses() { return expiredTokenUses.get(); }
    public long rejections() { return rejections.get(); }
    public String dicVersion() { return dicVersion.get(); }
    public int port() { return port; }

    // ---- handlers -----------------------------------------------------------------------------------------------

    private void requestAk(HttpExchange ex) throws IOException {
        JsonNode req = read(ex);
        String code = req.path("enterpriseCode").asText();
        String expected = enterprises.get(code);
        if (expected == null || !expected.equalsIgnoreCase(req.path("password").asText())) {
            answer(ex, 200, envelope(403, "企业编码或密码错误 (simulated)", null));
            return;
        }
        String token = UUID.randomUUID().toString();
        Instant now = Instant.now();
        Instant expires = now.plus(tokenLifetime);
        tokens.put(token, expires);
        tokensIssued.incrementAndGet();
        ObjectNode data = JSON.createObjectNode();
        data.put("token", token);
        data.put("akValidAt", AK_TIME.format(LocalDateTime.ofInstant(now, ZONE)));
        data.put("akExpiresIn", AK_TIME.format(LocalDateTime.ofInstant(expires, ZONE)));
        data.put("enterpriseUploadTime", "01:00:00");
        answer(ex, 200, envelope(200, "success", data));
    }

    private boolean authorised(HttpExchange ex) throws IOException {
        String h = ex.getRequestHeaders().getFirst("Authorization");
        Instant exp = h != null && h.startsWith("Bearer ") ? tokens.get(h.substring(7)) : null;
        if (exp == null || Instant.now().isAfter(exp)) {
            if (exp != null) {
                expiredTokenUses.incrementAndGet();
            }
            answer(ex, 200, envelope(401, "AK验证失败,请确认AK的完整性和有效性!", null));
            return false;
        }
        return true;
    }

    private void checkVersion(HttpExchange ex) throws IOException {
        read(ex);
        if (!authorised(ex)) {
            return;
        }
        versionChecks.incrementAndGet();
        ObjectNode data = JSON.createObjectNode();
        data.put("dicVersion", dicVersion.get());
        data.put("regVersion", "1.0");
        data.put("modifyDescription", "simulated dictionary " + dicVersion.get());
        data.put("loadPlatformDataURL", "/dataDownload");
        answer(ex, 200, envelope(200, "success", data));
    }

    private void dataDownload(HttpExchange ex) throws IOException {
        JsonNode req = read(ex);
        if (!authorised(ex)) {
            return;
        }
        downloads.incrementAndGet();
        ObjectNode data = JSON.createObjectNode();
        for (String item : req.path("itemIndex").asText("").split(",")) {
            data.putArray(item.trim()).addObject().put("code", "0001").put("name", "simulated item " + item.trim()
                    + " of dictionary " + dicVersion.get());
        }
        answer(ex, 200, envelope(200, "success", data));
    }

    private void upload(HttpExchange ex) throws IOException {
        uploadRequests.incrementAndGet();
        if (take(resets)) {
            ex.close(); // no status line, no body: the client sees the connection end
            return;
        }
        JsonNode body = read(ex);
        if (take(slow)) {
            try {
                Thread.sleep(slowMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (take(serverErrors)) {
            answer(ex, 503, "{\"responseCode\":503,\"responseMessage\":\"busy (simulated)\"}");
            return;
        }
        if (take(oversized)) {
            answerOversized(ex);
            return;
        }
        if (take(stalled)) {
            answerStalled(ex);
            return;
        }
        if (take(badLengths)) {
            // chunked, so the server writes the body, with the handler's own Content-Length left beside it
            ex.getResponseHeaders().set("Content-Length", badLength);
            ex.sendResponseHeaders(200, 0);
            try (var out = ex.getResponseBody()) {
                out.write(envelope(200, "success", null).getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // the client closed the connection
            } finally {
                ex.close();
            }
            return;
        }
        if (take(unauthorized)) {
            answer(ex, 200, envelope(401, "AK验证失败,请确认AK的完整性和有效性!", null));
            return;
        }
        if (!authorised(ex)) {
            return;
        }
        List<JsonNode> records = new ArrayList<>();
        if (body.isArray()) {
            body.forEach(records::add);
        } else {
            records.add(body);
        }
        for (JsonNode r : records) {
            if (!dicVersion.get().equals(r.path("dicVersion").asText())) {
                answer(ex, 200, envelope(409, "dicVersion " + r.path("dicVersion").asText() + " is not the current "
                        + dicVersion.get() + ": checkVersion (simulated)", null));
                return;
            }
            if (rejectedDataCodes.contains(r.path("dataCode").asText())) {
                rejections.incrementAndGet();
                answer(ex, 200, envelope(400, "采集数据项编码 " + r.path("dataCode").asText() + " 不存在 (simulated)",
                        null));
                return;
            }
        }
        for (JsonNode r : records) {
            String id = r.path("enterpriseCode").asText() + "|" + r.path("dataCode").asText() + "|"
                    + r.path("statType").asText() + "|" + r.path("statDate").asText();
            received.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
        }
        recordsAccepted.addAndGet(records.size());
        ObjectNode data = JSON.createObjectNode();
        data.put("platformTime", PLATFORM_TIME.format(LocalDateTime.now(ZONE)));
        answer(ex, 200, envelope(200, "success", data));
    }

    /** A valid envelope whose message is padded to oversizedBytes, written in pieces without a Content-Length. */
    private void answerOversized(HttpExchange ex) throws IOException {
        byte[] head = "{\"responseCode\":200,\"responseMessage\":\"".getBytes(StandardCharsets.UTF_8);
        byte[] tail = "\"}".getBytes(StandardCharsets.UTF_8);
        byte[] pad = new byte[64 << 10];
        java.util.Arrays.fill(pad, (byte) 'x');
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(200, 0);
        try (var out = ex.getResponseBody()) {
            out.write(head);
            for (long left = Math.max(0, oversizedBytes - head.length - tail.length); left > 0; left -= pad.length) {
                out.write(pad, 0, (int) Math.min(pad.length, left));
            }
            out.write(tail);
        } catch (IOException e) {
            oversizedCutOff.incrementAndGet();
        } finally {
            ex.close();
        }
    }

    /** Headers and half an envelope, flushed; then nothing for stallMillis; then the rest (if the client still listens). */
    private void answerStalled(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(200, 0);
        try (var out = ex.getResponseBody()) {
            out.write("{\"responseCode\":200,".getBytes(StandardCharsets.UTF_8));
            out.flush();
            Thread.sleep(stallMillis);
            out.write("\"responseMessage\":\"success\"}".getBytes(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client gave up and closed the connection
        } finally {
            ex.close();
        }
    }

    private static boolean take(AtomicInteger budget) {
        return budget.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    }

    private static JsonNode read(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] raw = in.readNBytes(16 << 20);
            return raw.length == 0 ? JSON.createObjectNode() : JSON.readTree(raw);
        }
    }

    private static String envelope(int code, String message, JsonNode data) {
        ObjectNode n = JSON.createObjectNode();
        n.put("responseCode", code);
        n.put("responseMessage", message);
        if (data != null) {
            n.set("data", data);
        }
        return n.toString();
    }

    private static void answer(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    @Override
    public void close() {
        refuse();
        executor.shutdownNow();
    }

    /** Where the simulator keeps its demo PKI by default: under the data folder of a hub started in the same folder. */
    public static final String DEFAULT_DIR = "data/national-simulator";
    /** The file (in the PKI's folder) with the settings of a hub that talks to this simulator; the dev profile imports it. */
    public static final String HUB_SETTINGS = "hub-uplink.properties";
    private static final String PASSWORD_FILE = "store-password";

    /**
     * {@code [port=8443] [dir=data/national-simulator] [token-lifetime=PT20S]}: makes a demo PKI in dir (once, with a
     * random store password kept there), writes the settings of a hub that talks to it into dir/hub-uplink.properties
     * (owner-only; the hub's dev profile imports it) and serves until stopped. Started from the hub's jar with
     * {@code java -jar exchange-hub.jar --national-platform-simulator}.
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> a = new java.util.HashMap<>(Map.of("port", "8443", "dir", DEFAULT_DIR,
                "token-lifetime", "PT20S"));
        for (String arg : args) {
            int i = arg.indexOf('=');
            if (i > 0) {
                a.put(arg.substring(i > 2 && arg.startsWith("--") ? 2 : 0, i), arg.substring(i + 1));
            }
        }
        Path dir = Path.of(a.get("dir")).toAbsolutePath().normalize();
        DemoPki pki = demoPki(dir, a.get("password"));
        NationalPlatformSimulator sim = start(Integer.parseInt(a.get("port")), pki, Duration.parse(a.get("token-lifetime")));
        Path settings = writeHubSettings(sim, pki);
        System.out.println("national platform simulator on https://127.0.0.1:" + sim.port() + " (client certificate "
                + "required; demo PKI in " + dir + ", never for production)");
        System.out.println("a hub started in the dev profile from the folder holding data/ reads its settings from "
                + settings + ": add --hub.uplink.enabled=true (docs/national-uplink.md)");
        System.out.println("a hub in another profile: the same hub.uplink.* settings, e.g. as HUB_UPLINK_* variables");
        Runtime.getRuntime().addShutdownHook(new Thread(sim::close));
        long reported = 0;
        while (true) { // one line when records arrived, at most every 5 s; never one per record
            Thread.sleep(5000);
            long identities = sim.received.size();
            if (identities != reported) {
                reported = identities;
                System.out.println("national platform simulator: " + identities + " record identities received, "
                        + sim.uploadRequests() + " upload requests");
            }
        }
    }

    /** The demo PKI in {@code dir}, made with a random store password on first start (or with {@code password}). */
    static DemoPki demoPki(Path dir, String password) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        try { // the stores hold the demo CAs' private keys: readable by the owner only
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException notPosix) {
            // a file system without POSIX modes: as the folder's owner made it
        }
        Path kept = dir.resolve(PASSWORD_FILE);
        String pw = password;
        if (pw == null) {
            if (Files.exists(kept)) {
                pw = Files.readString(kept).strip();
            } else {
                pw = java.util.HexFormat.of().formatHex(new java.security.SecureRandom().generateSeed(16));
                // stores of an earlier password (or a start cut short) are made again with this one
                Files.deleteIfExists(dir.resolve("hub-trust.p12"));
            }
        }
        DemoPki pki = DemoPki.create(dir, pw, "Simulator");
        if (password == null) {
            ownerOnly(kept, pw + "\n");
        }
        return pki;
    }

    /** The settings of a hub that talks to this simulator, as a properties file (owner-only); its path. */
    static Path writeHubSettings(NationalPlatformSimulator sim, DemoPki pki) throws IOException {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("hub.uplink.base-url", "https://127.0.0.1:" + sim.port());
        p.setProperty("hub.uplink.enterprise-code", ENTERPRISE_CODE);
        p.setProperty("hub.uplink.secret-key", SECRET_KEY);
        p.setProperty("hub.uplink.pin", PIN);
        p.setProperty("hub.uplink.key-store", pki.clientKeyStore().toString());
        p.setProperty("hub.uplink.key-store-password", pki.password);
        p.setProperty("hub.uplink.trust-store", pki.clientTrustStore().toString());
        p.setProperty("hub.uplink.trust-store-password", pki.password);
        java.io.StringWriter text = new java.io.StringWriter();
        p.store(text, " the national-platform simulator's settings for a hub (demo PKI, never for production);"
                + " written on each start of the simulator, imported by the hub's dev profile");
        Path file = pki.dir.resolve(HUB_SETTINGS);
        ownerOnly(file, text.toString());
        return file;
    }

    private static void ownerOnly(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(tmp);
        }
        Files.writeString(tmp, content);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}

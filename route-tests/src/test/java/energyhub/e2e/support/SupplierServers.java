package energyhub.e2e.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * The suppliers' own servers, real and on loopback: the gas company's SFTP server (Apache MINA SSHD,
 * password login, an EC host key pinned in a known_hosts file) and the heat company's REST API
 * (the JDK's HttpServer), which records every request it answers.
 */
public final class SupplierServers {

    public static final String SFTP_USER = "hub";
    public static final String SFTP_PASSWORD = "sftp-test-secret";
    public static final String HEAT_TOKEN = "heat-test-token";

    private SupplierServers() {
    }

    /** A running SFTP server serving {@code root}; {@code knownHosts} pins its host key. */
    public record Sftp(SshServer server, Path root, Path knownHosts, AtomicInteger closedUnauthenticated) {
        public int port() {
            return server.getPort();
        }

        /** A known_hosts file that pins a different key for this server. */
        public Path wrongKnownHosts() {
            return knownHosts.resolveSibling("known_hosts.other");
        }

        /** Uploads a file as the supplier would: written under a temp name, then renamed. */
        public Path put(String dir, String name, byte[] content) throws IOException {
            Path d = root.resolve(dir);
            Files.createDirectories(d);
            Path tmp = Files.createTempFile(root, ".upload-", ".tmp");
            Files.write(tmp, content);
            return Files.move(tmp, d.resolve(name));
        }
    }

    public static Sftp startSftp(Path work) {
        try {
            Path root = Files.createDirectories(work.resolve("sftp-root"));
            SshServer sshd = SshServer.setUpDefaultServer();
            sshd.setHost("127.0.0.1");
            sshd.setPort(0);
            SimpleGeneratorHostKeyProvider keys = new SimpleGeneratorHostKeyProvider(work.resolve("sftp-host-key"));
            keys.setAlgorithm("EC");
            keys.setKeySize(256);
            sshd.setKeyPairProvider(keys);
            sshd.setPasswordAuthenticator((user, password, session) -> SFTP_USER.equals(user) && SFTP_PASSWORD.equals(password));
            sshd.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
            sshd.setFileSystemFactory(new VirtualFileSystemFactory(root));
            // sessions a client dropped before logging in (e.g. because it refused the host key)
            AtomicInteger closedUnauthenticated = new AtomicInteger();
            sshd.addSessionListener(new SessionListener() {
                @Override
                public void sessionClosed(Session session) {
                    if (!session.isAuthenticated()) {
                        closedUnauthenticated.incrementAndGet();
                    }
                }
            });
            sshd.start();
            KeyPair key = keys.loadKeys(null).iterator().next();
            Path knownHosts = work.resolve("known_hosts");
            Files.writeString(knownHosts, "[127.0.0.1]:" + sshd.getPort() + " " + PublicKeyEntry.toString(key.getPublic()) + "\n");
            // a known_hosts that pins another key for this server: what a man in the middle would look like
            SimpleGeneratorHostKeyProvider other = new SimpleGeneratorHostKeyProvider(work.resolve("other-host-key"));
            other.setAlgorithm("EC");
            other.setKeySize(256);
            Files.writeString(work.resolve("known_hosts.other"), "[127.0.0.1]:" + sshd.getPort() + " "
                    + PublicKeyEntry.toString(other.loadKeys(null).iterator().next().getPublic()) + "\n");
            return new Sftp(sshd, root, knownHosts, closedUnauthenticated);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the test SFTP server", e);
        }
    }

    /** One request the heat API answered: window start, page, HTTP status, Authorization header. */
    public record HeatRequest(String from, int page, int status, String authorization) {
    }

    /**
     * The heat company's API. Pages per window start date are set with {@link Heat#serve}; a window can
     * be told to fail its first requests with HTTP 500.
     */
    public static final class Heat {
        private final HttpServer server;
        private final Map<String, List<String>> pages = new ConcurrentHashMap<>();
        private final Map<String, AtomicInteger> failuresLeft = new ConcurrentHashMap<>();
        private final Map<String, java.util.function.IntFunction<String>> raw = new ConcurrentHashMap<>();
        public final List<HeatRequest> requests = new CopyOnWriteArrayList<>();

        Heat(HttpServer server) {
            this.server = server;
        }

        public int port() {
            return server.getAddress().getPort();
        }

        /** The pages (each a JSON array of items) of the window starting on {@code from}. */
        public Heat serve(String from, List<String> itemsPerPage) {
            pages.put(from, itemsPerPage);
            return this;
        }

        /** A hostile API: the whole body of each page of the window starting on {@code from}, as given. */
        public Heat serveRaw(String from, java.util.function.IntFunction<String> bodyOfPage) {
            raw.put(from, bodyOfPage);
            return this;
        }

        public Heat failFirst(String from, int times) {
            failuresLeft.put(from, new AtomicInteger(times));
            return this;
        }

        public List<HeatRequest> requestsFor(String from) {
            return requests.stream().filter(r -> r.from().equals(from)).toList();
        }

        void handle(HttpExchange ex) throws IOException {
            Map<String, String> q = new HashMap<>();
            for (String kv : ex.getRequestURI().getRawQuery().split("&")) {
                int eq = kv.indexOf('=');
                q.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            String from = q.get("from");
            int page = Integer.parseInt(q.get("page"));
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            int status;
            String body;
            List<String> served = pages.get(from);
            AtomicInteger fail = failuresLeft.get(from);
            if (!("Bearer " + HEAT_TOKEN).equals(auth)) {
                status = 401;
                body = "{\"error\":\"unauthorized\"}";
            } else if (fail != null && fail.getAndDecrement() > 0) {
                status = 500;
                body = "{\"error\":\"internal\"}";
            } else if (raw.containsKey(from)) {
                status = 200;
                body = raw.get(from).apply(page);
            } else if (served == null) {
                status = 200;
                body = "{\"page\":" + page + ",\"totalPages\":0,\"items\":[]}";
            } else {
                status = 200;
                body = "{\"page\":" + page + ",\"totalPages\":" + served.size() + ",\"items\":" + served.get(page - 1) + "}";
            }
            requests.add(new HeatRequest(from, page, status, auth));
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(status, bytes.length);
            ex.getResponseBody().write(bytes);
            ex.close();
        }
    }

    public static Heat startHeat() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            Heat heat = new Heat(server);
            server.createContext("/api/v1/heat-usage", ex -> {
                try {
                    heat.handle(ex);
                } catch (RuntimeException e) {
                    ex.sendResponseHeaders(400, -1);
                    ex.close();
                }
            });
            server.start();
            return heat;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

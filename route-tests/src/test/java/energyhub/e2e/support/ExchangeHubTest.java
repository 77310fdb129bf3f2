package energyhub.e2e.support;

import com.fasterxml.jackson.databind.JsonNode;
import energyhub.HubApplication;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.awaitility.Awaitility.await;

/**
 * The whole hub (as {@link HubTest}, with a data directory and broker port of its own) configured
 * with the cross-network sources: two exchange servers over SFTP (real MINA SSHD servers on loopback,
 * their host keys pinned), an impostor server presenting another key than the one pinned for it, and
 * the TCP push intake with one client. One hub serves every test class extending this.
 */
@CamelSpringBootTest
@SpringBootTest(classes = HubApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
public abstract class ExchangeHubTest extends RunningHub {

    protected static final Path DATA_DIR = tempDir("hub-exchange");
    protected static final int BROKER_PORT = FreePort.next();
    protected static final int TCP_PORT = FreePort.next();
    protected static final String TCP_CLIENT = "city-5301";
    protected static final String TCP_SECRET = "test-secret-5301";
    protected static final int TCP_MAX_CONNECTIONS = 12;
    protected static final int TCP_MAX_UNAUTHENTICATED = 32;
    protected static final SftpServer SERVER_A;
    protected static final SftpServer SERVER_B;
    protected static final SftpServer IMPOSTOR;
    private static final Map<String, String> PROPERTIES = new LinkedHashMap<>();

    static {
        try {
            Path servers = tempDir("hub-sftp");
            SERVER_A = SftpServer.start(servers.resolve("a"));
            SERVER_B = SftpServer.start(servers.resolve("b"));
            IMPOSTOR = SftpServer.start(servers.resolve("impostor"));
            PROPERTIES.putAll(HubTest.hubProperties(DATA_DIR, BROKER_PORT));
            sftpSource("exchange-a", SERVER_A, SERVER_A.knownHosts(servers.resolve("known_hosts_a")));
            sftpSource("exchange-b", SERVER_B, SERVER_B.knownHosts(servers.resolve("known_hosts_b")));
            // the key of server A is what the hub expects at the impostor's address
            sftpSource("impostor", IMPOSTOR, Files.writeString(servers.resolve("known_hosts_impostor"),
                    SERVER_A.knownHostsLine(IMPOSTOR.port()) + "\n"));
            PROPERTIES.put("hub.ferry.sources.impostor.poll-interval", "5s"); // it fails every poll: fewer log lines
            // a second local inbox next to the default one, declared the same way
            PROPERTIES.put("hub.ferry.sources.gate-2.type", "local");
            PROPERTIES.put("hub.ferry.sources.gate-2.inbox", DATA_DIR.resolve("gate-2/inbox").toString());
            PROPERTIES.put("hub.ferry.sources.gate-2.outbox", DATA_DIR.resolve("gate-2/outbox").toString());
            PROPERTIES.put("hub.ferry.sources.gate-2.poll-interval", "300ms");
            PROPERTIES.put("hub.tcp.host", "127.0.0.1");
            PROPERTIES.put("hub.tcp.idle-timeout", "6s");
            PROPERTIES.put("hub.tcp.port", String.valueOf(TCP_PORT));
            PROPERTIES.put("hub.tcp.max-frame-bytes", "65536");
            PROPERTIES.put("hub.tcp.clients." + TCP_CLIENT, TCP_SECRET);
            PROPERTIES.put("hub.tcp.max-unauthenticated-frame-bytes", "4096");
            PROPERTIES.put("hub.tcp.max-connections", String.valueOf(TCP_MAX_CONNECTIONS));
            PROPERTIES.put("hub.tcp.max-unauthenticated-connections", String.valueOf(TCP_MAX_UNAUTHENTICATED));
            PROPERTIES.put("hub.tcp.max-unauthenticated-per-address", "8");
            PROPERTIES.put("hub.tcp.login-timeout", "3s");
            // the tests' wrong secrets all come from 127.0.0.1: the lockout itself is TcpFramesTest's
            PROPERTIES.put("hub.tcp.max-login-failures", "100000");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The configuration an operator writes for an exchange server, with test values. */
    public static Map<String, String> sftpSourceProperties(String id, SftpServer server, Path knownHosts) {
        String p = "hub.ferry.sources." + id + ".";
        Map<String, String> m = new LinkedHashMap<>();
        m.put(p + "type", "sftp");
        m.put(p + "host", "127.0.0.1");
        m.put(p + "port", String.valueOf(server.port()));
        m.put(p + "username", "hub");
        m.put(p + "private-key-file", SftpServer.CLIENT_KEYS.resolve("id_rsa").toString());
        m.put(p + "known-hosts-file", knownHosts.toString());
        m.put(p + "poll-interval", "300ms");
        m.put(p + "connect-timeout", "5s");
        m.put(p + "read-timeout", "10s");
        m.put(p + "max-poll-age", "30s");
        return m;
    }

    private static void sftpSource(String id, SftpServer server, Path knownHosts) {
        PROPERTIES.putAll(sftpSourceProperties(id, server, knownHosts));
    }

    @DynamicPropertySource
    static void exchangeHubProperties(DynamicPropertyRegistry registry) {
        PROPERTIES.forEach((k, v) -> registry.add(k, () -> v));
        TestDatabase.create().ifPresent(url -> registry.add("spring.datasource.url", () -> url));
    }

    protected ExchangeHubTest() {
        super(DATA_DIR, BROKER_PORT);
    }

    /** Waits for the ACK file the hub uploads to a server's outbound folder, and reads it. */
    protected static JsonNode awaitRemoteAck(SftpServer server, FerryPackage pkg) throws IOException {
        Path ack = server.outbound().resolve(pkg.dataFileName() + ".ack.json");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(ack));
        return JSON.readTree(Files.readString(ack));
    }
}

package energyhub.e2e.support;

import energyhub.HubApplication;
import java.nio.file.Path;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole hub in this JVM, on its real parts: the embedded Artemis with its TCP acceptor on a
 * free port, PostgreSQL (the local server, or the embedded one), and a data directory of its own.
 * The platforms are separate JMS clients over TCP. One hub serves all test classes extending this.
 */
@CamelSpringBootTest
@SpringBootTest(classes = HubApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
public abstract class HubTest extends RunningHub {

    protected static final Path DATA_DIR = tempDir("hub-e2e");
    protected static final int BROKER_PORT = FreePort.next();

    @DynamicPropertySource
    static void hubProperties(DynamicPropertyRegistry registry) {
        hubProperties(DATA_DIR, BROKER_PORT).forEach((k, v) -> registry.add(k, () -> v));
        TestDatabase.create().ifPresent(url -> registry.add("spring.datasource.url", () -> url));
    }

    /** The settings every test hub runs with; the crash test passes the same to its separate process. */
    public static java.util.Map<String, String> hubProperties(Path dataDir, int brokerPort) {
        return java.util.Map.of(
                "hub.data-dir", dataDir.toString(),
                "hub.broker.port", String.valueOf(brokerPort),
                "hub.broker.national.user", "national",
                "hub.broker.national.password", "national-test",
                "hub.broker.provincial.user", "provincial",
                "hub.broker.provincial.password", "provincial-test",
                "hub.ferry.poll-interval", "200ms",
                "hub.ferry.stale-scan-interval", "500ms",
                "hub.routing.sweep-interval", "1s",
                "hub.routing.retry-initial-delay", "1s");
    }

    protected HubTest() {
        super(DATA_DIR, BROKER_PORT);
    }
}

package energyhub.e2e.cockpit;

import com.fasterxml.jackson.databind.JsonNode;
import energyhub.HubApplication;
import energyhub.e2e.support.FerryPackage;
import energyhub.e2e.support.FreePort;
import energyhub.e2e.support.HubTest;
import energyhub.e2e.support.TestDatabase;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.DisableJmx;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole hub with its web side on a free port (HubTest runs without one): the cockpit's
 * security, operator API, Hawtio and metrics, with a viewer and an operator account. JMX stays on
 * (camel-test would turn it off) so Jolokia and Hawtio see Camel's and Artemis's MBeans.
 * All cockpit test classes share this one hub.
 */
@CamelSpringBootTest
@DisableJmx(false)
@SpringBootTest(classes = HubApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class CockpitTest extends energyhub.e2e.support.RunningHub {

    protected static final Path DATA_DIR = tempDir("hub-cockpit");
    protected static final int BROKER_PORT = FreePort.next();
    protected static final String VIEWER = "viewer";
    protected static final String VIEWER_PASSWORD = "viewer-test-pw";
    protected static final String OPERATOR = "operator";
    protected static final String OPERATOR_PASSWORD = "operator-test-pw";
    /** The Prometheus scrape account: a viewer, as docs/operations.md sets it up. */
    protected static final String PROMETHEUS = "prometheus";
    protected static final String PROMETHEUS_PASSWORD = "prometheus-test-pw";
    /**
     * The password of an exchange server (given to the hub as configuration, as from the environment): it must
     * never show in anything the cockpit serves.
     */
    protected static final String SFTP_PASSWORD = "sftp-Secret-4711(x)";
    protected static final String AUDIT_KEY = "cockpit-test-audit-key";
    protected static final energyhub.e2e.support.SftpServer EXCHANGE_SERVER;
    private static final Path EXCHANGE_KNOWN_HOSTS;

    static {
        try {
            Path servers = tempDir("hub-cockpit-sftp");
            EXCHANGE_SERVER = energyhub.e2e.support.SftpServer.start(servers.resolve("exchange"));
            EXCHANGE_KNOWN_HOSTS = EXCHANGE_SERVER.knownHosts(servers.resolve("known_hosts"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @LocalServerPort
    protected int port;

    protected final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @DynamicPropertySource
    static void cockpitProperties(DynamicPropertyRegistry registry) {
        HubTest.hubProperties(DATA_DIR, BROKER_PORT).forEach((k, v) -> registry.add(k, () -> v));
        TestDatabase.create().ifPresent(url -> registry.add("spring.datasource.url", () -> url));
        BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder(4); // cheap hashes: tests log in often
        registry.add("hub.security.users.viewer.password-hash", () -> bcrypt.encode(VIEWER_PASSWORD));
        registry.add("hub.security.users.viewer.roles", () -> "viewer");
        registry.add("hub.security.users.operator.password-hash", () -> bcrypt.encode(OPERATOR_PASSWORD));
        registry.add("hub.security.users.operator.roles", () -> "operator");
        registry.add("hub.security.users.guesser.password-hash", () -> bcrypt.encode("guesser-right-pw"));
        registry.add("hub.security.users.guesser.roles", () -> "viewer");
        registry.add("hub.security.users.prometheus.password-hash", () -> bcrypt.encode(PROMETHEUS_PASSWORD));
        registry.add("hub.security.users.prometheus.roles", () -> "viewer");
        registry.add("hub.audit.key", () -> AUDIT_KEY);
        // an exchange server reached by SFTP, with a password beside its key (JSch tries the key first)
        energyhub.e2e.support.ExchangeHubTest.sftpSourceProperties("exchange-pw", EXCHANGE_SERVER,
                EXCHANGE_KNOWN_HOSTS).forEach((k, v) -> registry.add(k, () -> k.endsWith(".poll-interval") ? "5s" : v));
        registry.add("hub.ferry.sources.exchange-pw.password", () -> SFTP_PASSWORD);
        registry.add("hub.monitoring.queue-depth-interval", () -> "1s");
        registry.add("hub.quality.refresh-interval", () -> "1s"); // the hub_quality_* gauges follow quickly
        registry.add("hub.broker.max-delivery-attempts", () -> "2"); // a poison message is dead-lettered quickly
    }

    protected CockpitTest() {
        super(DATA_DIR, BROKER_PORT);
    }

    protected String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    protected HttpResponse<String> get(String path, String user, String password) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url(path))).GET(), user, password);
    }

    /** GET with Accept: text/plain (the Prometheus scrape). */
    protected HttpResponse<String> getText(String path, String user, String password) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url(path))).GET().header("Accept", "text/plain"), user, password);
    }

    protected HttpResponse<String> post(String path, String json, String user, String password) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url(path)))
                .POST(HttpRequest.BodyPublishers.ofString(json == null ? "" : json))
                .header("Content-Type", "application/json"), user, password);
    }

    protected HttpResponse<String> put(String path, String json, String user, String password) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url(path))).PUT(HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json"), user, password);
    }

    private HttpResponse<String> send(HttpRequest.Builder request, String user, String password) throws Exception {
        if (request.build().headers().firstValue("Accept").isEmpty()) {
            request.header("Accept", "application/json");
        }
        request.timeout(Duration.ofSeconds(30));
        if (user != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    protected static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    /**
     * The national platform fails on the package's messages twice (hub.broker.max-delivery-attempts=2
     * here), so the broker moves them to DLQ.energy.national.
     */
    protected static void rejectTwiceOnNational(FerryPackage pkg) throws Exception {
        var factory = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + BROKER_PORT, "national", "national-test");
        try (var connection = factory.createConnection()) {
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer consumer = session.createConsumer(session.createQueue("energy.national"),
                    "hubBatchId = '" + pkg.batchId() + "'");
            connection.start();
            for (int attempt = 0; attempt < 2; attempt++) {
                Message m = consumer.receive(30_000);
                assertThat(m).as("delivery attempt " + (attempt + 1)).isNotNull();
                session.rollback();
            }
        }
    }
}

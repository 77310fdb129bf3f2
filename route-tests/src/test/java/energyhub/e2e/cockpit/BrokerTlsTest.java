package energyhub.e2e.cockpit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energyhub.HubApplication;
import energyhub.e2e.support.FreePort;
import energyhub.e2e.support.HubTest;
import energyhub.e2e.support.TestDatabase;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * hub.broker.tls.enabled with a key store made exactly as docs/broker-tls.md shows: a platform with
 * the exported certificate in its trust store connects over TLS; a plain TCP client is refused.
 */
@CamelSpringBootTest
@SpringBootTest(classes = HubApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
class BrokerTlsTest {

    private static final Path DIR = energyhub.e2e.support.RunningHub.tempDir("hub-tls");
    private static final int PORT = FreePort.next();
    private static final String PASSWORD = "tls-test-store-pw";

    @DynamicPropertySource
    static void tlsProperties(DynamicPropertyRegistry registry) throws Exception {
        HubTest.hubProperties(DIR.resolve("data"), PORT).forEach((k, v) -> registry.add(k, () -> v));
        TestDatabase.create().ifPresent(url -> registry.add("spring.datasource.url", () -> url));
        keytool("-genkeypair", "-alias", "exchange-hub", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost, O=Exchange hub test, C=CN", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-storetype", "PKCS12", "-keystore", DIR.resolve("broker.p12").toString(), "-storepass", PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "exchange-hub", "-keystore", DIR.resolve("broker.p12").toString(),
                "-storepass", PASSWORD, "-file", DIR.resolve("exchange-hub.crt").toString());
        keytool("-importcert", "-noprompt", "-alias", "exchange-hub", "-file", DIR.resolve("exchange-hub.crt").toString(),
                "-storetype", "PKCS12", "-keystore", DIR.resolve("national-trust.p12").toString(), "-storepass", "changeit");
        registry.add("hub.broker.tls.enabled", () -> "true");
        registry.add("hub.broker.tls.key-store", () -> DIR.resolve("broker.p12").toString());
        registry.add("hub.broker.tls.key-store-password", () -> PASSWORD);
    }

    @Test
    void platformConnectsOverTlsAndPlainTcpIsRefused() throws Exception {
        String tls = "tcp://localhost:" + PORT + "?sslEnabled=true&trustStorePath="
                + DIR.resolve("national-trust.p12") + "&trustStorePassword=changeit&trustStoreType=PKCS12&verifyHost=true";
        try (var connection = new ActiveMQConnectionFactory(tls, "national", "national-test").createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            session.createConsumer(session.createQueue("energy.national")).close();
        }
        var plain = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + PORT + "?reconnectAttempts=0&callTimeout=5000"
                + "&connectionTTL=5000", "national", "national-test");
        assertThatThrownBy(() -> plain.createConnection().close()).isInstanceOf(JMSException.class);
        assertThat(DIR.resolve("broker.p12")).exists();
    }

    private static void keytool(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        System.arraycopy(args, 0, command, 1, args.length);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + out);
        }
    }
}

package energyhub.e2e.support;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What every test of a whole running hub has, whatever the hub's configuration: its Camel context
 * and database, the ledger, both platforms connected to its broker over TCP for each test, and its
 * data directory with the local ferry folders.
 */
public abstract class RunningHub {

    protected static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    protected CamelContext camel;
    @Autowired
    protected JdbcTemplate jdbc;

    protected PlatformClient national;
    protected PlatformClient provincial;
    protected Ledger ledger;

    private final Path dataDir;
    private final int brokerPort;

    /** @param dataDir the hub's {@code hub.data-dir}; @param brokerPort its broker's TCP acceptor */
    protected RunningHub(Path dataDir, int brokerPort) {
        this.dataDir = dataDir;
        this.brokerPort = brokerPort;
    }

    /** The port of this hub's broker TCP acceptor. */
    protected int brokerPort() {
        return brokerPort;
    }

    /** This hub's data directory ({@code hub.data-dir}). */
    protected Path dataDir() {
        return dataDir;
    }

    protected Path inbox() {
        return dataDir().resolve("ferry/inbox");
    }

    protected Path outbox() {
        return dataDir().resolve("ferry/outbox");
    }

    protected Path quarantine() {
        return dataDir().resolve("ferry/quarantine");
    }

    /** Waits for the ACK file of a package in the local outbox and reads it. */
    protected JsonNode awaitAck(FerryPackage pkg) throws IOException {
        return awaitAckIn(outbox(), pkg);
    }

    /** Waits for the ACK file of a package in an outbox (of a hub this test starts itself) and reads it. */
    public static JsonNode awaitAckIn(Path outbox, FerryPackage pkg) throws IOException {
        Path ack = outbox.resolve(pkg.dataFileName() + ".ack.json");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(ack));
        return JSON.readTree(Files.readString(ack));
    }

    /** Waits for the ACK file of a package to say the given status, and reads it. */
    protected JsonNode awaitAck(FerryPackage pkg, String status) {
        Path ack = outbox().resolve(pkg.dataFileName() + ".ack.json");
        return await().atMost(Duration.ofSeconds(60)).until(() -> {
            if (!Files.exists(ack)) {
                return null;
            }
            JsonNode node = JSON.readTree(Files.readString(ack));
            return status.equals(node.path("status").asText()) ? node : null;
        }, n -> n != null);
    }

    /** A fresh temporary folder: a hub's data directory, a server's files, key stores. */
    public static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeEach
    void connectPlatforms() throws Exception {
        national = PlatformClient.national(brokerPort());
        provincial = PlatformClient.provincial(brokerPort());
        ledger = new Ledger(jdbc);
    }

    @AfterEach
    void disconnectPlatforms() throws Exception {
        national.close();
        provincial.close();
    }
}

package energyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import energyhub.e2e.support.FreePort;
import energyhub.e2e.support.HubProcess;
import energyhub.e2e.support.ProductionProfile;
import energyhub.e2e.support.RunningHub;
import energyhub.e2e.support.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The production profile (deployment/config/application-prod.yml, every secret and address set in
 * the environment) with one of its external dependencies unreachable: the hub stops within 30 s
 * with a non-zero exit and one line naming the dependency and the setting to fix, no stack trace
 * (issue 11). That it runs, fails over and recovers when they are there is BrokerFailoverTest.
 */
class ProductionProfileTest {

    /**
     * The bound (30 s) from the start to the refusal, measured in the hub's own log from its
     * first line (the JVM is up) to the failure report; the process itself may take longer to start
     * and end on a loaded machine, so it gets more.
     */
    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final Duration PROCESS_BOUND = Duration.ofSeconds(90);

    @Test
    void anUnreachableBrokerPairStopsTheStartNamingHubBrokerUrl() throws Exception {
        String database = TestDatabase.create().orElse(null);
        Assumptions.assumeTrue(database != null, "needs the PostgreSQL at 127.0.0.1:5432");
        String url = "(tcp://127.0.0.1:" + FreePort.next() + ",tcp://127.0.0.1:" + FreePort.next()
                + ")?ha=true&reconnectAttempts=-1";
        HubProcess.Ended ended = run("no-broker", url, database);

        assertRefused(ended, "exchange hub not started: hub.broker.url (" + url + "): no broker answers within 5s",
                "start the broker pair or correct hub.broker.url (HUB_BROKER_URL)");
    }

    @Test
    void anUnreachableDatabaseStopsTheStartNamingSpringDatasourceUrl() throws Exception {
        int brokerPort = FreePort.next();
        EmbeddedActiveMQ broker = new EmbeddedActiveMQ();
        // a broker that answers (no security: any account), so the database is what is missing
        broker.setConfiguration(new ConfigurationImpl().setName("prod-profile-test").setPersistenceEnabled(false)
                .setSecurityEnabled(false).addAcceptorConfiguration("tcp", "tcp://127.0.0.1:" + brokerPort));
        broker.start();
        try {
            String database = "jdbc:postgresql://127.0.0.1:" + FreePort.next() + "/exchange_hub";
            HubProcess.Ended ended = run("no-database", "tcp://127.0.0.1:" + brokerPort + "?reconnectAttempts=-1",
                    database);

            assertRefused(ended, "exchange hub not started: spring.datasource.url (" + database
                    + "): the ledger database does not answer", "start PostgreSQL or correct spring.datasource.url");
        } finally {
            broker.stop();
        }
    }

    private static HubProcess.Ended run(String name, String brokerUrl, String database) throws Exception {
        Path dir = RunningHub.tempDir("hub-prod-" + name);
        Path users = dir.resolve("users");
        Files.writeString(users, "");
        Map<String, String> env = ProductionProfile.environment(brokerUrl, "prod-profile-test", database, users,
                "prod-profile-test-audit-key");
        Map<String, String> props = ProductionProfile.properties(dir.resolve("data"), dir.resolve("inbound"),
                dir.resolve("outbound"));
        return HubProcess.runExpectingExit(props, env, HubProcess.logFile("prod-" + name).toPath(), PROCESS_BOUND);
    }

    private static void assertRefused(HubProcess.Ended ended, String description, String action) {
        String output = String.join("\n", ended.output());
        assertThat(ended.exitCode()).isNotZero();
        assertThat(ended.output()).filteredOn(l -> l.startsWith("exchange hub not started: ")).hasSize(1)
                .first().asString().startsWith(description);
        assertThat(output).contains("Action:").contains(action);
        assertThat(output).doesNotContain("Caused by").doesNotContain("\tat ");
        List<java.time.Instant> stamps = ended.output().stream().filter(l -> l.matches("^\\d{4}-\\d\\d-\\d\\dT.*"))
                .map(l -> java.time.Instant.parse(l.substring(0, l.indexOf(' ')))).toList();
        assertThat(Duration.between(stamps.get(0), stamps.get(stamps.size() - 1))).as("from the first log line to the refusal")
                .isLessThan(BOUND);
    }
}

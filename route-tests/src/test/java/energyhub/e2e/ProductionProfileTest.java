package energyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import energyhub.e2e.support.FerryPackage;
import energyhub.e2e.support.FreePort;
import energyhub.e2e.support.HubProcess;
import energyhub.e2e.support.ProductionProfile;
import energyhub.e2e.support.RunningHub;
import energyhub.e2e.support.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * The production profile (deployment/config/application-prod.yml, every secret and address set in
 * the environment) with one of its external dependencies unreachable: the hub stops within 30 s
 * with a non-zero exit and one line naming the dependency and the setting to fix, no stack trace
 * (issue 11). That it runs, fails over and recovers when they are there is BrokerFailoverTest. Its
 * cockpit speaks HTTPS only, and a missing key store stops the start the same way (issue 20). It requires signed
 * ferry manifests, with the exchange server's key from the key import file, and does not start without one (issue 22).
 */
class ProductionProfileTest {

    /**
     * The bound (30 s) from the start to the refusal, measured in the hub's own log from its
     * first line (the JVM is up) to the failure report; the process itself may take longer to start
     * and end on a loaded machine, so it gets more.
     */
    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final Duration PROCESS_BOUND = Duration.ofSeconds(90);
    /**
     * A refusal found in the ledger (the key registry) comes after the migration and most of the start: it gets
     * as long as a start may take on the shared machine (HubProcess.start's bound).
     */
    private static final Duration LEDGER_BOUND = Duration.ofSeconds(240);

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

    /**
     * The cockpit of the production profile speaks HTTPS with the configured key store's certificate, and
     * only HTTPS: a plain HTTP request on its port gets nothing of the cockpit. Its session cookie is Secure.
     */
    @Test
    void theCockpitAnswersOverHttpsOnlyWithTheConfiguredCertificate() throws Exception {
        String database = TestDatabase.create().orElse(null);
        Assumptions.assumeTrue(database != null, "needs the PostgreSQL at 127.0.0.1:5432");
        int brokerPort = FreePort.next();
        EmbeddedActiveMQ broker = new EmbeddedActiveMQ();
        broker.setConfiguration(new ConfigurationImpl().setName("prod-profile-https").setPersistenceEnabled(false)
                .setSecurityEnabled(false).addAcceptorConfiguration("tcp", "tcp://127.0.0.1:" + brokerPort));
        broker.start();
        Path dir = RunningHub.tempDir("hub-prod-https");
        ProductionProfile.Certificate cockpit = ProductionProfile.Certificate.create(dir);
        Files.writeString(dir.resolve("users"), "");
        Map<String, String> env = ProductionProfile.environment("tcp://127.0.0.1:" + brokerPort + "?reconnectAttempts=-1",
                "prod-profile-test", database, dir.resolve("users"), "prod-profile-test-audit-key", cockpit);
        Map<String, String> props = ProductionProfile.properties(dir.resolve("data"), dir.resolve("inbound"),
                dir.resolve("outbound"));
        try (HubProcess hub = HubProcess.start(props, env, HubProcess.logFile("prod-https").toPath(), cockpit.trust())) {
            // HTTPS, with the key store's certificate (the client trusts that one and nothing else)
            HttpResponse<String> ready = hub.http().send(HttpRequest.newBuilder(hub.uri("/actuator/health/readiness"))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ready.uri().getScheme()).isEqualTo("https");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).contains("\"UP\"");
            assertThat(ready.sslSession()).get().satisfies(session ->
                    assertThat(session.getPeerCertificates()[0]).isEqualTo(cockpit.certificate()));

            // the session cookie of a visit to the console (kept for the login page) goes back over HTTPS only
            HttpResponse<String> console = hub.http().send(HttpRequest.newBuilder(hub.uri("/actuator/hawtio/"))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(console.headers().allValues("Set-Cookie")).filteredOn(c -> c.startsWith("JSESSIONID="))
                    .isNotEmpty().allSatisfy(c -> assertThat(c).contains("; Secure"));

            // plain HTTP on the cockpit's port: Tomcat's refusal, nothing of the cockpit
            HttpResponse<String> plain = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + hub.httpPort() + "/actuator/health/readiness"))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(plain.statusCode()).isEqualTo(400);
            assertThat(plain.body()).doesNotContain("UP").contains("requires TLS");
        } finally {
            broker.stop();
        }
    }

    @Test
    void aMissingCockpitKeyStoreStopsTheStartNamingServerSslKeyStore() throws Exception {
        Path dir = RunningHub.tempDir("hub-prod-no-key-store");
        Path missing = dir.resolve("cockpit.p12");
        Files.writeString(dir.resolve("users"), "");
        Map<String, String> env = new java.util.HashMap<>(ProductionProfile.environment("tcp://127.0.0.1:" + FreePort.next(),
                "prod-profile-test", "jdbc:postgresql://127.0.0.1:" + FreePort.next() + "/exchange_hub", dir.resolve("users"),
                "prod-profile-test-audit-key", ProductionProfile.Certificate.create(dir)));
        Files.delete(missing);
        HubProcess.Ended ended = HubProcess.runExpectingExit(ProductionProfile.properties(dir.resolve("data"),
                dir.resolve("inbound"), dir.resolve("outbound")), env, HubProcess.logFile("prod-no-key-store").toPath(),
                PROCESS_BOUND);

        assertRefused(ended, "exchange hub not started: server.ssl.key-store (" + missing
                + ") does not exist or is not readable by the hub", "correct server.ssl.key-store (HUB_COCKPIT_KEY_STORE)");
    }

    /**
     * The profile requires signed manifests (issue 22): its hub takes the exchange server's key from the key import
     * file (audited as by=import:FILE), accepts a package that key signed and refuses an unsigned one. Started
     * again on the same ledger with another public key under that id in the file, it stops with one line naming
     * the file, the entry and the key, and the registered key is unchanged.
     */
    @Test
    void onlyPackagesSignedByAKeyOfTheImportFileAreAcceptedAndTheFileNeverOverwritesIt() throws Exception {
        String database = TestDatabase.create().orElse(null);
        Assumptions.assumeTrue(database != null, "needs the PostgreSQL at 127.0.0.1:5432");
        int brokerPort = FreePort.next();
        EmbeddedActiveMQ broker = anyAccountBroker("prod-profile-signed", brokerPort);
        try {
            Path dir = RunningHub.tempDir("hub-prod-signed");
            ProductionProfile.Certificate cockpit = ProductionProfile.Certificate.create(dir);
            Files.writeString(dir.resolve("users"), "");
            Map<String, String> env = ProductionProfile.environment("tcp://127.0.0.1:" + brokerPort + "?reconnectAttempts=-1", "prod-profile-test", database,
                    dir.resolve("users"), "prod-profile-test-audit-key", cockpit);
            Path inbox = dir.resolve("inbound");
            Path outbox = dir.resolve("outbound");
            Map<String, String> props = ProductionProfile.properties(dir.resolve("data"), inbox, outbox);
            Path keysFile = Path.of(props.get("hub.ferry.keys-import-file"));
            try (HubProcess hub = HubProcess.start(props, env, HubProcess.logFile("prod-signed").toPath(), cockpit.trust())) {
                FerryPackage signed = FerryPackage.of().records(FerryPackage.ENTERPRISE, 3)
                        .signedBy(ProductionProfile.EXCHANGE).dropInto(inbox);
                FerryPackage unsigned = FerryPackage.of().records(FerryPackage.ENTERPRISE, 3).dropInto(inbox);

                assertThat(ack(outbox, signed).path("status").asText()).isEqualTo("ACCEPTED");
                JsonNode refused = ack(outbox, unsigned);
                assertThat(refused.path("status").asText()).isEqualTo("REJECTED");
                assertThat(refused.path("errors").path(0).path("code").asText()).isEqualTo("MANIFEST_NOT_SIGNED");
            }
            List<Map<String, Object>> key = jdbc(database).queryForList("select owner_kind, status, changed_by, public_key "
                    + "from ferry_key where key_id = ?", ProductionProfile.EXCHANGE.id());
            assertThat(key).singleElement().satisfies(k -> {
                assertThat(k).containsEntry("owner_kind", "EXCHANGE").containsEntry("status", "ACTIVE")
                        .containsEntry("changed_by", "import:" + keysFile);
            });
            assertThat(jdbc(database).queryForObject("select count(*) from audit_event where action = 'FERRY_KEY_ADDED' "
                    + "and subject = ? and detail like ?", Long.class, ProductionProfile.EXCHANGE.id(),
                    "%by=import:" + keysFile + "%")).isEqualTo(1);

            // another public key under the registered id: refused, one line naming the file, the entry and the key
            FerryPackage.SigningKey impostor = FerryPackage.SigningKey.generate(ProductionProfile.EXCHANGE.id(),
                    ProductionProfile.TARGET);
            Map<String, String> again = ProductionProfile.properties(dir.resolve("data"), inbox, outbox,
                    "keys:\n" + impostor.importEntry("exchange-prod-test"));
            HubProcess.Ended ended = HubProcess.runExpectingExit(again, env, HubProcess.logFile("prod-signed-conflict")
                    .toPath(), LEDGER_BOUND);
            assertRefused(ended, "exchange hub not started: hub.ferry.keys-import-file (" + keysFile + ") entry 1, key "
                    + ProductionProfile.EXCHANGE.id() + ": another public key than the one registered under this id",
                    "give the new key a new keyId", LEDGER_BOUND);
            assertThat(jdbc(database).queryForObject("select public_key from ferry_key where key_id = ?", String.class,
                    ProductionProfile.EXCHANGE.id())).isEqualTo(key.get(0).get("public_key"));
        } finally {
            broker.stop();
        }
    }

    /**
     * Signatures required and no ACTIVE exchange server key after the import (here its only key is listed
     * REVOKED): the hub stops with one line naming hub.ferry.signatures and both ways to register a key, before
     * any route has taken a package.
     */
    @Test
    void withoutAnActiveExchangeServerKeyTheStartStopsNamingHubFerrySignatures() throws Exception {
        String database = TestDatabase.create().orElse(null);
        Assumptions.assumeTrue(database != null, "needs the PostgreSQL at 127.0.0.1:5432");
        int brokerPort = FreePort.next();
        EmbeddedActiveMQ broker = anyAccountBroker("prod-profile-no-key", brokerPort);
        try {
            Path dir = RunningHub.tempDir("hub-prod-no-key");
            Files.writeString(dir.resolve("users"), "");
            Map<String, String> env = ProductionProfile.environment("tcp://127.0.0.1:" + brokerPort + "?reconnectAttempts=-1", "prod-profile-test", database,
                    dir.resolve("users"), "prod-profile-test-audit-key", ProductionProfile.Certificate.create(dir));
            Path inbox = dir.resolve("inbound");
            FerryPackage waiting = FerryPackage.of().records(FerryPackage.ENTERPRISE, 1)
                    .signedBy(ProductionProfile.EXCHANGE).dropInto(inbox);
            Map<String, String> props = ProductionProfile.properties(dir.resolve("data"), inbox, dir.resolve("outbound"),
                    "keys:\n" + ProductionProfile.EXCHANGE.importEntry("exchange-prod-test")
                            + "    status: REVOKED\n    reason: left on a laptop\n");
            HubProcess.Ended ended = HubProcess.runExpectingExit(props, env, HubProcess.logFile("prod-no-key").toPath(),
                    LEDGER_BOUND);

            assertRefused(ended, "exchange hub not started: hub.ferry.signatures is required, but the key registry has no "
                    + "ACTIVE exchange server key valid now", "in the file hub.ferry.keys-import-file names ("
                    + props.get("hub.ferry.keys-import-file") + "; docs/ferry-contract.md, \"The key import file\"), or "
                    + "register it through the operator API (POST /api/operator/ferry-keys)", LEDGER_BOUND);
            // no route ran: the package waits in the inbox, unanswered
            assertThat(inbox.resolve(waiting.dataFileName() + ".manifest")).exists();
            assertThat(dir.resolve("outbound").resolve(waiting.dataFileName() + ".ack.json")).doesNotExist();
        } finally {
            broker.stop();
        }
    }

    /** A broker that answers any account (no security), so what is under test is the hub's own refusal or work. */
    private static EmbeddedActiveMQ anyAccountBroker(String name, int port) throws Exception {
        EmbeddedActiveMQ broker = new EmbeddedActiveMQ();
        broker.setConfiguration(new ConfigurationImpl().setName(name).setPersistenceEnabled(false)
                .setSecurityEnabled(false).addAcceptorConfiguration("tcp", "tcp://127.0.0.1:" + port));
        broker.start();
        return broker;
    }

    private static JsonNode ack(Path outbox, FerryPackage p) throws Exception {
        Path ack = outbox.resolve(p.dataFileName() + ".ack.json");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(ack));
        return new ObjectMapper().readTree(Files.readString(ack));
    }

    private static JdbcTemplate jdbc(String database) {
        return new JdbcTemplate(new SimpleDriverDataSource(new org.postgresql.Driver(), database, "postgres", ""));
    }

    private static HubProcess.Ended run(String name, String brokerUrl, String database) throws Exception {
        Path dir = RunningHub.tempDir("hub-prod-" + name);
        Path users = dir.resolve("users");
        Files.writeString(users, "");
        Map<String, String> env = ProductionProfile.environment(brokerUrl, "prod-profile-test", database, users,
                "prod-profile-test-audit-key", ProductionProfile.Certificate.create(dir));
        Map<String, String> props = ProductionProfile.properties(dir.resolve("data"), dir.resolve("inbound"),
                dir.resolve("outbound"));
        return HubProcess.runExpectingExit(props, env, HubProcess.logFile("prod-" + name).toPath(), PROCESS_BOUND);
    }

    private static void assertRefused(HubProcess.Ended ended, String description, String action) {
        assertRefused(ended, description, action, BOUND);
    }

    /** As above, the refusal within {@code bound} of the first log line (one found in the ledger comes after its migration). */
    private static void assertRefused(HubProcess.Ended ended, String description, String action, Duration bound) {
        String output = String.join("\n", ended.output());
        assertThat(ended.exitCode()).isNotZero();
        assertThat(ended.output()).filteredOn(l -> l.startsWith("exchange hub not started: ")).hasSize(1)
                .first().asString().startsWith(description);
        assertThat(output).contains("Action:").contains(action);
        assertThat(output).doesNotContain("Caused by").doesNotContain("\tat ");
        List<java.time.Instant> stamps = ended.output().stream().filter(l -> l.matches("^\\d{4}-\\d\\d-\\d\\dT.*"))
                .map(l -> java.time.Instant.parse(l.substring(0, l.indexOf(' ')))).toList();
        assertThat(Duration.between(stamps.get(0), stamps.get(stamps.size() - 1))).as("from the first log line to the refusal")
                .isLessThan(bound);
    }
}

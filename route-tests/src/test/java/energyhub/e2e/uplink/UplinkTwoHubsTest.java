package energyhub.e2e.uplink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import energyhub.e2e.support.ArtemisPair;
import energyhub.e2e.support.ExactlyOnce;
import energyhub.e2e.support.FerryPackage;
import energyhub.e2e.support.HubProcess;
import energyhub.e2e.support.HubTest;
import energyhub.e2e.support.RunningHub;
import energyhub.e2e.support.TestDatabase;
import energyhub.e2e.support.FreePort;
import energyhub.uplink.simulator.DemoPki;
import energyhub.uplink.simulator.NationalPlatformSimulator;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * Two packaged hubs with the uplink on, as docs/cluster.md installs them: one PostgreSQL database, one external
 * Artemis primary/backup pair, the same ferry inbox. Both consume energy.national as the national account and both
 * send to the simulator, claiming rows of the one uplink_record table with FOR UPDATE SKIP LOCKED: every record is
 * ACKED, the platform holds each identity exactly once, and each hub sent some (its own acks counter; the two add up
 * to the records, so none was acknowledged to both).
 */
class UplinkTwoHubsTest {

    private static final int PACKAGES = 20;
    private static final int RECORDS = 500;

    @Test
    void twoHubsOnOneDatabaseSendEachRecordOnceBetweenThem() throws Exception {
        String database = TestDatabase.create().orElse(null);
        Assumptions.assumeTrue(database != null, "two hubs share one PostgreSQL: needs the one at 127.0.0.1:5432");
        DemoPki pki = DemoPki.create(RunningHub.tempDir("uplink-two-hubs-pki"), "uplink-test", "Test");
        Map<String, HubProcess> hubs = new LinkedHashMap<>();
        try (NationalPlatformSimulator sim = NationalPlatformSimulator.start(FreePort.next(), pki, Duration.ofMinutes(5));
                ArtemisPair broker = ArtemisPair.start(Files.createTempDirectory("uplink-two-hubs-broker"))) {
            Path inbox = Files.createTempDirectory("uplink-two-hubs-shared").resolve("inbox");
            try {
                for (String hub : List.of("a", "b")) {
                    Path log = HubProcess.logFile("uplink-two-hubs-" + hub).toPath();
                    Files.deleteIfExists(log);
                    hubs.put(hub, HubProcess.start(settings(hub, database, broker, sim, pki, inbox), log));
                }
                int total = PACKAGES * RECORDS;
                for (int p = 0; p < PACKAGES; p++) {
                    FerryPackage pkg = FerryPackage.of();
                    for (int i = 0; i < RECORDS; i++) {
                        int n = p * RECORDS + i;
                        pkg.line(FerryPackage.record(FerryPackage.ENTERPRISE, 1 + n % 28, n + ".5")
                                .replace("0000000002330001", NationalUplinkTest.dataCode(7, n)));
                    }
                    pkg.dropInto(inbox);
                }

                JdbcTemplate jdbc = new JdbcTemplate(new DriverManagerDataSource(database, "postgres", ""));
                await().atMost(Duration.ofSeconds(240)).until(() -> jdbc.queryForObject(
                        "select count(*) from uplink_record where state = 'ACKED'", Long.class) == total);
                assertThat(jdbc.queryForObject("select count(*) from uplink_record", Long.class)).isEqualTo(total);

                // the platform holds each identity once: no record was sent by both hubs
                Map<String, Integer> received = sim.received();
                assertThat(received).hasSize(total);
                assertThat(received.values()).allMatch(n -> n == 1);
                // and both sent: each hub's count of the platform's acknowledgements, adding up to the records
                Map<String, Double> acks = new LinkedHashMap<>();
                for (var hub : hubs.entrySet()) {
                    acks.put(hub.getKey(), acksOf(hub.getValue()));
                }
                System.out.printf("uplink, two hubs: %d records, acknowledged to hub a %.0f, to hub b %.0f%n", total,
                        acks.get("a"), acks.get("b"));
                assertThat(acks.values()).allMatch(n -> n > 0);
                assertThat(acks.values().stream().mapToDouble(Double::doubleValue).sum()).isEqualTo(total);

                // the pair's energy.national is empty: the records wait (and are tracked) in PostgreSQL only
                var factory = broker.connectionFactory("national", broker.nationalPassword());
                try (var c = factory.createConnection()) {
                    Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                    c.start();
                    QueueBrowser b = s.createBrowser(s.createQueue("energy.national"));
                    assertThat(Collections.list(b.getEnumeration())).isEmpty();
                }
                assertThat(ExactlyOnce.acks(inbox.resolveSibling("outbox"))).isEqualTo(PACKAGES);
            } finally {
                for (HubProcess hub : hubs.values()) {
                    hub.close();
                }
            }
        }
    }

    private static Map<String, String> settings(String hub, String database, ArtemisPair broker,
            NationalPlatformSimulator sim, DemoPki pki, Path inbox) throws Exception {
        Map<String, String> p = new HashMap<>(HubTest.hubProperties(Files.createTempDirectory("hub-uplink-" + hub), 0));
        p.putAll(broker.hubProperties()); // hub.broker.embedded=false, the pair's URL and accounts (national's too)
        p.put("spring.datasource.url", database);
        p.put("hub.routing.instance-id", "hub-" + hub);
        p.put("hub.ferry.inbox", inbox.toString());
        p.put("hub.ferry.outbox", inbox.resolveSibling("outbox").toString());
        p.put("hub.security.users.viewer.password-hash", new BCryptPasswordEncoder(4).encode("viewer-pw"));
        p.put("hub.security.users.viewer.roles", "viewer");
        UplinkSettings.of(sim, pki, "idle-wait", "200ms").forEach(p::put);
        return p;
    }

    /** The hub's hub_uplink_acks_total (records the platform acknowledged to it). */
    private static double acksOf(HubProcess hub) throws Exception {
        HttpResponse<String> r = hub.http().send(HttpRequest.newBuilder(hub.uri("/actuator/prometheus"))
                .header("Accept", "text/plain").header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString("viewer:viewer-pw".getBytes(StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> lines = new ArrayList<>(r.body().lines().filter(l -> l.startsWith("hub_uplink_acks_total")).toList());
        assertThat(lines).hasSize(1);
        return Double.parseDouble(lines.get(0).substring(lines.get(0).lastIndexOf(' ') + 1));
    }
}

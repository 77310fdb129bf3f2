package energyhub.e2e.uplink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import energyhub.HubApplication;
import energyhub.e2e.support.FerryPackage;
import energyhub.e2e.support.FreePort;
import energyhub.e2e.support.HubTest;
import energyhub.e2e.support.RunningHub;
import energyhub.e2e.support.TestDatabase;
import energyhub.uplink.LinkMonitor;
import energyhub.uplink.UplinkSender;
import energyhub.uplink.simulator.DemoPki;
import energyhub.uplink.simulator.NationalPlatformSimulator;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.DisableJmx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The national uplink end to end: ferry packages dropped into the inbox go through the routing core onto
 * energy.national, the uplink consumes them as the national account and sends each record over mutual TLS to the
 * national-platform simulator (a real HTTPS server requiring the hub's client certificate). Short tokens, a rejected
 * record re-queued through the operator API, a dicVersion bump and an outage, each on its own records.
 */
@CamelSpringBootTest
@DisableJmx(false) // the routes' MBeans, as Hawtio reads them, are checked
@SpringBootTest(classes = HubApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class NationalUplinkTest extends RunningHub {

    static final Path DATA_DIR = tempDir("hub-uplink");
    static final int BROKER_PORT = FreePort.next();
    static final Duration TOKEN_LIFETIME = Duration.ofSeconds(4);
    /** camel.main.name: the context as Hawtio and JMX show it */
    static final String CAMEL_CONTEXT = "exchange-hub";
    static final DemoPki PKI;
    static final NationalPlatformSimulator SIM;

    static {
        try {
            PKI = DemoPki.create(tempDir("uplink-pki"), "uplink-test", "Test");
            SIM = NationalPlatformSimulator.start(FreePort.next(), PKI, TOKEN_LIFETIME);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void uplinkProperties(DynamicPropertyRegistry r) {
        HubTest.hubProperties(DATA_DIR, BROKER_PORT).forEach((k, v) -> r.add(k, () -> v));
        TestDatabase.create().ifPresent(url -> r.add("spring.datasource.url", () -> url));
        BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder(4);
        r.add("hub.security.users.viewer.password-hash", () -> bcrypt.encode("viewer-pw"));
        r.add("hub.security.users.viewer.roles", () -> "viewer");
        r.add("hub.security.users.operator.password-hash", () -> bcrypt.encode("operator-pw"));
        r.add("hub.security.users.operator.roles", () -> "operator");
        UplinkSettings.of(SIM, PKI,
                "connect-timeout", "1s",
                "read-timeout", "2s",
                "retry-initial-delay", "100ms",
                "retry-max-delay", "1s",
                "alert-after", "1s",
                "idle-wait", "100ms",
                "circuit-open-wait", "1s")
                .forEach((k, v) -> r.add(k, () -> v));
    }

    @Autowired
    LinkMonitor link;
    @Autowired
    CircuitBreaker breaker;
    @Autowired
    UplinkSender sender;
    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    NationalUplinkTest() {
        super(DATA_DIR, BROKER_PORT);
    }

    @AfterAll
    static void stopSimulator() {
        SIM.close();
    }

    /** n valid records of one enterprise, identities of their own ({@code series} 1-9 keeps tests apart). */
    static FerryPackage records(String enterprise, int series, int n) {
        FerryPackage p = FerryPackage.of();
        for (int i = 0; i < n; i++) {
            p.line(FerryPackage.record(enterprise, 1 + i % 28, i + ".5").replace("0000000002330001",
                    String.format("00000000023300%d%03d", series, i / 28)));
        }
        return p;
    }

    static String dataCode(int series, int i) {
        return String.format("00000000023300%d%03d", series, i / 28);
    }

    private Map<String, Integer> receivedOf(int series) {
        Map<String, Integer> m = new java.util.HashMap<>();
        SIM.received().forEach((k, v) -> {
            if (k.contains("|00000000023300" + series)) {
                m.put(k, v);
            }
        });
        return m;
    }

    private long rows(int series, String state) {
        return jdbc.queryForObject("select count(*) from uplink_record where data_code like ? and state = ?",
                Long.class, "00000000023300" + series + "%", state);
    }

    private int nationalQueueDepth() throws Exception {
        var factory = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + BROKER_PORT, "national", "national-test");
        try (var c = factory.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            c.start();
            QueueBrowser b = s.createBrowser(s.createQueue("energy.national"));
            return Collections.list(b.getEnumeration()).size();
        }
    }

    private HttpResponse<String> call(String method, String path, String body, String user, String pw) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).header("Accept", "application/json")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + pw)
                        .getBytes(StandardCharsets.UTF_8)));
        b = body == null ? b.GET() : b.header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyRecordReachesThePlatformOnceOverMutualTlsThroughTokenExpiries() throws Exception {
        // the 100,000 records (about 45 s of sending here); -Duplink.e2e.records=20000 for a quicker run
        int perPackage = 500;
        int packages = Integer.getInteger("uplink.e2e.records", 100_000) / perPackage;
        int tokensBefore = SIM.tokensIssued();
        long expiredBefore = SIM.expiredTokenUses();
        long start = System.nanoTime();
        for (int p = 0; p < packages; p++) {
            String enterprise = p % 2 == 0 ? FerryPackage.ENTERPRISE : FerryPackage.OTHER_ENTERPRISE;
            FerryPackage pkg = FerryPackage.of();
            for (int i = 0; i < perPackage; i++) {
                // identities: enterprise x (dataCode, statDate); 28,000 per month and enterprise, then the month before
                int n = (p / 2) * perPackage + i;
                pkg.line(FerryPackage.record(enterprise, 1 + n % 28, n + ".5")
                        .replace("0000000002330001", dataCode(1, n % 28_000))
                        .replace("\"statDate\":\"2026-10-", String.format("\"statDate\":\"2026-%02d-", 10 - n / 28_000)));
            }
            pkg.dropInto(inbox());
        }
        int total = perPackage * packages;

        await().atMost(Duration.ofSeconds(180 + total / 500)).until(() -> rows(1, "ACKED") == total);
        long seconds = Math.max(1, Duration.ofNanos(System.nanoTime() - start).toSeconds());

        Map<String, Integer> received = receivedOf(1);
        assertThat(received).hasSize(total);
        assertThat(received.values()).allMatch(n -> n == 1);
        assertThat(rows(1, "PENDING") + rows(1, "SENDING") + rows(1, "REJECTED")).isZero();
        assertThat(jdbc.queryForList("select distinct platform_time is not null from uplink_record where data_code like ?",
                Boolean.class, "000000000233001%")).containsExactly(true);
        assertThat(nationalQueueDepth()).isZero();
        // tokens of 4 s: renewed before expiry, at most one per expiry (plus the one in use at the start)
        int refreshes = SIM.tokensIssued() - tokensBefore;
        assertThat(refreshes).isLessThanOrEqualTo((int) (seconds / (TOKEN_LIFETIME.toSeconds() * 3 / 4)) + 2);
        assertThat(SIM.expiredTokenUses() - expiredBefore).isZero();
        System.out.printf("uplink: %d records ACKED in %d s, %d token refreshes%n", total, seconds, refreshes);
    }

    @Test
    void aRejectedRecordIsListedRequeuedByAnOperatorAndThenAcked() throws Exception {
        String bad = dataCode(2, 28); // records 28..55 of this package
        SIM.rejectDataCode(bad);
        try {
            records(FerryPackage.OTHER_ENTERPRISE, 2, 60).dropInto(inbox());
            await().atMost(Duration.ofSeconds(60)).until(() -> rows(2, "ACKED") == 32 && rows(2, "REJECTED") == 28);

            HttpResponse<String> list = call("GET", "/api/operator/uplink/rejected?limit=1000", null, "viewer", "viewer-pw");
            assertThat(list.statusCode()).isEqualTo(200);
            List<Long> ids = new ArrayList<>();
            for (JsonNode r : JSON.readTree(list.body())) {
                if (r.get("dataCode").asText().equals(bad)) {
                    assertThat(r.get("message").asText()).contains(bad).contains("不存在");
                    assertThat(r.get("bodyCode").asInt()).isEqualTo(400);
                    assertThat(r.get("attempts").asInt()).isEqualTo(1); // never retried
                    ids.add(r.get("id").asLong());
                }
            }
            assertThat(ids).hasSize(28);
            assertThat(SIM.received().keySet()).noneMatch(k -> k.contains(bad));
            assertThat(list.headers().firstValue("X-Total-Count")).hasValue(String.valueOf(ids.size()));

            // the same rows as CSV, with the platform's code and message; pages stay bounded
            HttpResponse<String> csv = call("GET", "/api/operator/uplink/rejected?format=csv", null, "viewer", "viewer-pw");
            assertThat(csv.statusCode()).isEqualTo(200);
            assertThat(csv.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
            List<String> lines = csv.body().lines().toList();
            assertThat(lines.get(0)).isEqualTo("id,enterpriseCode,dataCode,statType,statDate,uploadDate,attempts,"
                    + "httpStatus,bodyCode,message,rejectedAt");
            assertThat(lines.subList(1, lines.size())).filteredOn(l -> l.contains("," + bad + ",")).hasSize(28)
                    .allSatisfy(l -> assertThat(l).contains(",1,200,400,采集数据项编码 " + bad + " 不存在 (simulated),"));
            assertThat(call("GET", "/api/operator/uplink/rejected?limit=1001", null, "viewer", "viewer-pw").statusCode())
                    .isEqualTo(400);

            // a viewer may not re-queue; an operator may
            String body = JSON.writeValueAsString(Map.of("ids", ids));
            assertThat(call("POST", "/api/operator/uplink/requeue", body, "viewer", "viewer-pw").statusCode())
                    .isEqualTo(403);
            SIM.acceptDataCode(bad);
            HttpResponse<String> requeued = call("POST", "/api/operator/uplink/requeue", body, "operator", "operator-pw");
            assertThat(requeued.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(requeued.body()).get("requeued").asInt()).isEqualTo(28);
            // the re-queue is a row of the sealed audit chain: who and how many
            await().atMost(Duration.ofSeconds(30)).until(() -> JSON.readTree(call("GET",
                    "/api/operator/audit?action=UPLINK_REQUEUED", null, "viewer", "viewer-pw").body()).size() == 1);
            JsonNode entry = JSON.readTree(call("GET", "/api/operator/audit?action=UPLINK_REQUEUED", null, "viewer",
                    "viewer-pw").body()).get(0);
            assertThat(entry.get("detail").asText()).startsWith("by=operator:operator count=28 scope=ids ids=");
            assertThat(entry.get("hash").asText()).hasSize(64);
            assertThat(call("GET", "/api/operator/audit/verify", null, "viewer", "viewer-pw").statusCode()).isEqualTo(200);

            await().atMost(Duration.ofSeconds(30)).until(() -> rows(2, "ACKED") == 60);
            assertThat(receivedOf(2)).hasSize(60).allSatisfy((k, v) -> assertThat(v).isEqualTo(1));
            JsonNode summary = JSON.readTree(call("GET", "/api/operator/uplink/summary", null, "viewer", "viewer-pw").body());
            assertThat(summary.get("counts").get("REJECTED").asLong()).isZero();
            HttpResponse<String> scrape = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/actuator/prometheus")).header("Accept", "text/plain").header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString("viewer:viewer-pw".getBytes(StandardCharsets.UTF_8))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(scrape.body()).contains("hub_uplink_backlog ", "hub_uplink_oldest_pending_age_seconds ",
                    "hub_uplink_acks_total ", "hub_uplink_token_refreshes_total ", "hub_uplink_circuit_state ");
        } finally {
            SIM.acceptDataCode(bad);
        }
    }

    @Test
    void aDicVersionBumpPausesSendingDownloadsBaseDataOnceAndResumes() throws Exception {
        records(FerryPackage.ENTERPRISE, 3, 50).dropInto(inbox());
        await().atMost(Duration.ofSeconds(60)).until(() -> rows(3, "ACKED") == 50);
        int downloads = SIM.downloads();
        String next = SIM.bumpDicVersion();

        records(FerryPackage.OTHER_ENTERPRISE, 4, 200).dropInto(inbox());
        await().atMost(Duration.ofSeconds(60)).until(() -> rows(4, "ACKED") == 200);

        assertThat(SIM.downloads() - downloads).isEqualTo(1);
        assertThat(sender.dicVersion()).isEqualTo(next);
        assertThat(jdbc.queryForObject("select dic_version from uplink_platform_version", String.class)).isEqualTo(next);
        assertThat(receivedOf(4)).hasSize(200).allSatisfy((k, v) -> assertThat(v).isEqualTo(1));
        assertThat(link.state()).isEqualTo(LinkMonitor.State.UP);
    }

    @Test
    void anOutageOpensTheCircuitTurnsHealthDownAndLosesNothing() throws Exception {
        List<String> transitions = new CopyOnWriteArrayList<>();
        breaker.getEventPublisher().onStateTransition(e -> transitions.add(e.getStateTransition().getToState().name()));
        SIM.refuse();
        try {
            records(FerryPackage.ENTERPRISE, 5, 300).dropInto(inbox());
            await().atMost(Duration.ofSeconds(60)).until(() -> transitions.contains("OPEN"));
            await().atMost(Duration.ofSeconds(30)).until(() -> health().contains("\"DOWN\""));
            assertThat(rows(5, "ACKED")).isZero();
            long attemptsWhileOpen = jdbc.queryForObject("select coalesce(sum(attempts), 0) from uplink_record "
                    + "where data_code like '000000000233005%'", Long.class);
            assertThat(attemptsWhileOpen).isLessThan(300L * 5); // an open circuit claims nothing
        } finally {
            SIM.accept();
        }
        SIM.serverErrors(15); // then a burst of 503s
        await().atMost(Duration.ofSeconds(90)).until(() -> rows(5, "ACKED") == 300);
        await().atMost(Duration.ofSeconds(30)).until(() -> health().contains("\"UP\""));
        assertThat(receivedOf(5)).hasSize(300).allSatisfy((k, v) -> assertThat(v).isEqualTo(1));
        assertThat(transitions).contains("OPEN", "HALF_OPEN", "CLOSED");
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void theUplinksRoutesAreInJmxForHawtioWithTheirIdsAndCounters() throws Exception {
        records(FerryPackage.ENTERPRISE, 8, 30).dropInto(inbox());
        await().atMost(Duration.ofSeconds(60)).until(() -> rows(8, "ACKED") == 30);
        javax.management.MBeanServer jmx = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        java.util.Set<String> routes = new java.util.TreeSet<>();
        for (javax.management.ObjectName n : jmx.queryNames(new javax.management.ObjectName(
                "org.apache.camel:context=" + CAMEL_CONTEXT + ",type=routes,*"), null)) {
            String id = String.valueOf(jmx.getAttribute(n, "RouteId"));
            if (id.startsWith("uplink-")) {
                routes.add(id);
                assertThat(jmx.getAttribute(n, "State")).as(id).isEqualTo("Started");
            }
        }
        assertThat(routes).containsExactlyInAnyOrder("uplink-intake", "uplink-send", "uplink-sender-1",
                "uplink-sender-2", "uplink-sender-3", "uplink-sender-4", "uplink-housekeeping", "uplink-version-check",
                "uplink-purge-acked");
        assertThat(counter(jmx, "routes", "uplink-intake", "ExchangesCompleted")).isPositive();
        assertThat(counter(jmx, "routes", "uplink-send", "ExchangesCompleted")).isPositive();
        assertThat(counter(jmx, "processors", "uplink-upsert-chunk", "ExchangesCompleted")).isPositive();
        assertThat(counter(jmx, "processors", "uplink-post", "ExchangesCompleted")).isPositive();
        assertThat(counter(jmx, "routes", "uplink-intake", "ExchangesFailed")).isZero();
    }

    @Test
    void aChunkWhoseRowsCannotBeCommittedStaysOnTheQueueAndIsStoredOnceTheDatabaseTakesIt() throws Exception {
        // the database refuses this series' rows (as an outage would): the intake must not take the chunk off the queue
        jdbc.execute("create function uplink_test_refuse() returns trigger language plpgsql as $$ begin "
                + "if new.data_code like '000000000233009%' then raise exception 'refused by the test'; end if; "
                + "return new; end $$");
        jdbc.execute("create trigger uplink_test_refuse before insert on uplink_record for each row "
                + "execute function uplink_test_refuse()");
        javax.management.MBeanServer jmx = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        long failedBefore = counter(jmx, "routes", "uplink-intake", "ExchangesFailed");
        try {
            records(FerryPackage.OTHER_ENTERPRISE, 9, 40).dropInto(inbox());
            // refused, rolled back to the queue, redelivered (5 s later) and refused again
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> counter(jmx, "routes", "uplink-intake", "ExchangesFailed") - failedBefore >= 2);
            assertThat(rows(9, "PENDING") + rows(9, "SENDING") + rows(9, "ACKED")).isZero();
        } finally {
            jdbc.execute("drop trigger uplink_test_refuse on uplink_record");
            jdbc.execute("drop function uplink_test_refuse()");
        }
        // the next redelivery is stored, and then sent, once
        await().atMost(Duration.ofSeconds(60)).until(() -> rows(9, "ACKED") == 40);
        assertThat(receivedOf(9)).hasSize(40).allSatisfy((k, v) -> assertThat(v).isEqualTo(1));
        await().atMost(Duration.ofSeconds(30)).until(() -> nationalQueueDepth() == 0);
    }

    private static long counter(javax.management.MBeanServer jmx, String type, String name, String attribute)
            throws Exception {
        var names = jmx.queryNames(new javax.management.ObjectName("org.apache.camel:context="
                + CAMEL_CONTEXT + ",type=" + type + ",name=\"" + name + "\",*"), null);
        assertThat(names).as(type + " " + name).hasSize(1);
        return ((Number) jmx.getAttribute(names.iterator().next(), attribute)).longValue();
    }

    private String health() throws Exception {
        return call("GET", "/actuator/health/uplink", null, "viewer", "viewer-pw").body();
    }
}

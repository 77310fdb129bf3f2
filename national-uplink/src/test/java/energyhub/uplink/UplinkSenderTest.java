package energyhub.uplink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import energyhub.uplink.simulator.DemoPki;
import energyhub.uplink.simulator.NationalPlatformSimulator;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sender on a real PostgreSQL against the simulator: the JSON-array mode, and a wrong platform CA. */
class UplinkSenderTest {

    static UplinkDatabase db;
    static DemoPki pki;
    static DemoPki wrong;
    static NationalPlatformSimulator sim;

    @BeforeAll
    static void start() throws Exception {
        db = new UplinkDatabase();
        pki = TestPki.right();
        wrong = TestPki.impostor();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        sim = NationalPlatformSimulator.start(port, pki, Duration.ofMinutes(5));
    }

    @AfterAll
    static void stop() throws Exception {
        sim.close();
        db.close();
    }

    @BeforeEach
    void empty() {
        db.jdbc().update("delete from uplink_record");
    }

    static UplinkProperties props(int batchSize) {
        UplinkProperties p = new UplinkProperties();
        p.setBaseUrl("https://127.0.0.1:" + sim.port());
        p.setEnterpriseCode(NationalPlatformSimulator.ENTERPRISE_CODE);
        p.setSecretKey(NationalPlatformSimulator.SECRET_KEY);
        p.setPin(NationalPlatformSimulator.PIN);
        p.setBatchSize(batchSize);
        p.setClaimSize(100);
        p.setConcurrency(2);
        p.setIdleWait(Duration.ofMillis(50));
        p.setRetryInitialDelay(Duration.ofMillis(50));
        p.setRetryMaxDelay(Duration.ofMillis(200));
        p.setConnectTimeout(Duration.ofSeconds(2));
        p.setReadTimeout(Duration.ofSeconds(2));
        return p;
    }

    static UplinkSender sender(UplinkProperties p, DeliveryStore store, DemoPki trust, LinkMonitor link) throws Exception {
        return sender(p, store, trust, link, pki.clientKeyStore());
    }

    static UplinkSender sender(UplinkProperties p, DeliveryStore store, DemoPki trust, LinkMonitor link,
            java.nio.file.Path keyStore) throws Exception {
        PlatformTls tls = PlatformTls.load(keyStore, "PKCS12", pki.password.toCharArray(),
                trust.clientTrustStore(), "PKCS12", trust.password.toCharArray());
        PlatformClient client = new PlatformClient(p.getBaseUrl(), tls, p.getConnectTimeout(), p.getReadTimeout(), 2);
        var meters = new SimpleMeterRegistry();
        CircuitBreaker breaker = CircuitBreaker.of("t", CircuitBreakerConfig.custom().slidingWindowSize(20)
                .minimumNumberOfCalls(10).waitDurationInOpenState(Duration.ofMillis(200)).build());
        return new UplinkSender(p, store, client, new TokenManager(client, p, meters.counter("r")), breaker, link,
                meters.counter("a"));
    }

    static List<JsonNode> records(String prefix, int n) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(DeliveryStoreTest.record(prefix + i, "2026-10-01 00:00:00", "2026-11-01 01:00:00", "1"));
        }
        return out;
    }

    @Test
    void theArrayModeSendsFiftyRecordsPerRequestEachOnce() throws Exception {
        DeliveryStore store = new DeliveryStore(db.jdbc());
        store.upsert(records("ARR", 500));
        long requests = sim.uploadRequests();
        UplinkProperties p = props(50);
        LinkMonitor link = new LinkMonitor(Duration.ofSeconds(1));
        try (SendingRoutes routes = SendingRoutes.start(p, sender(p, store, pki, link), link)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> store.countsByState().get("ACKED") == 500);
            // the sending went through the routes Hawtio shows: both senders' rounds through uplink-send
            assertThat(routes.completed("uplink-sender-1")).isPositive();
            assertThat(routes.completed("uplink-sender-2")).isPositive();
            assertThat(routes.completed("uplink-send")).isPositive();
            assertThat(routes.failed("uplink-send")).isZero();
        }
        assertThat(sim.uploadRequests() - requests).isEqualTo(10);
        assertThat(sim.received().entrySet().stream().filter(e -> e.getKey().contains("|ARR")))
                .hasSize(500).allSatisfy(e -> assertThat(e.getValue()).isEqualTo(1));
    }

    @Test
    void aClaimIsWholeRequestsOfTheBatchSize() {
        UplinkProperties p = new UplinkProperties();
        assertThat(new UplinkSender(p, null, null, null, null, null, null).claimSize()).isEqualTo(64); // the default
        int[][] batchClaimExpected = {{1, 64, 64}, {50, 64, 50}, {50, 200, 200}, {50, 120, 100}, {50, 16, 50},
                {100, 64, 100}};
        for (int[] c : batchClaimExpected) {
            p.setBatchSize(c[0]);
            p.setClaimSize(c[1]);
            assertThat(new UplinkSender(p, null, null, null, null, null, null).claimSize())
                    .as("batch-size %d, claim-size %d", c[0], c[1]).isEqualTo(c[2]);
        }
    }

    @Test
    void aSlowPlatformNeverLetsAClaimsLeaseLapseSoNoRecordIsSentTwice() throws Exception {
        DeliveryStore store = new DeliveryStore(db.jdbc());
        store.upsert(records("SLOW", 10));
        UplinkProperties p = props(1);
        p.setClaimSize(10);
        p.setLease(Duration.ofSeconds(3)); // a claim of 10 takes 10 s at a second per answer
        LinkMonitor link = new LinkMonitor(Duration.ofSeconds(30));
        sim.slow(1000, 1000);
        try (SendingRoutes routes = SendingRoutes.start(p, sender(p, store, pki, link), link)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> store.countsByState().get("ACKED") == 10);
        } finally {
            sim.slow(0, 0);
        }
        assertThat(sim.received().entrySet().stream().filter(e -> e.getKey().contains("|SLOW")))
                .hasSize(10).allSatisfy(e -> assertThat(e.getValue()).as(e.getKey()).isEqualTo(1));
    }

    @Test
    void aWrongPlatformCaSendsNothingAndMarksNothing() throws Exception {
        DeliveryStore store = new DeliveryStore(db.jdbc());
        store.upsert(records("WCA", 20));
        long requests = sim.uploadRequests();
        int tokens = sim.tokensIssued();
        LinkMonitor link = new LinkMonitor(Duration.ofMillis(200));
        UplinkProperties p = props(1);
        try (SendingRoutes routes = SendingRoutes.start(p, sender(p, store, wrong, link), link)) {
            await().atMost(Duration.ofSeconds(30)).until(link::down);
        }
        assertThat(link.cause()).contains("platform certificate 'CN=national-platform-simulator,O=Test' issued by "
                + "'CN=Test Platform CA'").contains("not trusted by hub.uplink.trust-store");
        assertThat(store.countsByState()).containsEntry("PENDING", 20L).containsEntry("ACKED", 0L)
                .containsEntry("SENDING", 0L);
        assertThat(sim.uploadRequests()).isEqualTo(requests);
        assertThat(sim.tokensIssued()).isEqualTo(tokens);
    }

    @Test
    void anExpiredClientCertificateIsNamedAndNothingIsMarkedSent() throws Exception {
        DeliveryStore store = new DeliveryStore(db.jdbc());
        store.upsert(records("EXP", 20));
        long requests = sim.uploadRequests();
        int tokens = sim.tokensIssued();
        LinkMonitor link = new LinkMonitor(Duration.ofMillis(200));
        UplinkProperties p = props(1);
        try (SendingRoutes routes = SendingRoutes.start(p, sender(p, store, pki, link, pki.expiredClientKeyStore()),
                link)) {
            await().atMost(Duration.ofSeconds(30)).until(link::down);
        }
        assertThat(link.cause()).contains("the hub's client certificate 'CN=province-hub-expired,O=Expired' issued by "
                + "'CN=Test Hub Client CA' (hub.uplink.key-store) expired at").contains("refused by the platform");
        assertThat(store.countsByState()).containsEntry("PENDING", 20L).containsEntry("ACKED", 0L)
                .containsEntry("SENDING", 0L);
        assertThat(sim.uploadRequests()).isEqualTo(requests);
        assertThat(sim.tokensIssued()).isEqualTo(tokens);
    }
}

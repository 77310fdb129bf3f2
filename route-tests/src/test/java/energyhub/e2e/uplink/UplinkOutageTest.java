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
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The outage, in real time: the platform refuses connections for three minutes while the hub is sending (and
 * while more records arrive), then answers 503 in bursts, then is healthy. Nothing is lost; the circuit opens and
 * closes and the uplink's health goes DOWN and UP again, both as operators see them (the health's details and the
 * Prometheus gauge); the backlog waits in PostgreSQL (energy.national stays empty) and drains; an open circuit costs
 * (almost) no attempts; and the only records the platform gets twice are those in flight when it went away, at most
 * concurrency x batch-size of them.
 */
@CamelSpringBootTest
@SpringBootTest(classes = HubApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class UplinkOutageTest extends RunningHub {

    static final Path DATA_DIR = tempDir("hub-uplink-outage");
    static final int BROKER_PORT = FreePort.next();
    static final Duration OUTAGE = Duration.ofMinutes(3);
    static final int CONCURRENCY = 4;
    static final int BATCH_SIZE = 5;
    static final Duration OPEN_WAIT = Duration.ofSeconds(3);
    static final int MINIMUM_CALLS = 10;
    static final Duration DOWN_AFTER = Duration.ofSeconds(20);
    static final int BEFORE = 8_000;  // records staged before the outage
    static final int DURING = 12_000; // records arriving while the platform is down
    static final DemoPki PKI;
    static final NationalPlatformSimulator SIM;

    static {
        try {
            PKI = DemoPki.create(tempDir("uplink-outage-pki"), "uplink-test", "Test");
            // tokens of a minute: the one in use expires during the outage, so the login fails too, and comes back
            SIM = NationalPlatformSimulator.start(FreePort.next(), PKI, Duration.ofMinutes(1));
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
        UplinkSettings.of(SIM, PKI,
                "concurrency", String.valueOf(CONCURRENCY),
                "batch-size", String.valueOf(BATCH_SIZE), // JSON arrays of 5
                "claim-size", "20",
                "connect-timeout", "1s",
                "read-timeout", "2s",
                "retry-initial-delay", "200ms",
                "retry-max-delay", "2s",
                "alert-after", DOWN_AFTER.toSeconds() + "s",
                "idle-wait", "100ms",
                "circuit-window", "20",
                "circuit-minimum-calls", String.valueOf(MINIMUM_CALLS),
                "circuit-open-wait", OPEN_WAIT.toSeconds() + "s")
                .forEach((k, v) -> r.add(k, () -> v));
    }

    @Autowired
    CircuitBreaker breaker;
    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    UplinkOutageTest() {
        super(DATA_DIR, BROKER_PORT);
    }

    @AfterAll
    static void stopSimulator() {
        SIM.close();
    }

    @Test
    void threeMinutesRefusedThen503BurstsThenHealthyLosesNothingAndResendsOnlyWhatWasInFlight() throws Exception {
        List<String> transitions = new CopyOnWriteArrayList<>();
        breaker.getEventPublisher().onStateTransition(e -> transitions.add(e.getStateTransition().getToState().name()));
        Set<String> healthSeen = ConcurrentHashMap.newKeySet(); // "status/link/circuit" as the health's details say
        Set<Double> circuitGaugeSeen = ConcurrentHashMap.newKeySet();

        // sending: the platform goes away in the middle of it
        stage(1, BEFORE);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(10))
                .until(() -> SIM.received().size() >= 1000);
        SIM.refuse();
        long refusedAt = System.nanoTime();
        int beforeOutage = SIM.received().size();
        assertThat(beforeOutage).as("refused while sending").isLessThan(BEFORE);
        long attemptsAtRefusal = attempts();
        int tokensAtRefusal = SIM.tokensIssued();

        // more records arrive meanwhile: they go through the routing core and wait in PostgreSQL, not in the broker
        stage(2, DURING);
        await().atMost(Duration.ofSeconds(60)).until(() -> rows("PENDING") + rows("SENDING")
                == BEFORE + DURING - rows("ACKED"));
        await().atMost(Duration.ofSeconds(30)).until(() -> nationalQueueDepth() == 0);

        // three minutes of refused connections, watched as an operator watches them
        await().atMost(OUTAGE.plusMinutes(1)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            observe(healthSeen, circuitGaugeSeen);
            return System.nanoTime() - refusedAt >= OUTAGE.toNanos();
        });
        long attemptsDuringOutage = attempts() - attemptsAtRefusal;
        assertThat(healthSeen).as("health while refused").contains("DOWN/UNREACHABLE/OPEN");
        assertThat(circuitGaugeSeen).as("hub_uplink_circuit_state while refused").contains(1.0);
        // what the platform holds is ACKED, but for what was in flight when the connections were cut
        long atPlatform = SIM.received().size();
        long acked = rows("ACKED");
        assertThat(acked).isBetween(atPlatform - CONCURRENCY * BATCH_SIZE, atPlatform);
        assertThat(gauge("hub_uplink_backlog")).isEqualTo(BEFORE + DURING - acked);
        // an open circuit claims nothing: at most the calls that opened it, then one try per sender each time it
        // half-opens (every open-wait), each a request of batch-size records. Without it the senders would try the
        // backlog's records again and again, each after a back-off of at most 2 s.
        long halfOpenings = OUTAGE.toSeconds() / OPEN_WAIT.toSeconds() + 2;
        long bound = (MINIMUM_CALLS + CONCURRENCY + halfOpenings * CONCURRENCY) * BATCH_SIZE;
        System.out.printf("uplink outage: %d of %d records at the platform when it went away; in %d s of refused "
                + "connections %d attempts (bound %d), %d calls refused by the open circuit, circuit %s%n", beforeOutage,
                BEFORE, OUTAGE.toSeconds(), attemptsDuringOutage, bound,
                breaker.getMetrics().getNumberOfNotPermittedCalls(), transitions);
        assertThat(attemptsDuringOutage).isLessThanOrEqualTo(bound);

        // back, but busy: 503 in two bursts (the first as it comes back, the second while the backlog drains), each
        // long enough to open the circuit again; healthy after each
        long acceptedAt = 0;
        for (int burst = 1; burst <= 2; burst++) {
            long ackedBefore = rows("ACKED");
            transitions.clear();
            SIM.serverErrors(30);
            if (burst == 1) {
                SIM.accept();
                acceptedAt = System.nanoTime();
            }
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(() -> {
                observe(healthSeen, circuitGaugeSeen);
                return SIM.serverErrorsLeft() == 0;
            });
            assertThat(transitions).as("the circuit in burst %d", burst).contains("OPEN");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10)).until(() ->
                    breaker.getState() == CircuitBreaker.State.CLOSED && rows("ACKED") > ackedBefore + 500
                            || rows("ACKED") == BEFORE + DURING);
            assertThat(rows("ACKED")).as("the second burst comes while the backlog drains").isLessThan(BEFORE + DURING);
        }

        // healthy: the backlog drains
        await().atMost(Duration.ofSeconds(180)).until(() -> rows("ACKED") == BEFORE + DURING);
        assertThat(rows("PENDING") + rows("SENDING") + rows("REJECTED")).isZero();
        assertThat(gauge("hub_uplink_backlog")).isZero();
        assertThat(gauge("hub_uplink_circuit_state")).isZero();
        JsonNode health = health();
        assertThat(health.path("status").asText()).isEqualTo("UP");
        assertThat(health.path("details").path("link").asText()).isEqualTo("UP");
        assertThat(health.path("details").path("circuit").asText()).isEqualTo("CLOSED");
        observe(healthSeen, circuitGaugeSeen);
        assertThat(healthSeen).as("health over the run").contains("UP/UP/CLOSED", "DOWN/UNREACHABLE/OPEN");
        assertThat(circuitGaugeSeen).as("hub_uplink_circuit_state over the run").contains(0.0, 1.0);
        assertThat(nationalQueueDepth()).isZero();

        // nothing lost; sent twice only what was in flight when the platform went away
        Map<String, Integer> received = SIM.received();
        assertThat(received).hasSize(BEFORE + DURING);
        int resent = resent();
        System.out.printf("uplink outage: %d records re-sent (in flight when the connections were cut; bound %d)%n",
                resent, CONCURRENCY * BATCH_SIZE);
        assertThat(resent).isLessThanOrEqualTo(CONCURRENCY * BATCH_SIZE);
        // the token that expired meanwhile was renewed once the platform answered, not once per sender; then once
        // per token life (a minute, renewed a quarter early)
        long sinceBack = Duration.ofNanos(System.nanoTime() - acceptedAt).toSeconds();
        assertThat(SIM.tokensIssued() - tokensAtRefusal).isBetween(1, (int) (1 + sinceBack / 45 + 1));
        assertThat(SIM.expiredTokenUses()).isZero();
    }

    /** Samples the uplink's health (status/link/circuit) and the circuit's gauge, as an operator's dashboard does. */
    private void observe(Set<String> healthSeen, Set<Double> gaugeSeen) throws Exception {
        if (healthSeen != null) {
            JsonNode h = health();
            healthSeen.add(h.path("status").asText() + "/" + h.path("details").path("link").asText() + "/"
                    + h.path("details").path("circuit").asText());
        }
        gaugeSeen.add(gauge("hub_uplink_circuit_state"));
    }

    /** n records of series {@code series} (an identity each: dataCode by series and number, day 1-28), 500 a package. */
    private void stage(int series, int n) throws Exception {
        for (int start = 0; start < n; start += 500) {
            FerryPackage p = FerryPackage.of();
            for (int i = start; i < Math.min(n, start + 500); i++) {
                p.line(FerryPackage.record(FerryPackage.ENTERPRISE, 1 + i % 28, i + ".5")
                        .replace("0000000002330001", NationalUplinkTest.dataCode(series, i)));
            }
            p.dropInto(inbox());
        }
    }

    private int resent() {
        return SIM.received().values().stream().mapToInt(n -> n - 1).sum();
    }

    private long rows(String state) {
        return jdbc.queryForObject("select count(*) from uplink_record where state = ?", Long.class, state);
    }

    private long attempts() {
        return jdbc.queryForObject("select coalesce(sum(attempts), 0) from uplink_record", Long.class);
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

    private HttpResponse<String> get(String path, String accept) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).header("Accept", accept).header("Authorization", "Basic "
                        + Base64.getEncoder().encodeToString("viewer:viewer-pw".getBytes(StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode health() throws Exception {
        return JSON.readTree(get("/actuator/health/uplink", "application/json").body());
    }

    /** A gauge of /actuator/prometheus (a line {@code name value}). */
    private double gauge(String name) throws Exception {
        return get("/actuator/prometheus", "text/plain").body().lines().filter(l -> l.startsWith(name + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(name.length() + 1).trim())).findFirst()
                .orElseThrow(() -> new AssertionError(name + " is not in /actuator/prometheus"));
    }
}

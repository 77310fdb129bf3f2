package energyhub.uplink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import energyhub.uplink.simulator.DemoPki;
import energyhub.uplink.simulator.NationalPlatformSimulator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The client side of the link against the simulator over real mutual TLS: the pinned CA, the PIN-block login, the
 * single-flight token refresh, and the answers' outcome classes.
 */
class PlatformLinkTest {

    static DemoPki pki;
    static DemoPki wrong;
    static NationalPlatformSimulator sim;

    @BeforeAll
    static void start() throws Exception {
        pki = TestPki.right();
        wrong = TestPki.impostor();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        sim = NationalPlatformSimulator.start(port, pki, Duration.ofMinutes(5));
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    static UplinkProperties props() {
        UplinkProperties p = new UplinkProperties();
        p.setBaseUrl("https://127.0.0.1:" + sim.port());
        p.setEnterpriseCode(NationalPlatformSimulator.ENTERPRISE_CODE);
        p.setSecretKey(NationalPlatformSimulator.SECRET_KEY);
        p.setPin(NationalPlatformSimulator.PIN);
        return p;
    }

    static PlatformClient client(DemoPki trust) throws Exception {
        return client(trust, Duration.ofSeconds(2), PlatformClient.DEFAULT_MAX_ANSWER_BYTES);
    }

    /** The hub's client certificate, {@code trust}'s CA, a 2 s connect timeout, 4 senders. */
    static PlatformClient client(DemoPki trust, Duration readTimeout, int maxAnswerBytes) throws Exception {
        PlatformTls tls = PlatformTls.load(pki.clientKeyStore(), "PKCS12", pki.password.toCharArray(),
                trust.clientTrustStore(), "PKCS12", trust.password.toCharArray());
        return new PlatformClient("https://127.0.0.1:" + sim.port(), tls, Duration.ofSeconds(2), readTimeout, 4,
                maxAnswerBytes);
    }

    @Test
    void aPlatformCertificateFromAnotherCaIsRefusedAndNamed() throws Exception {
        int tokens = sim.tokensIssued();
        long uploads = sim.uploadRequests();
        PlatformClient.Answer a = client(wrong).post("/requestAK", "{}", null);
        assertThat(a.failure()).startsWith("TLS: platform certificate 'CN=national-platform-simulator,O=Test' issued by "
                + "'CN=Test Platform CA'").contains("not trusted by hub.uplink.trust-store");
        assertThat(a.httpStatus()).isZero();
        assertThat(sim.tokensIssued()).isEqualTo(tokens);
        assertThat(sim.uploadRequests()).isEqualTo(uploads);
    }

    @Test
    void theRightCaAndThePinBlockGiveAToken() throws Exception {
        TokenManager tokens = new TokenManager(client(pki), props(), new SimpleMeterRegistry().counter("r"));
        TokenManager.Token t = tokens.current();
        assertThat(t.value()).isNotBlank();
        assertThat(tokens.current()).isSameAs(t);
    }

    @Test
    void aWrongPinIsRefused() throws Exception {
        UplinkProperties p = props();
        p.setPin("654321");
        TokenManager tokens = new TokenManager(client(pki), p, new SimpleMeterRegistry().counter("r"));
        try {
            tokens.current();
            throw new AssertionError("a token with a wrong PIN");
        } catch (TokenManager.TokenException e) {
            assertThat(e.getMessage()).contains("requestAK refused").contains("responseCode 403");
        }
    }

    @Test
    void manyThreadsRefusedTogetherRefreshTheTokenOnce() throws Exception {
        var refreshes = new SimpleMeterRegistry().counter("r");
        TokenManager tokens = new TokenManager(client(pki), props(), refreshes);
        TokenManager.Token stale = tokens.current();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<TokenManager.Token>> all = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                all.add(pool.submit(() -> tokens.refresh(stale)));
            }
            TokenManager.Token first = all.get(0).get();
            for (Future<TokenManager.Token> f : all) {
                assertThat(f.get()).isSameAs(first);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(refreshes.count()).isEqualTo(2.0); // the first token and one refresh
    }

    @Test
    void anAnswerOverMaxAnswerBytesIsCutOffWhileItArrivesAndRetried() throws Exception {
        PlatformClient c = client(pki, Duration.ofSeconds(5), 64 << 10);
        String token = new TokenManager(c, props(), new SimpleMeterRegistry().counter("r")).current().value();

        // 64 MiB, chunked: nothing says its length before it arrives
        sim.oversizedAnswers(1, 64L << 20);
        PlatformClient.Answer a = c.post("/dataEnterpriseEnergy", "{}", token);
        assertThat(a.failure()).isEqualTo("the answer to /dataEnterpriseEnergy is over 65536 bytes "
                + "(hub.uplink.max-answer-bytes): cut off unread and retried like no answer");
        assertThat(new UplinkSender(props(), null, null, null, null, null, null).classify(a))
                .isEqualTo(UplinkSender.Outcome.RETRY);
        // the hub closed the connection instead of reading on: the platform's writes failed
        await().atMost(Duration.ofSeconds(20)).until(() -> sim.oversizedAnswersCutOff() == 1);

        // an answer within the bound is read whole, on the same client
        sim.oversizedAnswers(1, 60 << 10);
        PlatformClient.Answer big = c.post("/dataEnterpriseEnergy", "{}", token);
        assertThat(big.failure()).isNull();
        assertThat(big.bodyCode()).isEqualTo(200);
        assertThat(big.message()).hasSizeGreaterThan(59 << 10);
    }

    @Test
    void anAnswerWhoseBodyStallsIsCutOffAtTheDeadlineAndRetried() throws Exception {
        // headers within the read timeout (1 s), the body within as long again plus a second
        PlatformClient c = client(pki, Duration.ofSeconds(1), PlatformClient.DEFAULT_MAX_ANSWER_BYTES);
        String token = new TokenManager(c, props(), new SimpleMeterRegistry().counter("r")).current().value();

        // the headers and half the envelope at once, the rest after 6 s (past the 3 s): read whole, it would be an ACK
        sim.stallBodies(1, 6_000);
        PlatformClient.Answer a = c.post("/dataEnterpriseEnergy", "{}", token);
        assertThat(a.failure()).isEqualTo("no whole answer within 3000 ms: its body stalled, the connection is closed");
        assertThat(a.bodyCode()).isNull();
        assertThat(new UplinkSender(props(), null, null, null, null, null, null).classify(a))
                .isEqualTo(UplinkSender.Outcome.RETRY);

        // the next call on the same client is answered whole
        PlatformClient.Answer next = c.post("/dataEnterpriseEnergy", "{}", token);
        assertThat(next.failure()).isNull();
        assertThat(next.httpStatus()).isEqualTo(200);
    }

    @Test
    void anAnswerWhoseContentLengthIsNotANumberIsNamedAndRetried() throws Exception {
        PlatformClient c = client(pki, Duration.ofSeconds(5), PlatformClient.DEFAULT_MAX_ANSWER_BYTES);
        String token = new TokenManager(c, props(), new SimpleMeterRegistry().counter("r")).current().value();

        // the JDK's client itself says only NumberFormatException: For input string; the hub names the header and
        // quotes its value as every message of the hub quotes an outside value (OperatorInput.shown)
        sim.malformedLengths(1, "12abc\u00e9");
        PlatformClient.Answer a = c.post("/dataEnterpriseEnergy", "{}", token);
        assertThat(a.failure()).isEqualTo("the answer to /dataEnterpriseEnergy has a Content-Length that is not a "
                + "number (\"12abc\u00e9\"): cut off unread and retried like no answer");
        assertThat(new UplinkSender(props(), null, null, null, null, null, null).classify(a))
                .isEqualTo(UplinkSender.Outcome.RETRY);

        // the next call on the same client is answered whole
        PlatformClient.Answer next = c.post("/dataEnterpriseEnergy", "{}", token);
        assertThat(next.failure()).isNull();
        assertThat(next.httpStatus()).isEqualTo(200);
    }

    @Test
    void answersFallIntoTheirOutcomeClasses() {
        UplinkSender s = new UplinkSender(props(), null, null, null, null, null, null);
        assertThat(s.classify(answer(200, 200))).isEqualTo(UplinkSender.Outcome.ACK);
        assertThat(s.classify(answer(200, 401))).isEqualTo(UplinkSender.Outcome.AUTH);
        assertThat(s.classify(answer(401, null))).isEqualTo(UplinkSender.Outcome.AUTH);
        assertThat(s.classify(answer(200, 409))).isEqualTo(UplinkSender.Outcome.VERSION);
        assertThat(s.classify(answer(503, null))).isEqualTo(UplinkSender.Outcome.RETRY);
        assertThat(s.classify(answer(429, null))).isEqualTo(UplinkSender.Outcome.RETRY);
        assertThat(s.classify(answer(408, null))).isEqualTo(UplinkSender.Outcome.RETRY);
        assertThat(s.classify(answer(200, 503))).isEqualTo(UplinkSender.Outcome.RETRY);
        assertThat(s.classify(answer(200, null))).isEqualTo(UplinkSender.Outcome.RETRY);
        assertThat(s.classify(new PlatformClient.Answer(0, null, null, null, "Connection refused")))
                .isEqualTo(UplinkSender.Outcome.RETRY);
        assertThat(s.classify(answer(400, null))).isEqualTo(UplinkSender.Outcome.REJECT);
        assertThat(s.classify(answer(200, 400))).isEqualTo(UplinkSender.Outcome.REJECT);
    }

    @Test
    void backOffGrowsIsCappedAndJittered() {
        UplinkProperties p = props();
        p.setRetryInitialDelay(Duration.ofSeconds(1));
        p.setRetryMaxDelay(Duration.ofSeconds(60));
        UplinkSender s = new UplinkSender(p, null, null, null, null, null, null);
        assertThat(s.backoff(1)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
        assertThat(s.backoff(4)).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(8));
        assertThat(s.backoff(30)).isBetween(Duration.ofSeconds(30), Duration.ofSeconds(60));
    }

    private static PlatformClient.Answer answer(int status, Integer code) {
        return new PlatformClient.Answer(status, code, "m", null, null);
    }
}

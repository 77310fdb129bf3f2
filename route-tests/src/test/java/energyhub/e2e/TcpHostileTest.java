package energyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import energyhub.e2e.support.ExchangeHubTest;
import energyhub.e2e.support.FerryPackage;
import energyhub.e2e.support.PlatformClient.Received;
import energyhub.e2e.support.TcpClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The TCP push intake against a hostile peer, on a real socket: every bad frame gets its ERROR (or
 * ACK) and a close, and a logged-in client beside it still gets its batch ACCEPTED with each record
 * exactly once in each platform queue. The hub here: frames before LOGIN at most 4096 bytes, after
 * it 64 KiB, 12 connections, login timeout 3 s, idle timeout 6 s.
 */
class TcpHostileTest extends ExchangeHubTest {

    private static int day = 0;
    private TcpClient good;

    @BeforeEach
    void goodClientBeside() throws Exception {
        good = new TcpClient(TCP_PORT);
        assertThat(good.login(TCP_CLIENT, TCP_SECRET).get("type").asText()).isEqualTo("LOGIN_OK");
    }

    @AfterEach
    void goodClientStillServed() throws Exception {
        try {
            validBatchIsAcceptedExactlyOnce(good);
        } finally {
            good.close();
        }
    }

    /** A fresh batch of two records from the client beside the attack: ACCEPTED, each record once per queue. */
    private void validBatchIsAcceptedExactlyOnce(TcpClient client) throws Exception {
        String batchId = UUID.randomUUID().toString();
        int d = 1 + (day++ % 27);
        List<String> records = List.of(FerryPackage.record(FerryPackage.ENTERPRISE, d, "1.5"),
                FerryPackage.record(FerryPackage.ENTERPRISE, d + 1, "2.5"));
        JsonNode ack = client.call(TcpClient.data(batchId, records));
        assertThat(ack.get("status").asText()).isEqualTo("ACCEPTED");
        assertThat(ack.get("accepted").asInt()).isEqualTo(2);
        for (var platform : List.of(national, provincial)) {
            List<String> values = platform.browse(batchId).stream()
                    .flatMap(r -> iterate(r.json().get("records")).stream())
                    .map(r -> r.get("statDate").asText() + "=" + r.get("dataValue").asText()).toList();
            assertThat(values).containsExactlyInAnyOrder(String.format("2026-10-%02d 00:00:00=1.5", d),
                    String.format("2026-10-%02d 00:00:00=2.5", d + 1));
        }
    }

    private static List<JsonNode> iterate(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    private static void assertRefused(TcpClient client, String code) throws IOException {
        JsonNode error = client.receive();
        assertThat(error.get("type").asText()).isEqualTo("ERROR");
        assertThat(error.get("code").asText()).isEqualTo(code);
        assertThat(client.closedByHub()).isTrue();
    }

    @Test
    void anOversizeFrameBeforeLoginIsRefusedAtTheSmallLimit() throws Exception {
        try (TcpClient attacker = new TcpClient(TCP_PORT)) {
            // 5000 bytes would be fine after LOGIN (64 KiB); before it only 4096 are allowed
            attacker.announce(5000, "{\"type\":\"LOGIN\"".getBytes(StandardCharsets.UTF_8));
            assertRefused(attacker, "FRAME_TOO_LARGE");
        }
    }

    @Test
    void connectionsOverTheLimitAreRefusedAndTheLoggedInClientIsStillServed() throws Exception {
        List<TcpClient> flood = new ArrayList<>();
        try {
            // with the good client, 15 connections where 12 are allowed: at least 3 are refused (which ones depends
            // on the order Netty's event loops see them), the others wait for a LOGIN that never comes
            for (int i = 0; i < TCP_MAX_CONNECTIONS + 2; i++) {
                flood.add(new TcpClient(TCP_PORT));
            }
            // meanwhile the logged-in client is served
            validBatchIsAcceptedExactlyOnce(good);
            List<String> answers = new ArrayList<>();
            for (TcpClient c : flood) {
                JsonNode error = c.receive();
                assertThat(error.get("type").asText()).isEqualTo("ERROR");
                assertThat(c.closedByHub()).isTrue();
                answers.add(error.get("code").asText());
            }
            assertThat(answers).filteredOn("TOO_MANY_CONNECTIONS"::equals).hasSizeGreaterThanOrEqualTo(3);
            assertThat(answers).allMatch(code -> code.equals("TOO_MANY_CONNECTIONS") || code.equals("LOGIN_TIMEOUT"));
        } finally {
            for (TcpClient c : flood) {
                c.close();
            }
        }
        // the flood's connections are counted out again: a new client logs in
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            try (TcpClient again = new TcpClient(TCP_PORT)) {
                return "LOGIN_OK".equals(again.login(TCP_CLIENT, TCP_SECRET).get("type").asText());
            }
        });
    }

    /**
     * 10,000 connections that never send a byte, from 200 addresses, held open: a good client still connects,
     * logs in and gets its ACK within 3 attempts (its new connection displaces the oldest waiting one), and
     * the logged-in client beside them is never displaced. The hub counts what it displaced and refused.
     */
    @Test
    void tenThousandIdleConnectionsDoNotLockAGoodClientOut(
            @org.springframework.beans.factory.annotation.Autowired energyhub.tcp.TcpGuard guard) throws Exception {
        long displacedBefore = guard.displaced();
        long refusedBefore = guard.refused();
        List<java.net.Socket> flood = new ArrayList<>();
        try {
            for (int i = 0; i < 10_000; i++) {
                java.net.Socket s = new java.net.Socket();
                s.bind(new java.net.InetSocketAddress("127.0.0." + (2 + i % 200), 0));
                try {
                    s.connect(new java.net.InetSocketAddress("127.0.0.1", TCP_PORT), 5_000);
                    flood.add(s);
                } catch (IOException e) {
                    s.close(); // the kernel's queue was full: the flood is just smaller
                }
            }
            assertThat(flood).as("idle connections held open").hasSizeGreaterThan(9_000);
            int attempts = 0;
            boolean served = false;
            while (!served && attempts < 3) {
                attempts++;
                try (TcpClient newcomer = new TcpClient(TCP_PORT)) {
                    if ("LOGIN_OK".equals(newcomer.login(TCP_CLIENT, TCP_SECRET).get("type").asText())) {
                        validBatchIsAcceptedExactlyOnce(newcomer);
                        served = true;
                    }
                } catch (IOException e) {
                    // refused and closed before its LOGIN was read: an attempt that failed
                }
            }
            assertThat(served).as("the good client served within 3 attempts").isTrue();
            // the client logged in before the flood was never displaced: it is served too
            validBatchIsAcceptedExactlyOnce(good);
            assertThat(guard.displaced() - displacedBefore).as("waiting connections displaced").isGreaterThan(9_000);
            assertThat(guard.pending()).as("waiting connections held at once")
                    .isLessThanOrEqualTo(TCP_MAX_UNAUTHENTICATED);
            // one address alone gets no more than its own budget of waiting connections
            List<TcpClient> one = new ArrayList<>();
            try {
                for (int i = 0; i < 9; i++) {
                    one.add(new TcpClient(TCP_PORT, "127.0.0.250"));
                }
                // which of the nine is the ninth depends on the order Netty's event loops see them
                List<String> answers = new ArrayList<>();
                for (TcpClient c : one) {
                    JsonNode answer = c.receive();
                    answers.add(answer.path("code").asText() + ": " + answer.path("message").asText());
                }
                assertThat(answers).filteredOn(a -> a.startsWith("TOO_MANY_CONNECTIONS")).singleElement()
                        .asString().contains("from 127.0.0.250");
                assertThat(answers).filteredOn(a -> a.startsWith("LOGIN_TIMEOUT")).hasSize(8);
                assertThat(guard.refused() - refusedBefore).as("connections refused for their address").isEqualTo(1);
            } finally {
                for (TcpClient c : one) {
                    c.close();
                }
            }
        } finally {
            for (java.net.Socket s : flood) {
                s.close();
            }
            // the hub has seen every flood connection go before the next test connects
            await().atMost(Duration.ofSeconds(60)).until(() -> guard.pending() == 0);
        }
    }

    @Test
    void aWrongSecretIsRefused() throws Exception {
        try (TcpClient attacker = new TcpClient(TCP_PORT)) {
            attacker.send("{\"type\":\"LOGIN\",\"clientId\":\"" + TCP_CLIENT + "\",\"secret\":\"guessed\"}");
            assertRefused(attacker, "LOGIN_FAILED");
        }
    }

    @Test
    void anUnknownClientIsRefused() throws Exception {
        try (TcpClient attacker = new TcpClient(TCP_PORT)) {
            attacker.send("{\"type\":\"LOGIN\",\"clientId\":\"city-9999\",\"secret\":\"" + TCP_SECRET + "\"}");
            assertRefused(attacker, "LOGIN_FAILED");
        }
    }

    @Test
    void aSecondLoginOnOneConnectionIsRefused() throws Exception {
        try (TcpClient twice = new TcpClient(TCP_PORT)) {
            assertThat(twice.login(TCP_CLIENT, TCP_SECRET).get("type").asText()).isEqualTo("LOGIN_OK");
            twice.send("{\"type\":\"LOGIN\",\"clientId\":\"" + TCP_CLIENT + "\",\"secret\":\"" + TCP_SECRET + "\"}");
            assertRefused(twice, "ALREADY_LOGGED_IN");
        }
    }

    @Test
    void dataBeforeLoginIsRefusedAndNothingStored() throws Exception {
        String batchId = UUID.randomUUID().toString();
        try (TcpClient attacker = new TcpClient(TCP_PORT)) {
            attacker.send(TcpClient.data(batchId, List.of(FerryPackage.record(FerryPackage.ENTERPRISE, 1, "9.5"))));
            assertRefused(attacker, "NOT_LOGGED_IN");
        }
        assertThat(ledger.batches(batchId)).isEmpty();
        assertThat(national.browse(batchId)).isEmpty();
        assertThat(provincial.browse(batchId)).isEmpty();
    }

    @Test
    void badJsonIsRefused() throws Exception {
        try (TcpClient attacker = loggedIn()) {
            attacker.send("{\"type\":\"DATA\",\"batchId\":");
            assertRefused(attacker, "BAD_JSON");
        }
    }

    @Test
    void aFrameThatIsNotUtf8IsRefused() throws Exception {
        try (TcpClient attacker = loggedIn()) {
            attacker.sendRaw(new byte[] {'{', '"', 't', 'y', 'p', 'e', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'});
            assertRefused(attacker, "BAD_JSON");
        }
    }

    @Test
    void anUnknownTypeOrANonObjectFrameIsRefused() throws Exception {
        try (TcpClient attacker = loggedIn()) {
            attacker.send("{\"type\":\"UPLOAD\"}");
            assertRefused(attacker, "UNKNOWN_TYPE");
        }
        try (TcpClient attacker = loggedIn()) {
            attacker.send("[\"DATA\"]");
            assertRefused(attacker, "UNKNOWN_TYPE");
        }
    }

    @Test
    void aJsonNestingBombIsRefused() throws Exception {
        try (TcpClient attacker = loggedIn()) {
            attacker.send("{\"type\":\"DATA\",\"batchId\":\"bomb\",\"records\":" + "[".repeat(20_000) + "]".repeat(20_000) + "}");
            assertRefused(attacker, "BAD_JSON");
        }
        assertThat(ledger.batches("bomb")).isEmpty();
    }

    @Test
    void aLengthPrefixThatLiesBeforeLoginEndsInTheLoginTimeout() throws Exception {
        try (TcpClient attacker = new TcpClient(TCP_PORT)) {
            attacker.announce(3000, "{\"type\":\"LOGIN\"".getBytes(StandardCharsets.UTF_8)); // then silence
            assertRefused(attacker, "LOGIN_TIMEOUT");
        }
    }

    @Test
    void aLengthPrefixThatLiesAfterLoginEndsInTheIdleTimeout() throws Exception {
        try (TcpClient attacker = loggedIn()) {
            attacker.announce(30_000, "{\"type\":\"DATA\"".getBytes(StandardCharsets.UTF_8)); // then silence
            assertRefused(attacker, "IDLE_TIMEOUT");
        }
        // the client beside was just as silent for the idle timeout: it is closed too, and logs in again
        good.close();
        good = loggedIn();
    }

    @Test
    void aZeroLengthFrameIsRefused() throws Exception {
        try (TcpClient attacker = new TcpClient(TCP_PORT)) {
            attacker.sendRaw(new byte[0]);
            assertRefused(attacker, "BAD_JSON");
        }
    }

    @Test
    void aNegativeLengthIsRefused() throws Exception {
        try (TcpClient attacker = new TcpClient(TCP_PORT)) {
            attacker.announce(-1, new byte[] {'{'});
            assertRefused(attacker, "FRAME_TOO_LARGE");
        }
    }

    @Test
    void dataWithoutBatchIdOrRecordsArrayIsRefused() throws Exception {
        try (TcpClient attacker = loggedIn()) {
            attacker.send("{\"type\":\"DATA\",\"batchId\":\"../../etc/passwd\",\"records\":[]}");
            assertRefused(attacker, "BAD_FRAME");
        }
        try (TcpClient attacker = loggedIn()) {
            attacker.send("{\"type\":\"DATA\",\"batchId\":\"b-1\",\"records\":{\"0\":{}}}");
            assertRefused(attacker, "BAD_FRAME");
        }
    }

    @Test
    void invalidRecordsBesideValidOnesArePartialWithTheirIndexes() throws Exception {
        String batchId = UUID.randomUUID().toString();
        String badDate = FerryPackage.record(FerryPackage.ENTERPRISE, 3, "12.5")
                .replace("00:00:00\",\"upload", "00:05:00\",\"upload");
        try (TcpClient client = loggedIn()) {
            JsonNode ack = client.call(TcpClient.data(batchId, List.of(
                    FerryPackage.record(FerryPackage.OTHER_ENTERPRISE, 1, "10.5"),
                    "{\"enterpriseCode\":\"x\"}",
                    "42",
                    FerryPackage.record(FerryPackage.OTHER_ENTERPRISE, 2, "11.5"),
                    badDate)));
            assertThat(ack.get("status").asText()).isEqualTo("PARTIAL");
            assertThat(ack.get("received").asInt()).isEqualTo(5);
            assertThat(ack.get("accepted").asInt()).isEqualTo(2);
            assertThat(ack.get("rejected").asInt()).isEqualTo(3);
            assertThat(iterate(ack.get("errors")).stream().map(e -> e.get("line").asInt()).distinct().toList())
                    .containsExactly(2, 3, 5);
        }
        for (var platform : List.of(national, provincial)) {
            assertThat(platform.browse(batchId).stream().mapToInt(Received::records).sum()).isEqualTo(2);
        }
    }

    @Test
    void aReplayedBatchIdIsDuplicateAndNotDeliveredAgain() throws Exception {
        String batchId = UUID.randomUUID().toString();
        List<String> records = List.of(FerryPackage.record(FerryPackage.OTHER_ENTERPRISE, 5, "3.5"));
        try (TcpClient client = loggedIn()) {
            assertThat(client.call(TcpClient.data(batchId, records)).get("status").asText()).isEqualTo("ACCEPTED");
            // the same batchId again, even with other records: the hub has it already
            JsonNode ack = client.call(TcpClient.data(batchId,
                    List.of(FerryPackage.record(FerryPackage.OTHER_ENTERPRISE, 6, "4.5"))));
            assertThat(ack.get("status").asText()).isEqualTo("DUPLICATE");
        }
        for (var platform : List.of(national, provincial)) {
            assertThat(platform.browse(batchId).stream().mapToInt(Received::records).sum()).isEqualTo(1);
        }
    }

    private static TcpClient loggedIn() throws IOException {
        TcpClient c = new TcpClient(TCP_PORT);
        assertThat(c.login(TCP_CLIENT, TCP_SECRET).get("type").asText()).isEqualTo("LOGIN_OK");
        return c;
    }
}

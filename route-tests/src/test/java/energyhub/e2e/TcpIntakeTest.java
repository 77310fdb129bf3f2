package energyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import energyhub.e2e.support.ExchangeHubTest;
import energyhub.e2e.support.FerryPackage;
import energyhub.e2e.support.PlatformClient.Received;
import energyhub.e2e.support.TcpClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The TCP push intake (contracts section 5) with a real socket client on loopback. */
class TcpIntakeTest extends ExchangeHubTest {

    private static final String GOOD_1 = FerryPackage.record(FerryPackage.ENTERPRISE, 1, "10.5");
    private static final String GOOD_2 = FerryPackage.record(FerryPackage.ENTERPRISE, 2, "11.5");
    private static final String BAD_DATE = FerryPackage.record(FerryPackage.ENTERPRISE, 3, "12.5")
            .replace("00:00:00\",\"upload", "00:05:00\",\"upload");

    @Test
    void loggedInClientGetsItsAckOnlyWhenTheRecordsAreInBothQueues() throws Exception {
        String batchId = UUID.randomUUID().toString();
        try (TcpClient client = new TcpClient(TCP_PORT)) {
            assertThat(client.login(TCP_CLIENT, TCP_SECRET).get("type").asText()).isEqualTo("LOGIN_OK");
            assertThat(client.call("{\"type\":\"HEARTBEAT\"}").get("type").asText()).isEqualTo("HEARTBEAT");

            JsonNode ack = client.call(TcpClient.data(batchId, List.of(GOOD_1, BAD_DATE, GOOD_2)));

            // the moment the ACK is read, both platforms already hold the accepted records
            List<Received> nationalCopy = national.browse(batchId);
            List<Received> provincialCopy = provincial.browse(batchId);
            assertThat(nationalCopy).hasSize(1);
            assertThat(nationalCopy.get(0).records()).isEqualTo(2);
            assertThat(provincialCopy).hasSize(1);
            assertThat(provincialCopy.get(0).records()).isEqualTo(2);
            assertThat(nationalCopy.get(0).source()).isEqualTo("tcp-intake");

            assertThat(ack.get("type").asText()).isEqualTo("ACK");
            assertThat(ack.get("batchId").asText()).isEqualTo(batchId);
            assertThat(ack.get("status").asText()).isEqualTo("PARTIAL");
            assertThat(ack.get("received").asInt()).isEqualTo(3);
            assertThat(ack.get("accepted").asInt()).isEqualTo(2);
            assertThat(ack.get("rejected").asInt()).isEqualTo(1);
            // line = the record's 1-based index in 'records'
            assertThat(ack.get("errors").get(0).get("line").asInt()).isEqualTo(2);
            assertThat(ack.get("errors").get(0).get("code").asText()).isEqualTo("NOT_PERIOD_START");
            assertThat(ack.get("processedAt").asText()).endsWith("+08:00");
            assertThat(ledger.batch(batchId)).containsEntry("status", "PARTIAL").containsEntry("source", "tcp-intake");

            // the connection stays usable for the next frame
            assertThat(client.call("{\"type\":\"HEARTBEAT\"}").get("type").asText()).isEqualTo("HEARTBEAT");
        }
    }

    @Test
    void badJsonIsAnsweredWithAnErrorAndTheConnectionClosed() throws Exception {
        try (TcpClient client = new TcpClient(TCP_PORT)) {
            client.login(TCP_CLIENT, TCP_SECRET);
            JsonNode error = client.call("{\"type\":\"DATA\",\"batchId\":");
            assertThat(error.get("type").asText()).isEqualTo("ERROR");
            assertThat(error.get("code").asText()).isEqualTo("BAD_JSON");
            assertThat(client.closedByHub()).isTrue();
        }
        try (TcpClient client = new TcpClient(TCP_PORT)) {
            client.login(TCP_CLIENT, TCP_SECRET);
            JsonNode error = client.call("{\"type\":\"UPLOAD\"}");
            assertThat(error.get("code").asText()).isEqualTo("UNKNOWN_TYPE");
            assertThat(client.closedByHub()).isTrue();
        }
    }

    @Test
    void oversizeFrameIsAnsweredWithAnErrorAndTheConnectionClosed() throws Exception {
        try (TcpClient client = new TcpClient(TCP_PORT)) {
            client.login(TCP_CLIENT, TCP_SECRET);
            // the limit in this hub is 64 KiB; the hub must not wait for (or buffer) the announced megabytes
            client.announce(10_000_000, "{\"type\":\"DATA\"".getBytes(StandardCharsets.UTF_8));
            JsonNode error = client.receive();
            assertThat(error.get("type").asText()).isEqualTo("ERROR");
            assertThat(error.get("code").asText()).isEqualTo("FRAME_TOO_LARGE");
            assertThat(client.closedByHub()).isTrue();
        }
    }

    @Test
    void idleConnectionIsClosedAfterTheTimeout() throws Exception {
        try (TcpClient client = new TcpClient(TCP_PORT)) { // the idle timeout of this hub is 6 s
            client.login(TCP_CLIENT, TCP_SECRET);
            JsonNode error = client.receive(); // blocks until the hub gives up on the silent client
            assertThat(error.get("code").asText()).isEqualTo("IDLE_TIMEOUT");
            assertThat(client.closedByHub()).isTrue();
        }
    }

    @Test
    void unauthenticatedDataIsRefusedAndNothingIsStored() throws Exception {
        String batchId = UUID.randomUUID().toString();
        try (TcpClient client = new TcpClient(TCP_PORT)) {
            JsonNode error = client.call(TcpClient.data(batchId, List.of(GOOD_1)));
            assertThat(error.get("type").asText()).isEqualTo("ERROR");
            assertThat(error.get("code").asText()).isEqualTo("NOT_LOGGED_IN");
            assertThat(client.closedByHub()).isTrue();
        }
        try (TcpClient client = new TcpClient(TCP_PORT)) {
            JsonNode error = client.login(TCP_CLIENT, "not-the-secret");
            assertThat(error.get("code").asText()).isEqualTo("LOGIN_FAILED");
            assertThat(client.closedByHub()).isTrue();
        }
        assertThat(ledger.batches(batchId)).isEmpty();
        assertThat(national.browse(batchId)).isEmpty();
        assertThat(provincial.browse(batchId)).isEmpty();
    }

    @Test
    void replayedBatchIdIsAnsweredDuplicateAndNotDeliveredAgain() throws Exception {
        String batchId = UUID.randomUUID().toString();
        try (TcpClient client = new TcpClient(TCP_PORT)) {
            client.login(TCP_CLIENT, TCP_SECRET);
            assertThat(client.call(TcpClient.data(batchId, List.of(GOOD_1, GOOD_2))).get("status").asText())
                    .isEqualTo("ACCEPTED");
        }
        try (TcpClient client = new TcpClient(TCP_PORT)) { // a client retrying after a lost connection
            client.login(TCP_CLIENT, TCP_SECRET);
            JsonNode ack = client.call(TcpClient.data(batchId, List.of(GOOD_1, GOOD_2)));
            assertThat(ack.get("type").asText()).isEqualTo("ACK");
            assertThat(ack.get("status").asText()).isEqualTo("DUPLICATE");
            assertThat(ack.get("batchId").asText()).isEqualTo(batchId);
        }
        assertThat(national.browse(batchId).stream().mapToInt(Received::records).sum()).isEqualTo(2);
        assertThat(provincial.browse(batchId).stream().mapToInt(Received::records).sum()).isEqualTo(2);
        assertThat(ledger.batches(batchId)).extracting(b -> b.get("status")).containsExactly("ACCEPTED", "DUPLICATE");
    }
}

package energyhub.e2e.cockpit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import energyhub.e2e.support.FerryPackage;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The operator's other replays: a failed delivery, and messages the platform dead-lettered. */
class OperatorReplayTest extends CockpitTest {

    @Test
    void replayOfAFailedDeliveryMakesTheSweepSendItAgain() throws Exception {
        FerryPackage pkg = FerryPackage.of().records(FerryPackage.ENTERPRISE, 2).dropInto(inbox());
        awaitAck(pkg, "ACCEPTED");
        long pk = (Long) ledger.batch(pkg.batchId()).get("id");
        // as a delivery looks after the broker refused it, with its next attempt far away
        jdbc.update("update delivery set status = 'FAILED', last_error = 'AMQ219014: timed out', "
                + "next_attempt_at = ? where batch_pk = ? and target = 'provincial'",
                Timestamp.from(Instant.now().plus(Duration.ofHours(1))), pk);

        var viewer = post("/api/operator/batches/" + pk + "/deliveries/provincial/replay", "", VIEWER, VIEWER_PASSWORD);
        assertThat(viewer.statusCode()).isEqualTo(403);
        var replay = post("/api/operator/batches/" + pk + "/deliveries/provincial/replay", "", OPERATOR,
                OPERATOR_PASSWORD);
        assertThat(replay.statusCode()).as(replay.body()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(30)).until(() -> "DELIVERED".equals(
                ledger.deliveries(pk).get(1).get("status")));
        // sent again, and dropped by the broker as a duplicate: the platform still has one copy
        assertThat(provincial.browse(pkg.batchId())).hasSize(1);
        assertThat(post("/api/operator/batches/" + pk + "/deliveries/provincial/replay", "", OPERATOR,
                OPERATOR_PASSWORD).statusCode()).as("a delivered batch is not replayed").isEqualTo(409);
        assertThat(jdbc.queryForList("select result from audit_event where action = 'REPLAY_DELIVERY' "
                + "and subject = ? order by seq", String.class, "#" + pk + " provincial")).containsExactly("OK", "FAILED");
    }

    @Test
    void reSendOfADeliveredBatchPutsItsRecordsOnceMoreInThatQueueOnly() throws Exception {
        FerryPackage pkg = FerryPackage.of().records(FerryPackage.ENTERPRISE, 3).dropInto(inbox());
        awaitAck(pkg, "ACCEPTED");
        long pk = (Long) ledger.batch(pkg.batchId()).get("id");
        // the provincial platform lost what it consumed and asks for the batch again
        assertThat(provincial.drain(500)).extracting(m -> m.batchId()).contains(pkg.batchId());
        assertThat(provincial.browse(pkg.batchId())).isEmpty();

        assertThat(post("/api/operator/batches/" + pk + "/deliveries/provincial/resend", "", VIEWER, VIEWER_PASSWORD)
                .statusCode()).isEqualTo(403);
        var resend = post("/api/operator/batches/" + pk + "/deliveries/provincial/resend", "", OPERATOR,
                OPERATOR_PASSWORD);
        assertThat(resend.statusCode()).as(resend.body()).isEqualTo(200);
        assertThat(json(resend).path("resend").asInt()).isEqualTo(1);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(provincial.browse(pkg.batchId())).hasSize(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> "DELIVERED".equals(ledger.deliveries(pk).get(1).get("status")));
        var again = provincial.browse(pkg.batchId()).get(0);
        assertThat(again.records()).isEqualTo(3);
        assertThat(again.duplicateId()).endsWith(":provincial:resend-1");
        assertThat(national.browse(pkg.batchId())).as("the other platform gets nothing again").hasSize(1);
        assertThat(post("/api/operator/batches/" + pk + "/deliveries/national/replay", "", OPERATOR,
                OPERATOR_PASSWORD).statusCode()).as("a delivered batch is re-sent, not replayed").isEqualTo(409);
        assertThat(jdbc.queryForList("select result || ':' || detail from audit_event where action = 'RESEND_DELIVERY' "
                + "and subject = ? order by seq", String.class, "#" + pk + " provincial"))
                .singleElement().asString().startsWith("OK:re-send 1");
    }

    @Test
    void deadLetteredMessagesGoBackToTheirQueue() throws Exception {
        FerryPackage pkg = FerryPackage.of().records(FerryPackage.ENTERPRISE, 3).dropInto(inbox());
        awaitAck(pkg, "ACCEPTED");

        rejectTwiceOnNational(pkg);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode dl = json(get("/api/operator/dead-letters", VIEWER, VIEWER_PASSWORD));
            assertThat(dl.toString()).contains("\"deadLetterQueue\":\"DLQ.energy.national\"");
            assertThat(dl.get(0).path("messages").asLong()).isGreaterThanOrEqualTo(1);
        });
        assertThat(national.browse(pkg.batchId())).isEmpty();

        assertThat(post("/api/operator/dead-letters/energy.national/replay", "", VIEWER, VIEWER_PASSWORD).statusCode())
                .isEqualTo(403);
        var replay = post("/api/operator/dead-letters/energy.national/replay", "", OPERATOR, OPERATOR_PASSWORD);
        assertThat(replay.statusCode()).as(replay.body()).isEqualTo(200);
        assertThat(json(replay).path("moved").asLong()).isGreaterThanOrEqualTo(1);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(national.browse(pkg.batchId())).hasSize(1));
        assertThat(jdbc.queryForList("select actor || ':' || result from audit_event "
                + "where action = 'REPLAY_DEAD_LETTERS'", String.class)).contains("operator:OK");
    }
}

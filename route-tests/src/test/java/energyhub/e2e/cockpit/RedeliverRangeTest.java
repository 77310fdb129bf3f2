package energyhub.e2e.cockpit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import energyhub.e2e.support.FerryPackage;
import energyhub.e2e.support.PlatformClient;
import energyhub.monitoring.Retention;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The recovery after a broker journal loss (docs/operations.md, "Backup and restore"): the operator re-delivers
 * a time range to one platform from the ledger, with the original duplicate ids and hubBatchId/hubChunk; and a
 * replay of a batch whose bodies the retention purged answers one line.
 */
class RedeliverRangeTest extends CockpitTest {

    @Autowired
    EmbeddedActiveMQ broker;

    @Autowired
    Retention retention;

    @Test
    void aRangeReDeliveredToOnePlatformArrivesAgainWithItsIdsAndTheOtherGetsNothing() throws Exception {
        OffsetDateTime from = dbNow();
        FerryPackage a = FerryPackage.of().records(FerryPackage.ENTERPRISE, 3).dropInto(inbox());
        awaitAck(a, "ACCEPTED");
        FerryPackage b = FerryPackage.of().records(FerryPackage.ENTERPRISE, 2).dropInto(inbox());
        awaitAck(b, "ACCEPTED");
        awaitDelivered(a, b);
        OffsetDateTime to = dbNow();
        FerryPackage after = FerryPackage.of().records(FerryPackage.ENTERPRISE, 4).dropInto(inbox());
        awaitAck(after, "ACCEPTED");
        awaitDelivered(after);

        // the provincial platform consumed a; then its broker's journal was replaced by an older copy: b's messages
        // and the duplicate ids of a and b are gone from the broker (after's are not: it came after the backup)
        Map<String, PlatformClient.Received> held = new HashMap<>();
        List<PlatformClient.Received> original = provincial.drain(500);
        for (PlatformClient.Received m : original) {
            if (m.batchId().equals(a.batchId())) {
                held.put(m.batchId() + "/" + m.chunk(), m);
            }
        }
        assertThat(held).hasSize(1);
        var cache = broker.getActiveMQServer().getPostOffice().getDuplicateIDCache(SimpleString.of("energy.provincial"));
        for (PlatformClient.Received m : original) {
            if (m.batchId().equals(a.batchId()) || m.batchId().equals(b.batchId())) {
                cache.deleteFromCache(SimpleString.of(m.duplicateId()).getData());
            }
        }
        int nationalBefore = national.browse(a.batchId()).size() + national.browse(b.batchId()).size();

        String range = "/api/operator/deliveries/provincial/redeliver?from=" + enc(from) + "&to=" + enc(to);
        assertThat(post(range, "", VIEWER, VIEWER_PASSWORD).statusCode()).isEqualTo(403);
        var answer = post(range, "", OPERATOR, OPERATOR_PASSWORD);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(json(answer).path("due").asInt()).isEqualTo(2);
        assertThat(json(answer).path("purged").asInt()).isZero();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(provincial.browse(a.batchId())).hasSize(1);
            assertThat(provincial.browse(b.batchId())).hasSize(1);
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> ledger.deliveries(pk(b)).get(1).get("status").equals("DELIVERED"));
        List<PlatformClient.Received> again = provincial.drain(500);
        for (PlatformClient.Received m : again) {
            if (m.batchId().equals(a.batchId())) {
                PlatformClient.Received first = held.get(m.batchId() + "/" + m.chunk());
                assertThat(m.duplicateId()).isEqualTo(first.duplicateId()).endsWith(":provincial");
                assertThat(m.records()).isEqualTo(first.records());
            }
            // the consumer de-duplicates by hubBatchId/hubChunk (docs/queue-contract.md)
            held.putIfAbsent(m.batchId() + "/" + m.chunk(), m);
        }
        assertThat(again).extracting(PlatformClient.Received::batchId).doesNotContain(after.batchId());
        assertThat(held.keySet()).containsExactlyInAnyOrder(a.batchId() + "/1", b.batchId() + "/1");
        assertThat(held.values().stream().mapToInt(PlatformClient.Received::records).sum()).isEqualTo(5);
        assertThat(national.browse(a.batchId()).size() + national.browse(b.batchId()).size())
                .as("the other platform gets nothing").isEqualTo(nationalBefore);

        // re-delivered once more while the broker still has the ids: it drops every copy
        long sinceBefore = jdbc.queryForObject("select count(*) from audit_event where action = 'REDELIVER_RANGE'",
                Long.class);
        assertThat(post(range, "", OPERATOR, OPERATOR_PASSWORD).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject("select count(*) from delivery "
                + "where target = 'provincial' and status <> 'DELIVERED' and batch_pk in (?, ?)", Integer.class,
                pk(a), pk(b)) == 0);
        assertThat(provincial.browse(a.batchId())).isEmpty();
        assertThat(provincial.browse(b.batchId())).isEmpty();
        assertThat(jdbc.queryForList("select actor || ':' || result || ':' || detail from audit_event "
                + "where action = 'REDELIVER_RANGE' order by seq", String.class)).hasSize((int) sinceBefore + 1)
                .first().asString().startsWith("operator:OK:2 deliveries due now");
    }

    @Test
    void aReplayOfABatchWhoseBodiesWerePurgedAnswersOneLine() throws Exception {
        FerryPackage pkg = FerryPackage.of().records(FerryPackage.ENTERPRISE, 2).dropInto(inbox());
        awaitAck(pkg, "ACCEPTED");
        awaitDelivered(pkg);
        long pk = pk(pkg);
        // as it is 31 days on (the hub's clock and the database's are the system's here)
        Timestamp monthAgo = Timestamp.from(java.time.Instant.now().minus(Duration.ofDays(31)));
        jdbc.update("update batch set received_at = ? where id = ?", monthAgo, pk);
        jdbc.update("update delivery set delivered_at = ? where batch_pk = ?", monthAgo, pk);

        assertThat(retention.purgeBodies().removed()).isPositive();

        for (String action : List.of("resend", "replay")) {
            var answer = post("/api/operator/batches/" + pk + "/deliveries/provincial/" + action, "", OPERATOR,
                    OPERATOR_PASSWORD);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(409);
            assertThat(json(answer).path("error").asText()).matches("batch #" + pk + " \\(" + pkg.batchId()
                    + "\\): bodies purged on \\S+, older than the replay window \\(hub.routing.body-retention 30d\\); "
                    + "nothing is sent");
        }
        assertThat(ledger.deliveries(pk)).extracting(d -> d.get("status")).containsOnly("DELIVERED");
        assertThat(json(get("/api/operator/batches/" + pk, VIEWER, VIEWER_PASSWORD)).hasNonNull("bodies_purged_at"))
                .isTrue();
        assertThat(jdbc.queryForList("select result from audit_event where action in ('RESEND_DELIVERY', "
                + "'REPLAY_DELIVERY') and subject = ?", String.class, "#" + pk + " provincial"))
                .containsExactly("FAILED", "FAILED");
    }

    private long pk(FerryPackage pkg) {
        return (Long) ledger.batch(pkg.batchId()).get("id");
    }

    private void awaitDelivered(FerryPackage... pkgs) {
        for (FerryPackage p : pkgs) {
            await().atMost(Duration.ofSeconds(30)).until(() -> ledger.deliveries(pk(p)).stream()
                    .allMatch(d -> "DELIVERED".equals(d.get("status"))));
        }
    }

    private OffsetDateTime dbNow() {
        return jdbc.queryForObject("select now()", Timestamp.class).toInstant().atOffset(ZoneOffset.ofHours(8));
    }

    private static String enc(OffsetDateTime t) {
        return URLEncoder.encode(t.toString(), StandardCharsets.UTF_8);
    }
}

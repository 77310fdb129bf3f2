package energyhub.uplink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The delivery state on a real PostgreSQL: last writer wins, claims of two hubs never overlap, leases run out. */
class DeliveryStoreTest {

    static UplinkDatabase db;
    DeliveryStore hubA;
    DeliveryStore hubB;

    @BeforeAll
    static void create() throws Exception {
        db = new UplinkDatabase();
    }

    @AfterAll
    static void drop() throws Exception {
        db.close();
    }

    @BeforeEach
    void stores() {
        db.jdbc().update("delete from uplink_record");
        db.jdbc().update("delete from audit_pending");
        hubA = new DeliveryStore(db.jdbc());
        hubB = new DeliveryStore(db.jdbc());
    }

    static JsonNode record(String dataCode, String statDate, String uploadDate, String value) throws Exception {
        return PlatformClient.JSON.readTree("{\"enterpriseCode\":\"91530100MA6NX4QW2G\",\"dataCode\":\"" + dataCode
                + "\",\"statType\":\"1\",\"statDate\":\"" + statDate + "\",\"uploadDate\":\"" + uploadDate
                + "\",\"dataValue\":\"" + value + "\",\"dicVersion\":\"1.0\",\"regVersion\":\"1.0\"}");
    }

    @Test
    void theNewestUploadDateWinsAndAnOlderSendsAnswerNeverAcksTheNewerVersion() throws Exception {
        hubA.upsert(List.of(record("C1", "2026-10-01 00:00:00", "2026-11-01 01:00:00", "1")));
        DeliveryStore.Row sent = hubA.claim(10, Duration.ofMinutes(1)).get(0);
        // a newer version arrives while the older one is on the wire
        hubA.upsert(List.of(record("C1", "2026-10-01 00:00:00", "2026-11-02 01:00:00", "2")));
        hubA.ackedAll(List.of(sent), List.of("2026-11-02 01:00:01"), 200);
        assertThat(state("C1")).isEqualTo("PENDING");
        // an older or equal one (a redelivered chunk) changes nothing
        hubA.upsert(List.of(record("C1", "2026-10-01 00:00:00", "2026-11-01 23:00:00", "3"),
                record("C1", "2026-10-01 00:00:00", "2026-11-02 01:00:00", "4")));
        DeliveryStore.Row newer = hubA.claim(10, Duration.ofMinutes(1)).get(0);
        assertThat(newer.payload()).contains("\"dataValue\":\"2\"");
        // the old send's answer comes late, while the newer version is on the wire: it must not ACK that one
        hubA.ackedAll(List.of(sent), List.of("2026-11-02 01:00:01"), 200);
        assertThat(state("C1")).isEqualTo("SENDING");
        hubA.ackedAll(List.of(newer), List.of("2026-11-02 01:00:02"), 200);
        assertThat(state("C1")).isEqualTo("ACKED");
        // a correction after the ACK is sent again
        hubA.upsert(List.of(record("C1", "2026-10-01 00:00:00", "2026-11-03 01:00:00", "5")));
        assertThat(state("C1")).isEqualTo("PENDING");
    }

    @Test
    void twoHubsClaimingTogetherClaimEachRecordOnce() throws Exception {
        List<JsonNode> records = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            records.add(record("C" + i, "2026-10-01 00:00:00", "2026-11-01 01:00:00", "1"));
        }
        hubA.upsert(records);
        Set<Long> claimed = ConcurrentHashMap.newKeySet();
        List<Long> twice = new java.util.concurrent.CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> all = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                DeliveryStore store = w % 2 == 0 ? hubA : hubB;
                all.add(pool.submit(() -> {
                    List<DeliveryStore.Row> rows;
                    while (!(rows = store.claim(16, Duration.ofMinutes(1))).isEmpty()) {
                        rows.forEach(r -> {
                            if (!claimed.add(r.id())) {
                                twice.add(r.id());
                            }
                        });
                        store.ackedAll(rows, rows.stream().map(r -> "t").toList(), 200);
                    }
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(twice).isEmpty();
        assertThat(claimed).hasSize(2000);
        assertThat(hubA.countsByState()).containsEntry("ACKED", 2000L).containsEntry("PENDING", 0L);
    }

    @Test
    void rowsLeftSendingByADeadHubReturnToPendingWhenTheLeaseEnds() throws Exception {
        hubA.upsert(List.of(record("L1", "2026-10-01 00:00:00", "2026-11-01 01:00:00", "1"),
                record("L2", "2026-10-01 00:00:00", "2026-11-01 01:00:00", "1")));
        assertThat(hubA.claim(1, Duration.ofMillis(1))).hasSize(1);       // hub A dies holding this one
        assertThat(hubB.claim(1, Duration.ofMinutes(1))).hasSize(1);      // hub B is alive
        assertThat(hubB.claim(10, Duration.ofMinutes(1))).isEmpty();
        db.jdbc().update("update uplink_record set lease_until = now() - interval '1 second' "
                + "where lease_until < now() + interval '1 second'");
        assertThat(hubB.releaseExpiredLeases()).isEqualTo(1);
        List<DeliveryStore.Row> again = hubB.claim(10, Duration.ofMinutes(1));
        assertThat(again).hasSize(1);
        assertThat(again.get(0).attempts()).isEqualTo(2);
    }

    @Test
    void rejectedRowsAreListedAndRequeued() throws Exception {
        hubA.upsert(List.of(record("R1", "2026-10-01 00:00:00", "2026-11-01 01:00:00", "1")));
        DeliveryStore.Row row = hubA.claim(1, Duration.ofMinutes(1)).get(0);
        hubA.rejected(row, 200, 400, "采集数据项编码 R1 不存在");
        assertThat(hubA.rejected(10, 0)).singleElement()
                .satisfies(r -> assertThat(r).containsEntry("message", "采集数据项编码 R1 不存在").containsEntry("bodyCode", 400));
        assertThat(hubA.claim(10, Duration.ofMinutes(1))).isEmpty(); // never retried by itself
        assertThat(hubA.requeue(List.of(row.id(), 999_999L), "operator:alice")).isEqualTo(1);
        assertThat(hubA.claim(10, Duration.ofMinutes(1))).hasSize(1);
        // the call is in the audit chain's intake (moved into the hash chain by the hub): who, and how many
        assertThat(db.jdbc().queryForList("select action || ' ' || subject || ' ' || result || ' ' || detail "
                + "from audit_pending where action = 'UPLINK_REQUEUED'", String.class)).containsExactly(
                "UPLINK_REQUEUED uplink_record OK by=operator:alice count=1 scope=ids ids=" + row.id() + ",999999");
    }

    @Test
    void requeueingAllIsAuditedEvenWhenNothingWasRejected() throws Exception {
        assertThat(hubA.requeue(List.of(), "operator:bob")).isZero();
        assertThat(db.jdbc().queryForList("select detail from audit_pending where action = 'UPLINK_REQUEUED'",
                String.class)).containsExactly("by=operator:bob count=0 scope=all");
    }

    @Test
    void rejectedRowsAreStreamedInPagesFromAnOffset() throws Exception {
        db.jdbc().update("delete from uplink_record");
        List<com.fasterxml.jackson.databind.JsonNode> records = new java.util.ArrayList<>();
        int n = DeliveryStore.STREAM_PAGE * 2 + 5;
        for (int i = 0; i < n; i++) {
            records.add(record("S" + i, "2026-10-01 00:00:00", "2026-11-01 01:00:00", "1"));
        }
        hubA.upsert(records);
        // all rejected at the same instant: the pages must go on by id where updated_at ties
        db.jdbc().update("update uplink_record set state = 'REJECTED', last_message = 'bad ' || id, "
                + "updated_at = timestamptz '2026-12-01 00:00:00+00'");
        assertThat(hubA.rejectedCount()).isEqualTo(n);
        List<Long> ids = new java.util.ArrayList<>();
        assertThat(hubA.eachRejected(Long.MAX_VALUE, 0, r -> ids.add((Long) r.get("id")))).isEqualTo(n);
        assertThat(ids).hasSize(n).doesNotHaveDuplicates().isSorted();
        List<Long> page = new java.util.ArrayList<>();
        assertThat(hubA.eachRejected(1500, 3, r -> page.add((Long) r.get("id")))).isEqualTo(1500);
        assertThat(page).isEqualTo(ids.subList(3, 1503));
    }

    @Test
    void ackedRowsArePurgedAfterTheirRetentionOnly() throws Exception {
        hubA.upsert(List.of(record("P1", "2026-10-01 00:00:00", "2026-11-01 01:00:00", "1"),
                record("P2", "2026-10-01 00:00:00", "2026-11-01 01:00:00", "1"),
                record("P3", "2026-10-01 00:00:00", "2026-11-01 01:00:00", "1")));
        List<DeliveryStore.Row> rows = hubA.claim(2, Duration.ofMinutes(1));
        hubA.ackedAll(rows, List.of("t", "t"), 200);
        db.jdbc().update("update uplink_record set acked_at = now() - interval '31 days' where id = ?", rows.get(0).id());
        assertThat(hubA.purgeAcked(Duration.ofDays(30))).isEqualTo(1);
        assertThat(hubA.countsByState()).containsEntry("ACKED", 1L).containsEntry("PENDING", 1L);
    }

    @Test
    void theGaugesAndTheHealthCheckCountEachOpenStateAndTheSummaryAllFour() throws Exception {
        assertThat(hubA.openCounts()).containsExactly(java.util.Map.entry("PENDING", 0L),
                java.util.Map.entry("SENDING", 0L), java.util.Map.entry("REJECTED", 0L));
        assertThat(hubA.backlog()).isZero();
        assertThat(hubA.oldestPendingAgeSeconds()).isZero();
        List<JsonNode> records = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            records.add(record("G" + i, "2026-10-01 00:00:00", "2026-11-01 01:00:00", "1"));
        }
        hubA.upsert(records);
        List<DeliveryStore.Row> claimed = hubA.claim(4, Duration.ofMinutes(1));
        hubA.ackedAll(claimed.subList(0, 2), List.of("t", "t"), 200);
        hubA.rejected(claimed.get(2), 400, 400, "bad");
        // one SENDING (claimed.get(3)), two PENDING, two ACKED, one REJECTED; the oldest open row an hour old
        db.jdbc().update("update uplink_record set received_at = now() - interval '1 hour' where id = ?",
                claimed.get(3).id());
        assertThat(hubA.openCounts()).containsEntry("PENDING", 2L).containsEntry("SENDING", 1L)
                .containsEntry("REJECTED", 1L).doesNotContainKey("ACKED");
        assertThat(hubA.backlog()).isEqualTo(3);
        assertThat(hubA.oldestPendingAgeSeconds()).isBetween(3590L, 3700L);
        assertThat(hubA.countsByState()).containsExactly(java.util.Map.entry("PENDING", 2L),
                java.util.Map.entry("SENDING", 1L), java.util.Map.entry("ACKED", 2L), java.util.Map.entry("REJECTED", 1L));
    }

    private String state(String dataCode) {
        return db.jdbc().queryForObject("select state from uplink_record where data_code = ?", String.class, dataCode);
    }
}

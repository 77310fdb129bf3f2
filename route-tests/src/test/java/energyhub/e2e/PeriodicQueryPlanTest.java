package energyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import energyhub.deployment.LedgerMigration;
import energyhub.e2e.support.TestDatabase;
import energyhub.routing.BatchLedger;
import energyhub.uplink.DeliveryStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The queries the hub runs on a timer, a Prometheus scrape or a health check never read a whole table that grows with
 * time (issue 23, run for months): delivery-sweep's unanswered batches every 5 s over 90 days of batch rows, the
 * uplink's gauges, health and purge over 30 days of ACKED records. Each is planned on the migrated schema with
 * sequential scans switched off: a query no index can answer still shows a {@code Seq Scan} then, so this fails when
 * the index it relies on is missing or the query stops matching its predicate. (The figures on a table of millions of
 * rows are in docs/benchmarks.md; a plan, not a timing, is what a test can hold.)
 */
class PeriodicQueryPlanTest {

    @Test
    void timerScrapeAndHealthQueriesAreAnsweredByIndexesNotByReadingTheirTables() throws Exception {
        String url = TestDatabase.create().orElse(null);
        Assumptions.assumeTrue(url != null, "needs the PostgreSQL at 127.0.0.1:5432");
        LedgerMigration.migrate(Flyway.configure().dataSource(url, "postgres", "").locations("classpath:db/migration")
                .load());

        // each query, its parameters, and the partial indexes that must answer it (a scan of the primary key that
        // filters every row, as the sweep's query got before V8, reads the whole table as a sequential scan does)
        record Periodic(String what, List<Object> query, List<String> indexes) {
        }
        List<Periodic> periodic = List.of(
                new Periodic("delivery-sweep: unanswered batches (BatchLedger.UNACKNOWLEDGED)",
                        List.of(BatchLedger.UNACKNOWLEDGED, 10_000L, 10_000L, 100), List.of("batch_unanswered")),
                new Periodic("uplink health and gauge hub.uplink.backlog: open counts",
                        List.of(DeliveryStore.OPEN_COUNTS),
                        List.of("uplink_record_due", "uplink_record_sending", "uplink_record_rejected")),
                new Periodic("gauge hub.uplink.oldest.pending.age", List.of(DeliveryStore.OLDEST_PENDING),
                        List.of("uplink_record_due", "uplink_record_sending")),
                new Periodic("uplink-purge-acked", List.of(DeliveryStore.PURGE_ACKED, 2_592_000.0),
                        List.of("uplink_record_acked")),
                new Periodic("operator summary: ACKED", List.of(DeliveryStore.ACKED_COUNT),
                        List.of("uplink_record_acked")));
        try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
            c.createStatement().execute("set enable_seqscan = off");
            for (Periodic q : periodic) {
                String plan = plan(c, q.query());
                assertThat(plan).as(q.what() + ":\n" + plan).doesNotContain("Seq Scan");
                for (String index : q.indexes()) {
                    assertThat(plan).as(q.what() + " by " + index + ":\n" + plan).contains(" " + index);
                }
            }
            // and the check can fail: a query on a column no index covers is planned as a sequential scan
            assertThat(plan(c, List.of("select count(*) from batch where file_name = 'x'"))).contains("Seq Scan");
        }
    }

    /** EXPLAIN of a query with its parameters bound. */
    private static String plan(Connection c, List<Object> query) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("explain " + query.get(0))) {
            for (int i = 1; i < query.size(); i++) {
                ps.setObject(i, query.get(i));
            }
            List<String> lines = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    lines.add(rs.getString(1));
                }
            }
            return String.join("\n", lines);
        }
    }
}

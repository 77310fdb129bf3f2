package energyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import energyhub.e2e.support.TestDatabase;
import energyhub.monitoring.AuditProperties;
import energyhub.monitoring.AuditTrail;
import energyhub.monitoring.Retention;
import energyhub.monitoring.RetentionProperties;
import energyhub.routing.BatchLedger;
import energyhub.routing.HubInstance;
import energyhub.routing.RoutingProperties;
import energyhub.routing.cluster.ClusterProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The retention purges against a real ledger (PostgreSQL at 127.0.0.1:5432, every migration) and real folders,
 * with a clock the test sets: each purge removes exactly what is past its retention and nothing inside it, a
 * re-send of a purged batch gets its one line, and two hubs purging one database do not collide.
 */
class RetentionTest {

    private static final ZoneId CST = ZoneId.of("Asia/Shanghai");

    @TempDir
    Path dir;

    private String url;
    private DataSource dataSource;
    private JdbcTemplate db;
    private MutableClock clock;
    private AuditTrail audit;
    private RoutingProperties routing;
    private RetentionProperties properties;
    private ClusterProperties cluster;

    @BeforeEach
    void ledger() {
        url = TestDatabase.create().orElse(null);
        Assumptions.assumeTrue(url != null, "needs the PostgreSQL at 127.0.0.1:5432");
        Flyway.configure().dataSource(url, "postgres", "").locations("classpath:db/migration").load().migrate();
        dataSource = new DriverManagerDataSource(url, "postgres", "");
        db = new JdbcTemplate(dataSource);
        // the ledger's times are the database's; the purges' cutoffs are the hub's clock, set here
        clock = new MutableClock(db.queryForObject("select now()", Timestamp.class).toInstant());
        audit = new AuditTrail(dataSource, db, new TransactionTemplate(new DataSourceTransactionManager(dataSource)),
                new AuditProperties(), clock);
        routing = new RoutingProperties();
        properties = new RetentionProperties();
        properties.setPage(2); // several pages per purge
        cluster = new ClusterProperties();
        cluster.setClaimMaxAge(Duration.ofMinutes(1));
    }

    private Retention retention() {
        return new Retention(dataSource, audit, properties, routing, cluster, clock, dir.resolve("archive").toString(),
                dir.resolve("quarantine").toString(), dir.resolve("suppliers").toString(), Duration.ofDays(7));
    }

    @Test
    void aLedgerWithoutAutovacuumIsSaidToGrowWithoutBound() {
        // the server's own setting (this machine's test server runs without autovacuum; a production one with)
        boolean off = "off".equals(db.queryForObject("show autovacuum", String.class));
        String warning = retention().autovacuumWarning();
        if (off) {
            assertThat(warning).contains("autovacuum off", "database " + db.queryForObject("select current_database()",
                    String.class), "grow without bound", "docs/operations.md");
        } else {
            assertThat(warning).isNull();
        }
    }

    @Test
    void chunkBodiesGoOnlyWhenEveryTargetHasHadThemLongerThanTheReplayWindow() {
        Instant now = clock.instant();
        long old = batch("B-OLD", now.minus(Duration.ofDays(32)), delivered(now.minus(Duration.ofDays(31))),
                delivered(now.minus(Duration.ofDays(31))));
        long edge = batch("B-EDGE", now.minus(Duration.ofDays(32)), delivered(now.minus(Duration.ofDays(31))),
                delivered(now.minus(Duration.ofDays(29))));
        long failing = batch("B-FAILING", now.minus(Duration.ofDays(41)), delivered(now.minus(Duration.ofDays(40))),
                "FAILED");
        long fresh = batch("B-FRESH", now.minus(Duration.ofHours(1)), delivered(now), delivered(now));
        long older = batch("B-OLDER", now.minus(Duration.ofDays(62)), delivered(now.minus(Duration.ofDays(61))),
                delivered(now.minus(Duration.ofDays(61))));
        long oldest = batch("B-OLDEST", now.minus(Duration.ofDays(92)), delivered(now.minus(Duration.ofDays(91))),
                delivered(now.minus(Duration.ofDays(91))));

        Retention.Purged purged = retention().purgeBodies();

        assertThat(purged.removed()).isEqualTo(9); // three chunks each of three batches, in pages of two batches
        assertThat(chunks(old)).isZero();
        assertThat(chunks(older)).isZero();
        assertThat(chunks(oldest)).isZero();
        assertThat(chunks(edge)).as("its provincial delivery is 29 days old").isEqualTo(3);
        assertThat(chunks(failing)).as("not delivered to every target").isEqualTo(3);
        assertThat(chunks(fresh)).isEqualTo(3);
        assertThat(db.queryForList("select batch_id from batch where bodies_purged_at is not null order by id",
                String.class)).containsExactly("B-OLD", "B-OLDER", "B-OLDEST");
        assertThat(db.queryForObject("select count(*) from batch", Integer.class))
                .as("batch rows and their batchIds stay for duplicate detection").isEqualTo(6);
        assertThat(db.queryForList("select detail from audit_event where action = 'RETENTION_PURGED' "
                + "and subject = 'chunk bodies'", String.class)).singleElement().asString()
                .startsWith("9 chunks of 3 batches");

        // two days later the edge batch's provincial delivery is 31 days old too
        clock.advance(Duration.ofDays(2));
        assertThat(retention().purgeBodies().removed()).isEqualTo(3);
        assertThat(chunks(edge)).isZero();
        assertThat(chunks(failing)).isEqualTo(3);
        assertThat(chunks(fresh)).isEqualTo(3);
    }

    @Test
    void aReSendOfAPurgedBatchIsRefusedWithOneLineAndNothingBecomesDue() {
        Instant now = clock.instant();
        long old = batch("B-GONE", now.minus(Duration.ofDays(40)), delivered(now.minus(Duration.ofDays(35))),
                delivered(now.minus(Duration.ofDays(35))));
        retention().purgeBodies();
        BatchLedger ledger = new BatchLedger(db, routing, new HubInstance("hub-a"));

        assertThat(ledger.purgedAnswer(old)).get().asString()
                .matches("batch #" + old + " \\(B-GONE\\): bodies purged on \\d{4}-\\d{2}-\\d{2}T[^ ]+, older than "
                        + "the replay window \\(hub.routing.body-retention 30d\\); nothing is sent");
        assertThat(ledger.resend(old, "provincial")).isEmpty();
        assertThat(ledger.redeliver("provincial", now.minus(Duration.ofDays(36)), now, 10))
                .isEqualTo(new BatchLedger.Redelivery(0, 1, now.minus(Duration.ofDays(36)), now));
        assertThat(db.queryForList("select status from delivery where batch_pk = ?", String.class, old))
                .containsOnly("DELIVERED");
    }

    @Test
    void batchRowsGoPastTheirRetentionWithTheirDeliveriesButNeverInsideTheReplayWindowOrUndelivered() {
        Instant now = clock.instant();
        long old = batch("B-91", now.minus(Duration.ofDays(91)), delivered(now.minus(Duration.ofDays(91))),
                delivered(now.minus(Duration.ofDays(90))));
        db.update("insert into record_error (batch_pk, line, field, code, message) values (?, 3, 'dataValue', "
                + "'BAD_FORMAT', 'x')", old);
        long kept = batch("B-89", now.minus(Duration.ofDays(89)), delivered(now.minus(Duration.ofDays(89))),
                delivered(now.minus(Duration.ofDays(89))));
        long lateDelivery = batch("B-LATE", now.minus(Duration.ofDays(100)), delivered(now.minus(Duration.ofDays(99))),
                delivered(now.minus(Duration.ofDays(10))));
        long failing = batch("B-FAILING", now.minus(Duration.ofDays(120)), delivered(now.minus(Duration.ofDays(119))),
                "FAILED");
        long delivering = batch("B-DELIVERING", now.minus(Duration.ofDays(120)), delivered(now.minus(Duration.ofDays(119))),
                delivered(now.minus(Duration.ofDays(119))));
        db.update("update batch set status = 'DELIVERING' where id = ?", delivering);
        for (int i = 0; i < 3; i++) { // a few pages of two
            batch("B-OLD-" + i, now.minus(Duration.ofDays(200)), delivered(now.minus(Duration.ofDays(200))),
                    delivered(now.minus(Duration.ofDays(200))));
        }

        Retention.Purged purged = retention().purgeBatches();

        assertThat(purged.removed()).isEqualTo(4);
        assertThat(db.queryForList("select batch_id from batch order by id", String.class))
                .containsExactly("B-89", "B-LATE", "B-FAILING", "B-DELIVERING");
        assertThat(db.queryForObject("select count(*) from delivery where batch_pk = ?", Integer.class, old)).isZero();
        assertThat(db.queryForObject("select count(*) from record_error", Integer.class)).isZero();
        assertThat(chunks(kept) + chunks(lateDelivery) + chunks(failing) + chunks(delivering)).isEqualTo(12);
        assertThat(db.queryForList("select detail from audit_event where action = 'RETENTION_PURGED' "
                + "and subject = 'batches'", String.class)).singleElement().asString()
                .startsWith("4 batches received before");

        // a setting shorter than the replay window would forget batchIds a replay may still bring: refused
        properties.setBatches(Duration.ofDays(20));
        org.assertj.core.api.Assertions.assertThatThrownBy(this::retention)
                .hasMessageContaining("hub.retention.batches");
    }

    @Test
    void twoHubsPurgingOneDatabaseDoNotCollide() throws Exception {
        Instant now = clock.instant();
        List<Long> old = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            old.add(batch("B-" + i, now.minus(Duration.ofDays(40)), delivered(now.minus(Duration.ofDays(35))),
                    delivered(now.minus(Duration.ofDays(35)))));
        }
        // another hub is running the purge: this one skips it, deleting nothing
        try (Connection other = DriverManager.getConnection(url, "postgres", "")) {
            var rs = other.createStatement().executeQuery("select pg_try_advisory_lock(" + 0x5245544e + ", "
                    + "chunk bodies".hashCode() + ")");
            rs.next();
            assertThat(rs.getBoolean(1)).isTrue();
            Retention.Purged skipped = retention().purgeBodies();
            assertThat(skipped.skipped()).isTrue();
            assertThat(skipped.removed()).isZero();
            assertThat(db.queryForObject("select count(*) from chunk", Integer.class)).isEqualTo(60);
        } // its connection ends, and its lock with it (as when a hub dies)

        // two hubs at the same moment: every chunk deleted once, none left, no error
        Retention a = retention();
        Retention b = retention();
        var pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Retention.Purged>> runs = pool.invokeAll(List.<Callable<Retention.Purged>>of(a::purgeBodies,
                    b::purgeBodies));
            long removed = 0;
            for (Future<Retention.Purged> run : runs) {
                removed += run.get().removed();
            }
            assertThat(removed).isEqualTo(60);
        } finally {
            pool.shutdownNow();
        }
        assertThat(db.queryForObject("select count(*) from chunk", Integer.class)).isZero();
        assertThat(db.queryForObject("select count(*) from batch where bodies_purged_at is not null", Integer.class))
                .isEqualTo(20);
    }

    @Test
    void claimsQualityMonthsAndResendRequestsGoPastTheirRetentionOnly() {
        db.update("insert into camel_messageprocessed values ('ferry-inbox', 'dead.manifest', now() - interval '2 minutes'), "
                + "('ferry-inbox', 'live.manifest', now() - interval '30 seconds')");
        YearMonth current = YearMonth.now(clock.withZone(CST));
        for (int back : new int[] {0, 13, 25, 26, 40}) {
            db.update("insert into dq_slots (enterprise_code, data_code, stat_type, month, supplier, slots, bits) "
                    + "values ('E1', '0101', 1, ?, false, 31, '\\x00'::bytea)",
                    java.sql.Date.valueOf(current.minusMonths(back).atDay(1)));
        }
        db.update("insert into dq_resend_request (recipient, batch_id, file_name, slots, created_at, requested_by) "
                + "values ('gate', 'R-OLD', 'f1', 1, ?, 'schedule'), ('gate', 'R-KEPT', 'f2', 1, ?, 'schedule')",
                Timestamp.from(clock.instant().minus(Duration.ofDays(401))),
                Timestamp.from(clock.instant().minus(Duration.ofDays(399))));

        Retention retention = retention();
        assertThat(retention.purgeClaims().removed()).isEqualTo(1);
        assertThat(db.queryForList("select messageid from camel_messageprocessed", String.class))
                .containsExactly("live.manifest");
        assertThat(retention.purgeQuality().removed()).isEqualTo(2);
        assertThat(db.queryForList("select month from dq_slots order by month desc", java.sql.Date.class))
                .extracting(java.sql.Date::toLocalDate)
                .containsExactly(current.atDay(1), current.minusMonths(13).atDay(1), current.minusMonths(25).atDay(1));
        assertThat(retention.purgeResendRequests().removed()).isEqualTo(1);
        assertThat(db.queryForList("select batch_id from dq_resend_request", String.class)).containsExactly("R-KEPT");
        assertThat(db.queryForList("select subject from audit_event where action = 'RETENTION_PURGED' order by seq",
                String.class)).containsExactly("claims", "quality ledger", "resend requests");
    }

    @Test
    void supplierFilesGoWithTheirBatchesWindowButNotWhileUnmatchedRowsWaitAndPullWindowsStay() {
        Instant now = clock.instant();
        Timestamp old = Timestamp.from(now.minus(properties.getBatches()).minus(Duration.ofHours(1)));
        Timestamp inside = Timestamp.from(now.minus(properties.getBatches()).plus(Duration.ofHours(1)));
        long gone = supplierFile("ELEC_1_old.csv", old);
        long gone2 = supplierFile("ELEC_1_old2.csv", old);
        long waiting = supplierFile("ELEC_1_waiting.csv", old);
        long kept = supplierFile("ELEC_1_new.csv", inside);
        db.update("insert into supplier_row_error (file_pk, line, field, code, message) values (?, 3, 'value', "
                + "'BAD_NUMBER', 'x'), (?, 4, 'value', 'BAD_NUMBER', 'y')", gone, kept);
        unmatched(gone, "ROUTED");
        unmatched(waiting, "OPEN"); // still waiting for the account registry: its file stays
        db.update("insert into supplier_pull_window (supplier, window_from, window_to, status, updated_at) "
                + "values ('heat', '2020-01-01', '2020-01-01', 'COMPLETED', ?)", old);

        Retention.Purged purged = retention().purgeSupplierFiles();

        assertThat(purged.removed()).isEqualTo(2);
        assertThat(db.queryForList("select id from supplier_file order by id", Long.class))
                .containsExactly(waiting, kept).doesNotContain(gone, gone2);
        assertThat(db.queryForList("select file_pk from supplier_row_error", Long.class)).containsExactly(kept);
        assertThat(db.queryForList("select status from supplier_unmatched", String.class)).containsExactly("OPEN");
        assertThat(db.queryForObject("select count(*) from supplier_pull_window", Integer.class)).isEqualTo(1);
        assertThat(db.queryForList("select subject || ' ' || detail from audit_event where action = 'RETENTION_PURGED'",
                String.class)).singleElement().asString().startsWith("supplier files 2 supplier files received before");
        assertThat(retention().purgeSupplierFiles().removed()).as("a second run finds nothing").isZero();
    }

    private long supplierFile(String name, Timestamp receivedAt) {
        return db.queryForObject("insert into supplier_file (supplier, file_name, sha256, batch_id, received_at) "
                + "values ('electricity', ?, md5(?), ?, ?) returning id", Long.class, name, name, "SUP-" + name,
                receivedAt);
    }

    private void unmatched(long filePk, String status) {
        db.update("insert into supplier_unmatched (file_pk, supplier, supplier_code, account_type, account_no, line, "
                + "raw_row, reason, stat_type, stat_date, data_value, valid, status) values (?, 'electricity', '1', 2, "
                + "'A-1', 2, 'raw', 'UNKNOWN_ACCOUNT', '1', date '2026-10-01', '1.0', '1', ?)", filePk, status);
    }

    @Test
    void archiveDayFoldersPastRetentionGoWithoutFollowingLinksOrLeavingTheFolder() throws Exception {
        LocalDate today = LocalDate.now(clock.withZone(CST));
        Path archive = dir.resolve("archive");
        Path oldDay = day(archive, today.minusDays(31));
        Path keptDay = day(archive, today.minusDays(30));
        Path sourceOld = day(archive.resolve("exchange-a"), today.minusDays(45));
        Path supplierOld = day(dir.resolve("suppliers/grid/archive"), today.minusDays(100));
        Path supplierKept = day(dir.resolve("suppliers/grid/archive"), today);
        // outside the archive: reached from an old day folder and from a link in the archive, never deleted
        Path outside = Files.createDirectories(dir.resolve("elsewhere"));
        Path precious = Files.writeString(outside.resolve("precious.txt"), "keep");
        Path outsideDay = day(outside, today.minusDays(400));
        Files.createSymbolicLink(oldDay.resolve("link-to-elsewhere"), outside);
        Files.createSymbolicLink(archive.resolve("linked"), outside);
        Path reports = Files.createDirectories(dir.resolve("suppliers/grid/reports"));
        Path oldReport = aged(reports.resolve("ELEC_1_20261001_1.csv.report.json"), clock.instant().minus(Duration.ofDays(31)));
        Path keptReport = aged(reports.resolve("ELEC_1_20261106_1.csv.report.json"), clock.instant().minus(Duration.ofDays(29)));

        Retention.Purged purged = retention().purgeArchives();

        assertThat(oldDay).doesNotExist();
        assertThat(sourceOld).doesNotExist();
        assertThat(supplierOld).doesNotExist();
        assertThat(keptDay.resolve("P.jsonl")).exists();
        assertThat(supplierKept.resolve("P.jsonl")).exists();
        assertThat(precious).hasContent("keep");
        assertThat(outsideDay.resolve("P.jsonl")).exists();
        assertThat(archive.resolve("linked")).isSymbolicLink();
        assertThat(oldReport).doesNotExist();
        assertThat(keptReport).exists();
        assertThat(purged.detail()).startsWith("3 day folders (7 files) dated before " + today.minusDays(30)
                + " and 1 supplier file reports");
        assertThat(db.queryForList("select subject from audit_event where action = 'RETENTION_PURGED'", String.class))
                .containsExactly("archives");
    }

    @Test
    void quarantinedPackagesGoWholeAfterTheirLongerRetentionEachWithAnAuditRow() throws Exception {
        Path quarantine = Files.createDirectories(dir.resolve("quarantine"));
        Instant now = clock.instant();
        Instant old = now.minus(Duration.ofDays(91));
        // quarantined 91 days ago: its data file kept the sender's time, its reason file is the quarantine's
        Path oldData = aged(quarantine.resolve("OLD.jsonl"), now.minus(Duration.ofDays(95)));
        Path oldManifest = aged(quarantine.resolve("OLD.jsonl.manifest"), now.minus(Duration.ofDays(95)));
        Path oldReason = aged(quarantine.resolve("OLD.jsonl.reason.txt"), old);
        // a second package of the same name, quarantined yesterday although the sender wrote it 300 days ago
        Path againData = aged(quarantine.resolve("OLD.jsonl.2"), now.minus(Duration.ofDays(300)));
        Path againManifest = aged(quarantine.resolve("OLD.jsonl.manifest.2"), now.minus(Duration.ofDays(300)));
        Path againReason = aged(quarantine.resolve("OLD.jsonl.2.reason.txt"), now.minus(Duration.ofDays(1)));
        Path sourceData = aged(Files.createDirectories(quarantine.resolve("exchange-a")).resolve("S.jsonl.gz"), old);
        Path sourceReason = aged(quarantine.resolve("exchange-a/S.jsonl.gz.reason.txt"), now.minus(Duration.ofDays(200)));
        Path stray = aged(quarantine.resolve("stray.bin"), old);
        Path kept = aged(quarantine.resolve("KEPT.jsonl.reason.txt"), now.minus(Duration.ofDays(89)));
        Path outside = aged(dir.resolve("outside.txt"), old);
        Files.createSymbolicLink(quarantine.resolve("link.jsonl.reason.txt"), outside);

        assertThat(retention().purgeQuarantine().removed()).isEqualTo(6);

        assertThat(oldData).doesNotExist();
        assertThat(oldManifest).doesNotExist();
        assertThat(oldReason).doesNotExist();
        assertThat(sourceData).doesNotExist();
        assertThat(sourceReason).doesNotExist();
        assertThat(stray).doesNotExist();
        assertThat(againData).exists();
        assertThat(againManifest).exists();
        assertThat(againReason).exists();
        assertThat(kept).exists();
        assertThat(outside).exists();
        assertThat(quarantine.resolve("link.jsonl.reason.txt")).isSymbolicLink();
        assertThat(db.queryForList("select subject || ': ' || substring(detail from position('deleted' in detail)) "
                + "from audit_event where action = 'QUARANTINE_PURGED'", String.class)).containsExactlyInAnyOrder(
                "OLD.jsonl: deleted OLD.jsonl, OLD.jsonl.manifest, OLD.jsonl.reason.txt",
                "exchange-a/S.jsonl.gz: deleted S.jsonl.gz, S.jsonl.gz.reason.txt",
                "stray.bin: deleted stray.bin");
    }

    private static Path day(Path root, LocalDate date) throws Exception {
        Path d = Files.createDirectories(root.resolve(String.format("%04d/%02d/%02d", date.getYear(),
                date.getMonthValue(), date.getDayOfMonth())));
        Files.writeString(d.resolve("P.jsonl"), "{}");
        Files.writeString(d.resolve("P.jsonl.manifest"), "{}");
        return d;
    }

    private static Path aged(Path file, Instant modified) throws Exception {
        Files.writeString(file, "x");
        Files.setLastModifiedTime(file, FileTime.from(modified));
        return file;
    }

    private static String delivered(Instant at) {
        return "DELIVERED@" + at;
    }

    /** A batch with three chunks and its national and provincial deliveries ("DELIVERED@instant" or a status). */
    private long batch(String batchId, Instant receivedAt, String national, String provincial) {
        long pk = db.queryForObject("insert into batch (batch_id, source, status, received_at) "
                + "values (?, 'ferry-inbox', 'ACCEPTED', ?) returning id", Long.class, batchId, Timestamp.from(receivedAt));
        for (int seq = 1; seq <= 3; seq++) {
            db.update("insert into chunk (batch_pk, seq, message_id, enterprise_code, record_count, body_gzip) "
                    + "values (?, ?, ?, 'E1', 1, '\\x1f8b'::bytea)", pk, seq, batchId + "-000" + seq);
        }
        delivery(pk, "national", national);
        delivery(pk, "provincial", provincial);
        return pk;
    }

    private void delivery(long pk, String target, String state) {
        if (state.startsWith("DELIVERED@")) {
            db.update("insert into delivery (batch_pk, target, status, delivered_at) values (?, ?, 'DELIVERED', ?)",
                    pk, target, Timestamp.from(Instant.parse(state.substring("DELIVERED@".length()))));
        } else {
            db.update("insert into delivery (batch_pk, target, status) values (?, ?, ?)", pk, target, state);
        }
    }

    private int chunks(long pk) {
        return db.queryForObject("select count(*) from chunk where batch_pk = ?", Integer.class, pk);
    }

    /** The hub's clock as a test sets it. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            MutableClock outer = this;
            return new Clock() {
                @Override
                public ZoneId getZone() {
                    return zone;
                }

                @Override
                public Clock withZone(ZoneId z) {
                    return outer.withZone(z);
                }

                @Override
                public Instant instant() {
                    return outer.instant();
                }
            };
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}

package energyhub.monitoring;

import energyhub.routing.RoutingProperties;
import energyhub.routing.cluster.ClusterProperties;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.stereotype.Component;

/**
 * The retention purges of every store that grows with each package (docs/operations.md, "Retention"): chunk
 * bodies past the replay window, claim rows of dead hubs, the data-quality ledger's old months, old 补传
 * request rows, archive day folders and old quarantined files. Like {@code audit-purge}: deletes in pages, each
 * its own short statement, and an audit row per purge that removed something.
 * <p>
 * The ledger purges run on one hub of a cluster at a time: each holds a PostgreSQL session advisory lock for
 * its store while it runs (released with its connection if the hub dies); a hub that finds the lock taken
 * skips that run. The folder purges are each hub's own (archive and quarantine are per hub, docs/cluster.md).
 */
@Component
public class Retention {

    private static final Logger log = LoggerFactory.getLogger(Retention.class);
    private static final ZoneId CST = ZoneId.of("Asia/Shanghai");
    /** The first key of the advisory locks ("RETN"); the second is the store's. */
    private static final int LOCK_SPACE = 0x5245544e;
    private static final String REASON = ".reason.txt";
    /** A quarantined data file as FerryPackages keeps it: NAME.jsonl or NAME.jsonl.gz, .N when the name was taken. */
    private static final java.util.regex.Pattern KEPT_DATA = java.util.regex.Pattern.compile("(.+\\.jsonl(?:\\.gz)?)(\\.\\d+)?");

    /** What one purge did. */
    public record Purged(String store, long removed, boolean skipped, String detail) {
    }

    private final JdbcTemplate jdbc;
    private final AuditTrail audit;
    private final RetentionProperties properties;
    private final RoutingProperties routing;
    private final ClusterProperties cluster;
    private final Clock clock;
    private final Path ferryArchive;
    private final Path ferryQuarantine;
    private final Path supplierDir;

    public Retention(DataSource dataSource, AuditTrail audit, RetentionProperties properties,
            RoutingProperties routing, ClusterProperties cluster, Clock clock,
            @Value("${hub.ferry.archive:${hub.data-dir:./data}/ferry/archive}") String ferryArchive,
            @Value("${hub.ferry.quarantine:${hub.data-dir:./data}/ferry/quarantine}") String ferryQuarantine,
            @Value("${hub.supplier.data-dir:${hub.data-dir:./data}/suppliers}") String supplierDir,
            @Value("${hub.ferry.max-package-lifetime:7d}") Duration maxPackageLifetime) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.audit = audit;
        this.properties = properties;
        this.routing = routing;
        this.cluster = cluster;
        this.clock = clock;
        this.ferryArchive = Path.of(ferryArchive).toAbsolutePath().normalize();
        this.ferryQuarantine = Path.of(ferryQuarantine).toAbsolutePath().normalize();
        this.supplierDir = Path.of(supplierDir).toAbsolutePath().normalize();
        if (properties.getBatches().compareTo(routing.getBodyRetention()) < 0
                || properties.getBatches().compareTo(maxPackageLifetime) < 0) {
            throw new IllegalStateException("hub.retention.batches (" + properties.getBatches() + ") must be at least "
                    + "hub.routing.body-retention (" + routing.getBodyRetention() + ") and hub.ferry.max-package-lifetime ("
                    + maxPackageLifetime + "): a batchId forgotten earlier lets a replayed package in again");
        }
        if (properties.getPage() < 1 || properties.getQualityMonths() < 13) {
            throw new IllegalStateException("hub.retention.page must be at least 1 and hub.retention.quality-months "
                    + "at least 13 (a year-on-year view needs 13 months)");
        }
    }

    /**
     * Said once when the hub is ready: retention deletes rows and the ledger updates its rows for every package
     * (deliveries, the audit chain's head, audit_pending), and PostgreSQL only reclaims the dead rows this leaves
     * by (auto)vacuum. With autovacuum off the tables grow without bound whatever the retention (measured: a
     * one-row audit_head of 70 MiB after an hour's soak).
     */
    @EventListener(ApplicationReadyEvent.class)
    public void sayIfAutovacuumIsOff() {
        String warning = autovacuumWarning();
        if (warning != null) {
            log.warn(warning);
        }
    }

    /** The warning when the ledger's PostgreSQL runs without autovacuum, else null (also when it cannot tell). */
    public String autovacuumWarning() {
        try {
            // one row, the database's name, only when autovacuum is off
            List<String> off = jdbc.queryForList("select current_database() from pg_settings "
                    + "where name = 'autovacuum' and setting = 'off'", String.class);
            if (off.isEmpty()) {
                return null;
            }
            return "retention: the ledger's PostgreSQL (database " + off.get(0) + ") runs with autovacuum off: the "
                    + "rows retention deletes and the row versions each package leaves (deliveries, audit_pending, the "
                    + "audit chain's head) are never reclaimed, so the tables grow without bound; turn autovacuum on "
                    + "(postgresql.conf) or VACUUM the hub's tables regularly (docs/operations.md, Retention)";
        } catch (org.springframework.dao.DataAccessException e) {
            return null; // the database is unavailable: its outage is said where the ledger is used
        }
    }

    /**
     * Chunk bodies of batches delivered to every target longer than {@code hub.routing.body-retention} ago
     * (and received before it): the chunk rows go, {@code batch.bodies_purged_at} says when. The batch row, its
     * batchId, deliveries and record errors stay.
     */
    public Purged purgeBodies() {
        Timestamp cutoff = Timestamp.from(clock.instant().minus(routing.getBodyRetention()));
        return clustered("chunk bodies", db -> {
            long batches = 0;
            long chunks = 0;
            while (true) {
                Map<String, Object> page = db.queryForMap("with old as (select b.id from batch b "
                        + "where b.bodies_purged_at is null and b.received_at < ? and not exists (select 1 from delivery d "
                        + "where d.batch_pk = b.id and (d.status <> 'DELIVERED' or d.delivered_at >= ?)) "
                        + "order by b.id limit ? for update of b skip locked), "
                        + "marked as (update batch set bodies_purged_at = now() from old where batch.id = old.id "
                        + "returning batch.id), "
                        + "gone as (delete from chunk c using marked m where c.batch_pk = m.id returning 1) "
                        + "select (select count(*) from marked) as batches, (select count(*) from gone) as chunks",
                        cutoff, cutoff, properties.getPage());
                long b = ((Number) page.get("batches")).longValue();
                batches += b;
                chunks += ((Number) page.get("chunks")).longValue();
                if (b < properties.getPage()) {
                    break;
                }
            }
            return new Purged("chunk bodies", chunks, false, chunks + " chunks of " + batches
                    + " batches delivered to every target before " + cutoff.toInstant() + " (hub.routing.body-retention "
                    + days(routing.getBodyRetention()) + ")");
        });
    }

    /**
     * Batch rows (with their deliveries, record errors and any chunk rows left) settled and received longer than
     * {@code hub.retention.batches} ago, whose every delivery is DELIVERED and older than the replay window. Their
     * events stay in the audit trail ({@code hub.audit.retention}); a package re-sent after this is taken as new, so
     * the setting is at least the longest package lifetime (a signed package expires before its batchId is
     * forgotten) and the replay window.
     */
    public Purged purgeBatches() {
        Timestamp cutoff = Timestamp.from(clock.instant().minus(properties.getBatches()));
        Timestamp replay = Timestamp.from(clock.instant().minus(routing.getBodyRetention()));
        return clustered("batches", db -> {
            long n = pages(db, "delete from batch where id in (select b.id from batch b where b.received_at < ? "
                    + "and b.status <> 'DELIVERING' and not exists (select 1 from delivery d where d.batch_pk = b.id "
                    + "and (d.status <> 'DELIVERED' or d.delivered_at >= ?)) order by b.id limit ?)", cutoff, replay);
            return new Purged("batches", n, false, n + " batches received before " + cutoff.toInstant()
                    + " (hub.retention.batches " + days(properties.getBatches()) + "), with their deliveries and "
                    + "record errors; their events stay in the audit trail");
        });
    }

    /**
     * The energy-supplier wing's file rows ({@code supplier_file}, one per distinct file a supplier delivered, with
     * its row errors and its unmatched rows already routed, by their foreign keys) received longer ago than
     * {@code hub.retention.batches}: the same window as the batch rows, so a file delivered again is recognised
     * exactly as long as its batch is. A file with unmatched rows still OPEN (waiting for the account registry)
     * stays until they are routed. The heat API's pull windows stay (one row per supplier and window: they say
     * which windows are never fetched again). A hub without the supplier tables has nothing to purge.
     */
    public Purged purgeSupplierFiles() {
        Timestamp cutoff = Timestamp.from(clock.instant().minus(properties.getBatches()));
        return clustered("supplier files", db -> {
            if (db.queryForObject("select to_regclass('supplier_file') is null", Boolean.class)) {
                return new Purged("supplier files", 0, false, "no supplier tables");
            }
            long n = pages(db, "delete from supplier_file where id in (select f.id from supplier_file f "
                    + "where f.received_at < ? and not exists (select 1 from supplier_unmatched u "
                    + "where u.file_pk = f.id and u.status = 'OPEN') order by f.id limit ?)", cutoff);
            return new Purged("supplier files", n, false, n + " supplier files received before " + cutoff.toInstant()
                    + " (hub.retention.batches " + days(properties.getBatches()) + "), with their row errors and "
                    + "routed unmatched rows");
        });
    }

    /** Claim rows on intake files not kept alive for {@code hub.cluster.claim-max-age}: their hub died. */
    public Purged purgeClaims() {
        Timestamp cutoff = Timestamp.from(clock.instant().minus(cluster.getClaimMaxAge()));
        return clustered("claims", db -> {
            long n = pages(db, "delete from camel_messageprocessed where ctid in (select ctid from "
                    + "camel_messageprocessed where createdat < ? limit ?)", cutoff);
            return new Purged("claims", n, false, n + " intake claims not kept alive since " + cutoff.toInstant()
                    + " (hub.cluster.claim-max-age " + cluster.getClaimMaxAge() + ")");
        });
    }

    /** Months of the data-quality ledger before the kept ones (the current month and hub.retention.quality-months before it). */
    public Purged purgeQuality() {
        LocalDate first = YearMonth.now(clock.withZone(CST)).minusMonths(properties.getQualityMonths()).atDay(1);
        return clustered("quality ledger", db -> {
            long n = pages(db, "delete from dq_slots where ctid in (select ctid from dq_slots where month < ? limit ?)",
                    Date.valueOf(first));
            return new Purged("quality ledger", n, false, n + " rows of months before " + first
                    + " (hub.retention.quality-months " + properties.getQualityMonths() + ")");
        });
    }

    /** 补传 request rows older than {@code hub.retention.resend-requests} (the packages themselves went to the gate). */
    public Purged purgeResendRequests() {
        Timestamp cutoff = Timestamp.from(clock.instant().minus(properties.getResendRequests()));
        return clustered("resend requests", db -> {
            long n = pages(db, "delete from dq_resend_request where id in (select id from dq_resend_request "
                    + "where created_at < ? order by id limit ?)", cutoff);
            return new Purged("resend requests", n, false, n + " 补传 requests written before " + cutoff.toInstant()
                    + " (hub.retention.resend-requests " + days(properties.getResendRequests()) + ")");
        });
    }

    /**
     * Day folders {@code yyyy/MM/dd} of the ferry archive (and of its sources' {@code <id>/yyyy/MM/dd}) and of each
     * supplier's {@code archive}, dated more than {@code hub.retention.archive} before today (China time). Links
     * are never followed and nothing outside the configured folders is touched.
     */
    public Purged purgeArchives() throws IOException {
        LocalDate today = LocalDate.now(clock.withZone(CST));
        LocalDate oldestKept = today.minusDays(properties.getArchive().toDays());
        List<Path> roots = new ArrayList<>();
        List<Path> reports = new ArrayList<>();
        roots.add(ferryArchive);
        if (Files.isDirectory(supplierDir, LinkOption.NOFOLLOW_LINKS)) {
            try (DirectoryStream<Path> suppliers = Files.newDirectoryStream(supplierDir)) {
                for (Path s : suppliers) {
                    if (Files.isDirectory(s, LinkOption.NOFOLLOW_LINKS)) {
                        roots.add(s.resolve("archive"));
                        reports.add(s.resolve("reports"));
                    }
                }
            }
        }
        long days = 0;
        long files = 0;
        for (Path root : roots) {
            try {
                long[] n = purgeDayFolders(root, oldestKept);
                days += n[0];
                files += n[1];
            } catch (IOException e) {
                log.warn("retention: archive folder {} not purged ({}); the other folders are, this one again in {}",
                        root, e.toString(), properties.getInterval());
            }
        }
        // the per-file reports of the suppliers' files, written by the hub: as old as the archive kept
        Instant reportCutoff = clock.instant().minus(properties.getArchive());
        long reported = 0;
        for (Path folder : reports) {
            if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder, "*.report.json")) {
                for (Path r : entries) {
                    BasicFileAttributes a = Files.readAttributes(r, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    if (a.isRegularFile() && a.lastModifiedTime().toInstant().isBefore(reportCutoff)
                            && Files.deleteIfExists(r)) {
                        reported++;
                    }
                }
            }
        }
        files += reported;
        Purged p = new Purged("archives", files, false, days + " day folders (" + (files - reported)
                + " files) dated before " + oldestKept + " and " + reported + " supplier file reports written before "
                + reportCutoff + " (hub.retention.archive " + days(properties.getArchive()) + ")");
        return reported(p);
    }

    /**
     * Packages of the ferry quarantine (and of its sources' {@code <id>/} folders) quarantined longer than
     * {@code hub.retention.quarantine} ago: a package's time is its reason file's ({@code K.reason.txt}, written
     * when it was quarantined; the data file keeps the sender's time), and it goes whole (data file, its manifest,
     * the reason file). A file no reason file names goes by its own last change. Each deletion is a log line and
     * an audit row {@code QUARANTINE_PURGED}, never silent. Links are not followed, nor deleted.
     */
    public Purged purgeQuarantine() throws IOException {
        Instant cutoff = clock.instant().minus(properties.getQuarantine());
        long n = 0;
        if (!Files.isDirectory(ferryQuarantine, LinkOption.NOFOLLOW_LINKS)) {
            return new Purged("quarantine", 0, false, "no quarantine folder");
        }
        Path root = ferryQuarantine.toRealPath();
        List<Path> folders = new ArrayList<>();
        folders.add(root);
        try (DirectoryStream<Path> sub = Files.newDirectoryStream(root)) {
            for (Path p : sub) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    folders.add(p);
                }
            }
        }
        for (Path folder : folders) {
            try {
                n += purgeQuarantined(root, folder, cutoff);
            } catch (IOException e) {
                log.warn("retention: quarantine folder {} not purged ({}); the other folders are, this one again in {}",
                        folder, e.toString(), properties.getInterval());
            }
        }
        return new Purged("quarantine", n, false, n + " quarantined files of packages quarantined before " + cutoff);
    }

    /** The packages of one quarantine folder quarantined before the cutoff, deleted whole; returns the files deleted. */
    private long purgeQuarantined(Path root, Path folder, Instant cutoff) throws IOException {
        long n = 0;
        Map<String, Instant> files = new java.util.TreeMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path p : entries) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (a.isRegularFile()) {
                    files.put(p.getFileName().toString(), a.lastModifiedTime().toInstant());
                }
            }
        }
        java.util.Set<String> claimed = new java.util.HashSet<>();
        Map<String, List<String>> packages = new java.util.LinkedHashMap<>();
        for (var e : files.entrySet()) {
            String name = e.getKey();
            if (name.endsWith(REASON)) {
                String key = name.substring(0, name.length() - REASON.length());
                List<String> members = new ArrayList<>();
                for (String m : List.of(key, manifestOf(key), name)) {
                    if (files.containsKey(m)) {
                        members.add(m);
                    }
                }
                claimed.addAll(members);
                if (e.getValue().isBefore(cutoff)) {
                    packages.put(key, members);
                }
            }
        }
        for (var e : files.entrySet()) {
            if (!claimed.contains(e.getKey()) && e.getValue().isBefore(cutoff)) {
                packages.put(e.getKey(), List.of(e.getKey()));
            }
        }
        for (var p : packages.entrySet()) {
            List<String> deleted = new ArrayList<>();
            for (String member : p.getValue()) {
                Path file = folder.resolve(member);
                if (file.startsWith(root) && !Files.isSymbolicLink(file) && Files.deleteIfExists(file)) {
                    deleted.add(member);
                }
            }
            if (deleted.isEmpty()) {
                continue;
            }
            n += deleted.size();
            String subject = root.relativize(folder.resolve(p.getKey())).toString();
            String detail = "quarantined before " + cutoff + " (hub.retention.quarantine "
                    + days(properties.getQuarantine()) + "): deleted " + String.join(", ", deleted);
            log.info("quarantined {} deleted: {}", subject, detail);
            audit.append(AuditTrail.HUB, "QUARANTINE_PURGED", subject, "OK", detail);
        }
        return n;
    }

    /** The manifest kept beside a quarantined data file: NAME.jsonl.manifest, or NAME.jsonl.manifest.N for NAME.jsonl.N. */
    static String manifestOf(String key) {
        java.util.regex.Matcher m = KEPT_DATA.matcher(key);
        if (!m.matches()) {
            return key + ".manifest";
        }
        return m.group(1) + ".manifest" + (m.group(2) == null ? "" : m.group(2));
    }

    /** Deletes the day folders under one archive root dated before {@code oldestKept}: {days, files}. */
    private long[] purgeDayFolders(Path configured, LocalDate oldestKept) throws IOException {
        long[] n = new long[2];
        if (!Files.isDirectory(configured)) {
            return n;
        }
        // the configured folder itself may be a link (an archive on another disk); nothing below it is followed.
        // Depth 5: day folders are at depth 3 (yyyy/MM/dd) or 4 (a source's <id>/yyyy/MM/dd); a walk hands the
        // folders at its last depth to visitFile, not preVisitDirectory
        Path root = configured.toRealPath();
        List<Path> old = new ArrayList<>();
        Files.walkFileTree(root, EnumSet.noneOf(java.nio.file.FileVisitOption.class), 5, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                LocalDate day = dayOf(root.relativize(dir));
                if (day == null) {
                    return FileVisitResult.CONTINUE;
                }
                if (day.isBefore(oldestKept)) {
                    old.add(dir);
                }
                return FileVisitResult.SKIP_SUBTREE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE;
            }
        });
        for (Path day : old) {
            if (!day.startsWith(root) || day.equals(root)) {
                continue;
            }
            n[1] += deleteTree(day);
            n[0]++;
            // the month and year folders go with their last day
            for (Path up = day.getParent(); up != null && !up.equals(root) && up.startsWith(root)
                    && up.getNameCount() >= day.getNameCount() - 2; up = up.getParent()) {
                try (DirectoryStream<Path> rest = Files.newDirectoryStream(up)) {
                    if (rest.iterator().hasNext()) {
                        break;
                    }
                }
                Files.deleteIfExists(up);
            }
        }
        return n;
    }

    /** The date of a relative path ending in yyyy/MM/dd, or null. */
    static LocalDate dayOf(Path relative) {
        int k = relative.getNameCount();
        if (k < 3) {
            return null;
        }
        String y = relative.getName(k - 3).toString();
        String m = relative.getName(k - 2).toString();
        String d = relative.getName(k - 1).toString();
        if (!y.matches("\\d{4}") || !m.matches("\\d{2}") || !d.matches("\\d{2}")) {
            return null;
        }
        try {
            return LocalDate.of(Integer.parseInt(y), Integer.parseInt(m), Integer.parseInt(d));
        } catch (java.time.DateTimeException e) {
            return null;
        }
    }

    /** Deletes a folder and what is in it, links as links (never what they point to); returns the files deleted. */
    private static long deleteTree(Path dir) throws IOException {
        long[] files = {0};
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                files[0]++;
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                try {
                    Files.deleteIfExists(d);
                } catch (java.nio.file.DirectoryNotEmptyException late) {
                    // a file arrived while it was deleted (a clock set back): left for the next run
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
        return files[0];
    }

    /** Deletes page after page with a statement taking its arguments, then the page size, until a page is not full. */
    private long pages(JdbcTemplate db, String sql, Object... args) {
        Object[] withPage = java.util.Arrays.copyOf(args, args.length + 1);
        withPage[args.length] = properties.getPage();
        long total = 0;
        while (true) {
            int n = db.update(sql, withPage);
            total += n;
            if (n < properties.getPage()) {
                return total;
            }
        }
    }

    /**
     * Runs a ledger purge on one hub of a cluster at a time: under a session advisory lock of the store, on one
     * connection in auto-commit (each page its own transaction, never a long lock). Skipped when another hub
     * holds the lock.
     */
    private Purged clustered(String store, Function<JdbcTemplate, Purged> work) {
        Purged result = jdbc.execute((ConnectionCallback<Purged>) con -> {
            boolean autoCommit = con.getAutoCommit();
            con.setAutoCommit(true);
            JdbcTemplate db = new JdbcTemplate(new SingleConnectionDataSource(con, true));
            try {
                if (!Boolean.TRUE.equals(db.queryForObject("select pg_try_advisory_lock(?, ?)", Boolean.class,
                        LOCK_SPACE, store.hashCode()))) {
                    log.debug("retention purge of {} skipped: another hub is running it", store);
                    return new Purged(store, 0, true, "another hub is running it");
                }
                try {
                    return work.apply(db);
                } finally {
                    db.queryForObject("select pg_advisory_unlock(?, ?)", Boolean.class, LOCK_SPACE, store.hashCode());
                }
            } finally {
                restore(con, autoCommit);
            }
        });
        return reported(result);
    }

    private static void restore(Connection con, boolean autoCommit) {
        try {
            con.setAutoCommit(autoCommit);
        } catch (java.sql.SQLException e) {
            log.debug("could not restore auto-commit", e);
        }
    }

    /** One log line and one audit row for a purge that removed something. */
    private Purged reported(Purged p) {
        if (!p.skipped() && p.removed() > 0) {
            log.info("retention: purged {}", p.detail());
            audit.append(AuditTrail.HUB, "RETENTION_PURGED", p.store(), "OK", p.detail());
        }
        return p;
    }

    private static String days(Duration d) {
        return d.toDays() + "d";
    }
}

package energyhub.supplier;

import energyhub.routing.BatchIntakeRoute;
import energyhub.routing.BatchLedger;
import energyhub.routing.BatchSubmission;
import energyhub.routing.IntakeOutcome;
import energyhub.routing.LineSource;
import energyhub.routing.NumberedLine;
import energyhub.standard.EnergyRecord;
import energyhub.standard.RecordCodec;
import energyhub.supplier.AccountRegistry.RegistryChanged;
import energyhub.supplier.ParsedFile.RowError;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Date;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Where every supplier adapter hands over what it read: readings are matched to the account registry
 * and become canonical records (inputType 6, scope 1), which go to the routing core as one batch per
 * file; rows without an active account are kept as unmatched (raw row and reason) and routed later,
 * as batches of their own, when the registry gains them.
 *
 * <p>The batchId is derived from the supplier and the file's SHA-256, so the same file delivered again
 * (under any name) is recognised by the core: a re-read under the same name is RESUMED, another name
 * is a DUPLICATE; nothing is delivered twice.
 */
@Component
public class SupplierIntake {

    private static final Logger log = LoggerFactory.getLogger(SupplierIntake.class);
    static final ZoneId CST = ZoneId.of("Asia/Shanghai");
    private static final DateTimeFormatter WIRE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    static final String REG_VERSION = "1.0";
    static final String DIC_VERSION = "1.0";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final AccountRegistry registry;
    private final BatchLedger ledger;
    private final RecordCodec codec;
    private final ProducerTemplate producer;
    private final SupplierProperties properties;
    private final Clock clock;

    public SupplierIntake(JdbcTemplate jdbc, TransactionTemplate tx, AccountRegistry registry, BatchLedger ledger,
            RecordCodec codec, ProducerTemplate producer, SupplierProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.registry = registry;
        this.ledger = ledger;
        this.codec = codec;
        this.producer = producer;
        this.properties = properties;
        this.clock = clock;
    }

    /** The source name of a supplier's batches in the ledger (its route id). */
    public static String routeId(String supplier) {
        return "supplier-" + supplier;
    }

    /**
     * Matches, stores and submits one file; the report follows when the core answers it. A file's
     * records are read from its bytes alone, so the bytes are its identity: the same bytes again
     * (under any name) are the same records.
     */
    public IntakeOutcome receive(String supplier, String fileName, byte[] content, ParsedFile parsed) {
        return receive(supplier, fileName, content, content, parsed);
    }

    /** The batchId of what a supplier delivers, from the bytes that identify exactly those records. */
    public static String batchId(String supplier, byte[] identity) {
        return "supplier:" + supplier + ":" + sha256(identity);
    }

    /**
     * As {@link #receive(String, String, byte[], ParsedFile)}, with the batch's identity given apart
     * from its bytes: for a batch whose records depend on more than the bytes (a heat API window: its
     * dates and the items it kept), {@code identity} covers exactly what is delivered, so that a batch
     * is answered DUPLICATE only when exactly the same records were delivered before.
     */
    public IntakeOutcome receive(String supplier, String fileName, byte[] content, byte[] identity, ParsedFile parsed) {
        SupplierProperties.Supplier config = properties.supplier(supplier);
        String sha = sha256(identity);
        String batchId = batchId(supplier, identity);
        String ackRef = supplier + "/" + safeName(fileName);
        BatchSubmission base = new BatchSubmission(batchId, routeId(supplier), fileName, "SHA-256", sha,
                (long) content.length, null, null, SupplierReportRoute.ENDPOINT, ackRef, null);
        if (ledger.findProcessed(batchId).isPresent()) {
            // delivered before: the core answers it as a re-read or a duplicate and reads nothing
            log.info("supplier {}: {} was received before as batch {}", supplier, fileName, batchId);
            return submit(withLines(base, List.of()));
        }
        List<NumberedLine> records = tx.execute(s -> match(supplier, config, fileName, sha, batchId, parsed));
        if (parsed.rejection() != null) {
            var r = parsed.rejection();
            return submit(base.rejected(r.field(), r.code(), r.message()));
        }
        return submit(withLines(base, records));
    }

    private List<NumberedLine> match(String supplier, SupplierProperties.Supplier config, String fileName, String sha,
            String batchId, ParsedFile parsed) {
        Long filePk = jdbc.query("insert into supplier_file (supplier, file_name, sha256, batch_id, rows_read, row_errors, "
                        + "reason) values (?, ?, ?, ?, ?, ?, ?) on conflict (supplier, sha256) do nothing returning id",
                (rs, i) -> rs.getLong(1), supplier, fileName, sha, batchId,
                parsed.readings().size() + parsed.rowErrors().size(), parsed.rowErrors().size(),
                parsed.rejection() == null ? null : parsed.rejection().code() + ": " + parsed.rejection().message())
                .stream().findFirst().orElse(null);
        boolean first = filePk != null;
        if (!first) {
            // an earlier attempt stored the file but never reached the core (a crash in between)
            filePk = jdbc.queryForObject("select id from supplier_file where supplier = ? and sha256 = ?", Long.class,
                    supplier, sha);
        }
        if (parsed.rejection() != null) {
            return List.of();
        }
        if (first) {
            for (RowError e : parsed.rowErrors()) {
                jdbc.update("insert into supplier_row_error (file_pk, line, field, code, message, raw_row) values (?, ?, ?, ?, ?, ?)",
                        filePk, e.line(), e.field(), e.code(), e.message(), e.raw());
            }
        }
        Set<Integer> keptUnmatched = new HashSet<>(jdbc.queryForList(
                "select line from supplier_unmatched where file_pk = ?", Integer.class, filePk));
        String uploadDate = uploadDate();
        List<NumberedLine> records = new ArrayList<>();
        int unmatched = keptUnmatched.size();
        for (SupplierReading r : parsed.readings()) {
            if (keptUnmatched.contains(r.line())) {
                continue;
            }
            var account = registry.find(config.getSupplierCode(), r.accountType(), r.accountNo());
            if (account.isPresent() && account.get().active()) {
                records.add(new NumberedLine(r.line(), codec.write(record(account.get(), r.statType(),
                        r.statDate().toString(), r.dataValue(), r.valid(), uploadDate))));
            } else {
                unmatched++;
                String reason = account.isPresent() ? "INACTIVE_ACCOUNT" : "UNKNOWN_ACCOUNT";
                jdbc.update("insert into supplier_unmatched (file_pk, supplier, supplier_code, account_type, account_no, line, "
                                + "raw_row, reason, stat_type, stat_date, data_value, valid) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        filePk, supplier, config.getSupplierCode(), r.accountType(), r.accountNo(), r.line(), r.raw(), reason,
                        r.statType(), Date.valueOf(r.statDate()), r.dataValue(), r.valid());
            }
        }
        jdbc.update("update supplier_file set matched = ?, unmatched = ? where id = ?", records.size(), unmatched, filePk);
        return records;
    }

    /**
     * Routes the unmatched rows whose account is now known and active, one batch per supplier. Rows are
     * first marked with their batchId, so a crash before the core staged them resends the same batch.
     */
    @EventListener
    public void onRegistryChanged(RegistryChanged event) {
        rematch();
    }

    public synchronized void rematch() {
        List<Map<String, Object>> due = jdbc.queryForList("select u.id, u.supplier from supplier_unmatched u "
                + "join supplier_account a on a.supplier_code = u.supplier_code and a.account_type = u.account_type "
                + "and a.account_no = u.account_no and a.active where u.status = 'OPEN' order by u.id");
        Map<String, List<Long>> bySupplier = new TreeMap<>();
        due.forEach(row -> bySupplier.computeIfAbsent((String) row.get("supplier"), k -> new ArrayList<>())
                .add(((Number) row.get("id")).longValue()));
        bySupplier.forEach((supplier, ids) -> {
            String digest = sha256(ids.toString().getBytes(StandardCharsets.UTF_8));
            String batchId = "supplier:" + supplier + ":rematch:" + digest;
            tx.executeWithoutResult(s -> {
                for (Long id : ids) {
                    jdbc.update("update supplier_unmatched set status = 'ROUTING', routed_batch_id = ? where id = ? "
                            + "and status = 'OPEN'", batchId, id);
                }
            });
        });
        // batches marked ROUTING (now, or before a crash) are submitted; the core ignores a batch it has already
        for (String batchId : jdbc.queryForList("select distinct routed_batch_id from supplier_unmatched "
                + "where status = 'ROUTING' order by 1", String.class)) {
            submitRematch(batchId);
        }
    }

    private void submitRematch(String batchId) {
        String uploadDate = uploadDate();
        List<Map<String, Object>> rows = jdbc.queryForList("select u.*, a.enterprise_code, a.data_code "
                + "from supplier_unmatched u join supplier_account a on a.supplier_code = u.supplier_code "
                + "and a.account_type = u.account_type and a.account_no = u.account_no "
                + "where u.routed_batch_id = ? order by u.id", batchId);
        if (rows.isEmpty()) {
            return;
        }
        String supplier = (String) rows.get(0).get("supplier");
        List<NumberedLine> records = new ArrayList<>();
        int index = 0;
        for (Map<String, Object> row : rows) {
            Account account = new Account((String) row.get("supplier_code"), ((Number) row.get("account_type")).intValue(),
                    (String) row.get("account_no"), (String) row.get("enterprise_code"), (String) row.get("data_code"), true);
            records.add(new NumberedLine(++index, codec.write(record(account, (String) row.get("stat_type"),
                    row.get("stat_date").toString(), (String) row.get("data_value"), (String) row.get("valid"), uploadDate))));
        }
        String digest = batchId.substring(batchId.lastIndexOf(':') + 1);
        String fileName = "REMATCH_" + digest.substring(0, 16);
        IntakeOutcome outcome = submit(new BatchSubmission(batchId, routeId(supplier), fileName, "SHA-256", digest, null,
                records.size(), () -> records.stream(), SupplierReportRoute.ENDPOINT, supplier + "/" + fileName, null));
        log.info("supplier {}: {} earlier unmatched rows routed as batch {} ({})", supplier, rows.size(), batchId,
                outcome.disposition());
        jdbc.update("update supplier_unmatched set status = 'ROUTED', routed_at = now() where routed_batch_id = ?", batchId);
    }

    /**
     * In-only on purpose: the core sends to the platform queues with the exchange's pattern, and an
     * in-out exchange would make those JMS sends wait for replies that never come. The outcome is the
     * body the core leaves on the exchange.
     */
    private IntakeOutcome submit(BatchSubmission submission) {
        Exchange done = producer.send(BatchIntakeRoute.ENDPOINT, ExchangePattern.InOnly,
                e -> e.getMessage().setBody(submission));
        if (done.getException() != null) {
            throw new IllegalStateException("batch " + submission.batchId() + " was not taken by the routing core: "
                    + done.getException().getMessage(), done.getException());
        }
        return done.getMessage().getBody(IntakeOutcome.class);
    }

    private static BatchSubmission withLines(BatchSubmission b, List<NumberedLine> records) {
        LineSource lines = records::stream;
        return new BatchSubmission(b.batchId(), b.source(), b.fileName(), b.digestAlgorithm(), b.digest(), b.byteSize(),
                records.size(), lines, b.ackEndpoint(), b.ackRef(), null);
    }

    private static EnergyRecord record(Account a, String statType, String statDay, String dataValue, String valid,
            String uploadDate) {
        // convertRation left empty: the core fills it from the energy-type table by the data code
        return new EnergyRecord(a.enterpriseCode(), REG_VERSION, DIC_VERSION, a.dataCode(), dataValue, null, valid, "1",
                "6", statType, statDay + " 00:00:00", uploadDate);
    }

    private String uploadDate() {
        return LocalDateTime.now(clock.withZone(CST)).format(WIRE);
    }

    static String safeName(String name) {
        String s = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return s.length() > 150 ? s.substring(0, 150) : s;
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

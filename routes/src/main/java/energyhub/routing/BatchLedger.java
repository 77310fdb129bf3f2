package energyhub.routing;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The batch ledger in PostgreSQL (see {@code V1__batch_ledger.sql}): audit trail of every batch
 * and outbox of its chunks. All state a restart needs lives here.
 */
@Component
public class BatchLedger {

    static final DateTimeFormatter ACK_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    private static final int CHUNK_PAGE = 16;

    private final JdbcTemplate jdbc;
    private final RoutingProperties properties;

    private final HubInstance instance;

    /** Every time the ledger keeps is the database's ({@code now()}): hubs sharing it may run on skewed clocks. */
    public BatchLedger(JdbcTemplate jdbc, RoutingProperties properties, HubInstance instance) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.instance = instance;
    }

    /** A batch row that counts as processed (not a duplicate, not a rejected transfer). */
    public record ProcessedBatch(long pk, String source, String fileName, String digest) {

        /**
         * Whether a submission is this batch read again (a restart, a hub that took over a dead one's claim, the
         * gate sending the same file again): the same source, file name and digest. Such a submission is
         * answered RESUMED, with the batch's own answer, and nothing of it is read or staged again.
         */
        public boolean isReadAgainBy(BatchSubmission s) {
            return Objects.equals(source, s.source()) && Objects.equals(fileName, s.fileName())
                    && Objects.equals(digest, s.digest());
        }
    }

    /**
     * A delivery that is due: never tried, failed and due again, or claimed under a lease that
     * lapsed ({@code lapsedHolder} names the hub instance that held it, null otherwise).
     */
    public record DueDelivery(long batchPk, String target, String lapsedHolder) {

        public DueDelivery(long batchPk, String target) {
            this(batchPk, target, null);
        }
    }

    /** What a delivery's sends need of its batch, returned by the claim that took it ({@link #take}). */
    public record Claimed(String source, String batchId, String duplicateSuffix) {
    }

    /** An ACK ready to hand to its intake. */
    public record PendingAck(long batchPk, String endpoint, String ref, BatchAck ack) {
    }

    public Optional<ProcessedBatch> findProcessed(String batchId) {
        return jdbc.query("select id, source, file_name, digest from batch where batch_id = ? "
                        + "and status not in ('DUPLICATE', 'REJECTED')",
                (rs, i) -> new ProcessedBatch(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)),
                batchId).stream().findFirst();
    }

    /** The processed batch that a submission reads again ({@link ProcessedBatch#isReadAgainBy}), if any. */
    public Optional<ProcessedBatch> readAgain(BatchSubmission s) {
        return findProcessed(s.batchId()).filter(p -> p.isReadAgainBy(s));
    }

    public long insertBatch(BatchSubmission s, String status, String reason) {
        boolean settled = !"DELIVERING".equals(status);
        return jdbc.queryForObject("insert into batch (batch_id, source, file_name, digest_alg, digest, byte_size, "
                        + "declared_count, status, reason, ack_endpoint, ack_ref, received_at, settled_at) "
                        + "values (?,?,?,?,?,?,?,?,?,?,?,now(),case when ? then now() end) returning id", Long.class,
                s.batchId(), s.source(), s.fileName(), s.digestAlgorithm(), s.digest(), s.byteSize(),
                s.declaredCount(), status, reason, s.ackEndpoint(), s.ackRef(), settled);
    }

    public void insertErrors(long pk, List<LineError> errors) {
        jdbc.batchUpdate("insert into record_error (batch_pk, line, field, code, message) values (?,?,?,?,?)",
                errors, 500, (ps, e) -> {
                    ps.setLong(1, pk);
                    ps.setInt(2, e.line());
                    ps.setString(3, e.field());
                    ps.setString(4, e.code());
                    ps.setString(5, e.message());
                });
    }

    public void insertChunk(long pk, StagedChunk chunk) {
        // the body gzip-compressed by the hub (V5): less CPU than PostgreSQL's pglz on text, fewer bytes, and
        // the very body a gzip target is sent
        jdbc.update("insert into chunk (batch_pk, seq, message_id, enterprise_code, record_count, body_gzip) "
                + "values (?,?,?,?,?,?)", pk, chunk.seq(), chunk.messageId(), chunk.enterpriseCode(),
                chunk.recordCount(), chunk.gzip());
    }

    /**
     * The end of a staging: the batch's counts, and its deliveries, PENDING, in one statement (a small package
     * pays each round trip to the database once). Its intake claims the deliveries at once (a claim does not look
     * at {@code next_attempt_at}); delivery-sweep leaves them to it for {@code hub.routing.ack-grace}, as it leaves
     * the ACK. Due at once, the sweep took now and then a delivery the intake was about to send: the intake's claim
     * failed, the batch was answered by the sweep after the ACK grace, and its ACK came 10-15 s late.
     */
    public void countAndQueue(long pk, int received, int accepted, int rejected) {
        List<Object> args = new ArrayList<>(List.of(received, accepted, rejected, pk));
        for (Target t : Target.values()) {
            args.addAll(List.of(pk, t.id(), properties.getAckGrace().toMillis()));
        }
        jdbc.update(COUNT_AND_QUEUE, args.toArray());
    }

    /** {@link #countAndQueue}'s statement: the counts, then one PENDING delivery row per target. */
    private static final String COUNT_AND_QUEUE = "with counted as (update batch set received = ?, accepted = ?, "
            + "rejected = ? where id = ?) insert into delivery (batch_pk, target, status, next_attempt_at) values "
            + String.join(", ", java.util.Collections.nCopies(Target.values().length,
                    "(?,?,'PENDING',now() + ? * interval '1 millisecond')"));

    /**
     * Takes a delivery for this hub instance under a lease of {@code hub.routing.claim-lease}:
     * a pending or failed one, or one whose lease lapsed (its holder died or could not record its
     * result). Empty when it is delivered already or another holder's lease is still running. The
     * check and the take are one UPDATE, so two hubs sharing the ledger never both get it. Leases are
     * set and judged by the database's clock ({@code now()}), so hubs whose clocks differ agree on when
     * one lapsed. The same statement returns what the sends need: the batch's source and batchId, and the
     * duplicate-id suffix of the next send (empty for a normal delivery, so the broker drops what it already
     * stored; {@code :resend-N} for the N-th operator re-send of a delivered batch).
     */
    public Optional<Claimed> take(long pk, String target) {
        return jdbc.query("update delivery d set status = 'SENDING', claimed_at = now(), claimed_by = ?, "
                + "lease_until = now() + ? * interval '1 millisecond', attempts = d.attempts + 1 from batch b "
                + "where b.id = d.batch_pk and d.batch_pk = ? and d.target = ? and (d.status in ('PENDING', 'FAILED') "
                + "or (d.status = 'SENDING' and (d.lease_until is null or d.lease_until < now()))) "
                + "returning b.source, b.batch_id, d.mode, d.resends",
                (rs, i) -> new Claimed(rs.getString(1), rs.getString(2), suffix(rs.getString(3), rs.getInt(4))),
                instance.id(), leaseMillis(), pk, target).stream().findFirst();
    }

    /**
     * Extends this instance's lease while it is still sending; false when the lease is no longer
     * this instance's (it lapsed and another holder took the delivery over).
     */
    public boolean renew(long pk, String target) {
        return jdbc.update("update delivery set lease_until = now() + ? * interval '1 millisecond' where batch_pk = ? "
                + "and target = ? and status = 'SENDING' and claimed_by = ?", leaseMillis(), pk, target, instance.id()) == 1;
    }

    /**
     * Every copy is stored by the broker. Recorded whoever holds the claim now (a holder that took
     * over a lapsed lease sends copies the broker drops), but never over a newer request (a replay
     * or re-send made after the claim).
     */
    public void delivered(long pk, String target) {
        jdbc.update("update delivery set status = 'DELIVERED', delivered_at = now(), last_error = null, claimed_by = null, "
                + "lease_until = null, mode = 'NORMAL' where batch_pk = ? and target = ? and status = 'SENDING'",
                pk, target);
    }

    /** The attempt failed: FAILED with the cause and a back-off, if this instance still holds the claim. */
    public void failed(long pk, String target, String error) {
        Integer attempts = jdbc.queryForObject("select attempts from delivery where batch_pk = ? and target = ?",
                Integer.class, pk, target);
        Duration wait = backoff(attempts == null ? 1 : attempts);
        jdbc.update("update delivery set status = 'FAILED', last_error = ?, next_attempt_at = now() + ? * interval "
                + "'1 millisecond', claimed_by = null, lease_until = null where batch_pk = ? and target = ? "
                + "and status = 'SENDING' and claimed_by = ?",
                truncate(error, 2000), wait.toMillis(), pk, target, instance.id());
    }

    private static String suffix(String mode, int resends) {
        return "RESEND".equals(mode) ? ":resend-" + resends : "";
    }

    Duration backoff(int attempts) {
        Duration wait = properties.getRetryInitialDelay();
        for (int i = 1; i < attempts && wait.compareTo(properties.getRetryMaxDelay()) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(properties.getRetryMaxDelay()) > 0 ? properties.getRetryMaxDelay() : wait;
    }

    /**
     * At start-up: the claims this instance's previous run left (it died mid-send) are free at once;
     * other instances' claims are left to their leases. Resending is safe, the broker drops what it
     * already stored.
     */
    public int releaseAbandonedClaims() {
        return jdbc.update("update delivery set status = 'FAILED', next_attempt_at = now(), claimed_by = null, "
                + "lease_until = null, last_error = coalesce(last_error, 'interrupted by a restart') "
                + "where status = 'SENDING' and (claimed_by = ? or claimed_by is null)", instance.id());
    }

    /** Due deliveries: pending or failed and due, or claimed under a lease that lapsed. */
    public List<DueDelivery> dueDeliveries(int limit) {
        // the database's clock, as for the leases: every hub sees the same deliveries due
        return jdbc.query("select batch_pk, target, case when status = 'SENDING' then coalesce(claimed_by, '?') end "
                        + "from delivery where (status in ('PENDING', 'FAILED') and next_attempt_at <= now()) "
                        + "or (status = 'SENDING' and (lease_until is null or lease_until < now())) "
                        + "order by next_attempt_at limit ?",
                (rs, i) -> new DueDelivery(rs.getLong(1), rs.getString(2), rs.getString(3)), limit);
    }

    /**
     * An operator's replay: a failed or waiting delivery becomes due now. False when the delivery
     * is not failed or pending (delivered, or being sent).
     */
    public boolean replay(long pk, String target) {
        return jdbc.update("update delivery set status = 'PENDING', next_attempt_at = now() where batch_pk = ? "
                + "and target = ? and status in ('FAILED', 'PENDING')", pk, target) == 1;
    }

    /**
     * An operator's re-send of a delivered batch to one target: due now, sent with fresh duplicate
     * ids ({@code messageId:target:resend-N}) so the broker takes the copies again. Returns N, or
     * empty when this delivery is not DELIVERED.
     */
    @Transactional
    public Optional<Integer> resend(long pk, String target) {
        // never a batch whose bodies were purged: it would be "delivered" without a message
        int n = jdbc.update("update delivery set status = 'PENDING', mode = 'RESEND', resends = resends + 1, "
                + "next_attempt_at = now(), last_error = null where batch_pk = ? and target = ? and status = 'DELIVERED' "
                + "and exists (select 1 from batch where id = ? and bodies_purged_at is null)", pk, target, pk);
        if (n == 0) {
            return Optional.empty();
        }
        return Optional.ofNullable(jdbc.queryForObject("select resends from delivery where batch_pk = ? and target = ?",
                Integer.class, pk, target));
    }

    /** When the retention purge deleted this batch's chunk bodies (V7), if it did. */
    public Optional<Instant> bodiesPurgedAt(long pk) {
        return jdbc.query("select bodies_purged_at from batch where id = ? and bodies_purged_at is not null",
                (rs, i) -> rs.getTimestamp(1).toInstant(), pk).stream().findFirst();
    }

    /**
     * The one line an operator gets for a replay or re-send of a batch whose bodies were purged; empty while its
     * bodies are kept.
     */
    public Optional<String> purgedAnswer(long pk) {
        return bodiesPurgedAt(pk).map(at -> "batch #" + pk + " (" + batchIdOf(pk) + "): bodies purged on "
                + ACK_TIME.format(at.atOffset(ZoneOffset.ofHours(8))) + ", older than the replay window "
                + "(hub.routing.body-retention " + properties.getBodyRetention().toDays() + "d); nothing is sent");
    }

    /** What a re-delivery of a time range did: deliveries made due, and those left out because their bodies were purged. */
    public record Redelivery(int due, int purged, Instant from, Instant to) {
    }

    /**
     * An operator's re-delivery of a time range to one target (after a broker journal loss): every delivery to it
     * that was DELIVERED in [from, to) becomes due again in NORMAL mode, so delivery-sweep sends every chunk with
     * its original duplicate id ({@code messageId:target}), {@code hubBatchId} and {@code hubChunk}: the broker
     * drops what it still has, the consumer what it already took. {@code to} is cut at the database's now(), so
     * what this re-delivery delivers again never falls into its own range. Pages of {@code page} deliveries, each
     * its own short statement; a batch whose bodies were purged is counted, not made due (the purge and this
     * lock the batch rows, so neither runs on a batch the other is changing).
     */
    public Redelivery redeliver(String target, Instant from, Instant to, int page) {
        Timestamp now = jdbc.queryForObject("select now()", Timestamp.class);
        Instant until = to.isAfter(now.toInstant()) ? now.toInstant() : to;
        Timestamp f = Timestamp.from(from);
        Timestamp u = Timestamp.from(until);
        int due = 0;
        while (true) {
            int n = jdbc.update("with b as (select id from batch where bodies_purged_at is null and id in ("
                    + "select d.batch_pk from delivery d join batch x on x.id = d.batch_pk where d.target = ? "
                    + "and d.status = 'DELIVERED' and d.delivered_at >= ? and d.delivered_at < ? "
                    + "and x.bodies_purged_at is null order by d.batch_pk limit ?) for share) "
                    + "update delivery d set status = 'PENDING', mode = 'NORMAL', next_attempt_at = now(), "
                    + "last_error = null from b where d.batch_pk = b.id and d.target = ? and d.status = 'DELIVERED'",
                    target, f, u, page, target);
            if (n == 0) {
                break;
            }
            due += n;
        }
        Integer purged = jdbc.queryForObject("select count(*) from delivery d join batch b on b.id = d.batch_pk "
                + "where d.target = ? and d.status = 'DELIVERED' and d.delivered_at >= ? and d.delivered_at < ? "
                + "and b.bodies_purged_at is not null", Integer.class, target, f, u);
        return new Redelivery(due, purged == null ? 0 : purged, from, until);
    }

    /**
     * Batches whose ACK has not been handed over although they settled (or their last delivery
     * finished) more than {@code hub.routing.ack-grace} ago: their intake crashed, lost the database,
     * or gave the delivery to the sweep. A batch still in its intake's hands is left to it, so it is
     * answered once, not once by its intake and once more by the sweep.
     */
    public List<Long> unacknowledged(int limit) {
        // settled_at, delivered_at and this grace all by the database's clock: a batch in one hub's intake
        // is not answered by another hub's sweep whose clock runs ahead
        long grace = properties.getAckGrace().toMillis();
        return jdbc.queryForList(UNACKNOWLEDGED, Long.class, grace, grace, limit);
    }

    /**
     * {@link #unacknowledged}'s query (parameters: grace ms, grace ms, limit). It runs every sweep-interval and finds
     * its batches by the partial index {@code batch_unanswered} (V8), never by reading every batch row kept.
     */
    public static final String UNACKNOWLEDGED = "select id from batch where acked_at is null and ("
            + "(status <> 'DELIVERING' and settled_at < now() - ? * interval '1 millisecond') "
            + "or (status = 'DELIVERING' and not exists (select 1 from delivery d where d.batch_pk = batch.id "
            + "and d.status <> 'DELIVERED') and (select max(d.delivered_at) from delivery d "
            + "where d.batch_pk = batch.id) < now() - ? * interval '1 millisecond')) order by id limit ?";

    /**
     * Settles a batch once both targets hold their copies, and returns its ACK while it has not
     * been handed over. Empty while a target is still outstanding.
     */
    @Transactional
    public Optional<PendingAck> settle(long pk) {
        // the row locked and its open deliveries counted in one round trip
        var row = jdbc.queryForMap("select batch_id, status, received, accepted, rejected, reason, ack_endpoint, "
                + "ack_ref, settled_at, acked_at, (select count(*) from delivery d where d.batch_pk = b.id "
                + "and d.status <> 'DELIVERED') as open from batch b where id = ? for update", pk);
        if (row.get("acked_at") != null) {
            return Optional.empty();
        }
        String status = (String) row.get("status");
        int received = (Integer) row.get("received");
        int accepted = (Integer) row.get("accepted");
        int rejected = (Integer) row.get("rejected");
        Instant settledAt;
        if ("DELIVERING".equals(status)) {
            if (((Number) row.get("open")).longValue() > 0) {
                return Optional.empty();
            }
            status = rejected == 0 ? "ACCEPTED" : accepted == 0 ? "REJECTED" : "PARTIAL";
            settledAt = jdbc.queryForObject("update batch set status = ?, settled_at = now() where id = ? returning settled_at",
                    Timestamp.class, status, pk).toInstant();
        } else {
            settledAt = ((Timestamp) row.get("settled_at")).toInstant();
        }
        // an ACCEPTED batch (no record rejected) has no error rows: BatchStager writes them for rejected records
        // and for a refused transfer, which is REJECTED; it is answered without asking for them
        List<LineError> errors = "ACCEPTED".equals(status) ? List.of() : errorsOf(pk);
        BatchAck ack = new BatchAck((String) row.get("batch_id"), status, received, accepted, rejected,
                errors, ACK_TIME.format(settledAt.atOffset(ZoneOffset.ofHours(8))));
        return Optional.of(new PendingAck(pk, (String) row.get("ack_endpoint"), (String) row.get("ack_ref"), ack));
    }

    public void reopenAck(long pk) {
        jdbc.update("update batch set acked_at = null where id = ?", pk);
    }

    /** Whether the batch's ACK has been handed to its intake's ACK endpoint. */
    public boolean acked(long pk) {
        return Boolean.TRUE.equals(jdbc.queryForObject("select acked_at is not null from batch where id = ?",
                Boolean.class, pk));
    }

    public void markAcked(long pk) {
        jdbc.update("update batch set acked_at = now() where id = ?", pk);
    }

    public List<LineError> errorsOf(long pk) {
        return jdbc.query("select line, field, code, message from record_error where batch_pk = ? order by line, field",
                (rs, i) -> new LineError(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4)), pk);
    }

    /** The chunks of a batch in order, read a page at a time so a large batch never sits in memory. */
    public Iterator<StagedChunk> chunks(long pk) {
        return new Iterator<>() {
            private final List<StagedChunk> page = new ArrayList<>();
            private int lastSeq = 0;
            private boolean exhausted;

            @Override
            public boolean hasNext() {
                if (page.isEmpty() && !exhausted) {
                    page.addAll(jdbc.query("select seq, message_id, enterprise_code, record_count, body_text, body_gzip "
                                    + "from chunk where batch_pk = ? and seq > ? order by seq limit ?",
                            (rs, i) -> {
                                int seq = rs.getInt(1);
                                String messageId = rs.getString(2);
                                String enterprise = rs.getString(3);
                                int records = rs.getInt(4);
                                byte[] gzip = rs.getBytes(6);
                                // a chunk staged before V5 has its body as text
                                return gzip != null ? StagedChunk.compressed(seq, messageId, enterprise, records, gzip)
                                        : new StagedChunk(seq, messageId, enterprise, records, rs.getString(5));
                            }, pk, lastSeq, CHUNK_PAGE));
                    exhausted = page.size() < CHUNK_PAGE;
                }
                return !page.isEmpty();
            }

            @Override
            public StagedChunk next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                StagedChunk c = page.remove(0);
                lastSeq = c.seq();
                return c;
            }
        };
    }

    public String batchIdOf(long pk) {
        return jdbc.queryForObject("select batch_id from batch where id = ?", String.class, pk);
    }

    private long leaseMillis() {
        return properties.getClaimLease().toMillis();
    }


    static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}

package energyhub.routing;

import energyhub.routing.IntakeOutcome.Disposition;
import energyhub.routing.inbox.IntakeNames;
import energyhub.routing.quality.QualityWriter;
import energyhub.routing.quality.QualityTally;
import energyhub.routing.quality.SeriesCap;
import energyhub.standard.RecordCodec;
import energyhub.standard.RecordError;
import energyhub.standard.RecordValidator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Validates a batch and stages it in the ledger in one database transaction: the batch row,
 * its record errors, its chunks and one pending delivery per target. Either all of it is
 * committed or none, so a crash before the commit leaves the package to be read again, and
 * a crash after it leaves the deliveries to be finished. A batch found unreadable while it is read
 * ({@link UnreadableBatchException}), or whose data the database refuses ({@link LedgerRefusal}: a value it
 * cannot store), is rolled back and recorded REJECTED instead. The data-quality
 * ledger is fed in the same transaction, so it counts exactly what is delivered.
 */
@Component
public class BatchStager {

    private static final Logger log = LoggerFactory.getLogger(BatchStager.class);

    /** Reason code of a batch whose data the ledger's database refused ({@link LedgerRefusal}). */
    public static final String LEDGER_REFUSED = "LEDGER_REFUSED";

    /** Open per-enterprise chunks kept at once; bounds memory for packages of many enterprises. */
    private static final int MAX_OPEN_CHUNKS = 256;

    private final BatchLedger ledger;
    private final RecordCodec codec;
    private final RecordValidator validator;
    private final RoutingProperties properties;
    private final TransactionTemplate tx;
    private final QualityWriter quality;

    public BatchStager(BatchLedger ledger, RecordCodec codec, RecordValidator validator,
            RoutingProperties properties, TransactionTemplate tx, QualityWriter quality) {
        this.quality = quality;
        this.ledger = ledger;
        this.codec = codec;
        this.validator = validator;
        this.properties = properties;
        this.tx = tx;
    }

    /**
     * Stages the batch in one transaction. When another hub staged the same batch id at the same moment
     * (its transaction committed while this one waited on the ledger's once-per-batch index), the batch is
     * judged again against what that hub staged: a re-read of the same package (RESUMED) or a duplicate.
     */
    public IntakeOutcome stage(BatchSubmission submission) {
        return stage(submission, null);
    }

    /**
     * {@link #stage(BatchSubmission)} for batch-intake: a batch staged now whose chunks are few and small
     * ({@value #KEPT_CHUNKS} at most, {@value #KEPT_CHARS} characters of body in all: every live package) leaves
     * them, as committed, in the exchange property {@link #STAGED_CHUNKS}, so that its first delivery sends them
     * without reading them back from the ledger (TargetDeliveryRoute). Every later attempt reads the ledger.
     */
    public IntakeOutcome stage(Exchange exchange) throws InvalidPayloadException {
        Kept kept = new Kept();
        IntakeOutcome outcome = stage(exchange.getMessage().getMandatoryBody(BatchSubmission.class), kept);
        if (outcome.disposition() == Disposition.STAGED && !kept.overflow) {
            exchange.setProperty(STAGED_CHUNKS, List.copyOf(kept.chunks));
        }
        return outcome;
    }

    /** Exchange property: the chunks of the batch just staged, as committed ({@link #stage(Exchange)}). */
    public static final String STAGED_CHUNKS = "hubStagedChunks";
    static final int KEPT_CHUNKS = 16;
    static final int KEPT_CHARS = 1 << 20;

    /** The chunks of one staging kept for its first delivery, while they are few and small. */
    private static final class Kept {
        final List<StagedChunk> chunks = new ArrayList<>();
        int chars;
        boolean overflow;

        void add(StagedChunk chunk) {
            if (overflow) {
                return;
            }
            chars += chunk.body().length();
            if (chunks.size() == KEPT_CHUNKS || chars > KEPT_CHARS) {
                // too many or too large to hold while it is delivered: its delivery reads the ledger
                overflow = true;
                chunks.clear();
            } else {
                chunks.add(chunk);
            }
        }

        /** A transaction rolled back and run again stages its chunks again. */
        void clear() {
            chunks.clear();
            chars = 0;
            overflow = false;
        }
    }

    private IntakeOutcome stage(BatchSubmission submission, Kept kept) {
        try {
            return stageChecked(submission, kept);
        } catch (UnreadableBatchException e) {
            // found while reading (digest, count, encoding, size): what was staged of it is rolled back
            return stageChecked(submission.rejected(e.field(), e.code(), e.getMessage()), kept);
        } catch (DataAccessException | TransactionException e) {
            // the database refused a value of the batch (SQLState class 22 or 23): it would refuse it on every
            // attempt, so the batch is rejected now, with one answer; anything else is an outage, thrown back
            // to the intake, which keeps its input and submits it again (intake-failure-policy)
            SQLException refusal = LedgerRefusal.of(e).orElseThrow(() -> e);
            String cause = LedgerRefusal.describe(refusal);
            String where = submission.fileName() == null ? submission.source() : submission.fileName();
            log.warn("batch {} ({}) refused by the ledger's database ({}): nothing of it is staged, answered REJECTED "
                    + "{} and not submitted again (the same data would be refused again)", submission.batchId(), where,
                    cause, LEDGER_REFUSED);
            return stageChecked(submission.rejected("", LEDGER_REFUSED, "the ledger's database refused this batch's"
                    + " data (" + cause + "); nothing of it is delivered"), kept);
        }
    }

    private IntakeOutcome stageChecked(BatchSubmission submission, Kept kept) {
        try {
            return tx.execute(status -> stageInTransaction(submission, kept));
        } catch (DuplicateKeyException e) {
            log.info("batch {} ({}) was staged at the same moment by another hub; judged again against its staging",
                    submission.batchId(), submission.fileName() == null ? submission.source() : submission.fileName());
            return tx.execute(status -> stageInTransaction(submission, kept));
        }
    }

    /** Stages the batch; {@code kept}, when given, gets its chunks while they are few and small. */
    private IntakeOutcome stageInTransaction(BatchSubmission s, Kept kept) {
        if (kept != null) {
            kept.clear();
        }
        if (s.rejection() != null) {
            String reason = s.rejection().code() + ": " + s.rejection().message();
            long pk = ledger.insertBatch(s, "REJECTED", reason);
            ledger.insertErrors(pk, List.of(s.rejection()));
            return new IntakeOutcome(pk, Disposition.REJECTED, reason);
        }
        var earlier = ledger.findProcessed(s.batchId());
        if (earlier.isPresent()) {
            var e = earlier.get();
            if (e.isReadAgainBy(s)) {
                // a restart re-reading its package, or the gate sending the same file again: nothing is
                // staged twice, and the original answer is given again
                ledger.reopenAck(e.pk());
                return new IntakeOutcome(e.pk(), Disposition.RESUMED, "staged before as batch #" + e.pk());
            }
            String reason = "batchId " + s.batchId() + " was processed before as batch #" + e.pk()
                    + (e.fileName() == null ? "" : " (" + e.fileName() + ")");
            long pk = ledger.insertBatch(s, "DUPLICATE", reason);
            return new IntakeOutcome(pk, Disposition.DUPLICATE, reason);
        }
        long pk = ledger.insertBatch(s, "DELIVERING", null);
        Chunker chunker = new Chunker(codec.mapper(), s.batchId(), s.source(), properties.getChunkMaxRecords(),
                properties.getChunkMaxChars(), MAX_OPEN_CHUNKS, chunk -> {
                    ledger.insertChunk(pk, chunk);
                    if (kept != null) {
                        kept.add(chunk);
                    }
                });
        QualityTally tally = quality.enabled() ? quality.tally() : null;
        SeriesCap cap = tally == null ? null : quality.seriesCap();
        List<LineError> errors = new ArrayList<>();
        int[] counts = new int[3]; // received, accepted, rejected
        try (Stream<NumberedLine> lines = s.lines().open()) {
            lines.forEach(line -> {
                counts[0]++;
                List<RecordError> problems = check(line, chunker, tally, cap, s);
                if (problems.isEmpty()) {
                    counts[1]++;
                } else {
                    counts[2]++;
                    for (RecordError p : problems) {
                        if (errors.size() < properties.getMaxErrorsPerBatch()) {
                            errors.add(new LineError(line.number(), p.field(), p.code(), p.message()));
                        }
                    }
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("reading batch " + s.batchId() + ": " + e.getMessage(), e);
        }
        chunker.finish();
        if (tally != null) {
            quality.flush(tally, s.sender(), s.source());
        }
        if (cap != null && cap.refused() > 0) {
            log.warn("batch {} ({}) from {}: {} records refused {}, the rest staged; first: {}", s.batchId(),
                    s.fileName() == null ? s.source() : IntakeNames.escape(s.fileName()),
                    s.sender() == null ? s.source() : IntakeNames.escape(s.sender()),
                    cap.refused(), SeriesCap.CODE, cap.firstReason());
        }
        ledger.insertErrors(pk, errors);
        ledger.countAndQueue(pk, counts[0], counts[1], counts[2]);
        return new IntakeOutcome(pk, Disposition.STAGED, null);
    }

    private List<RecordError> check(NumberedLine line, Chunker chunker, QualityTally tally, SeriesCap cap,
            BatchSubmission s) {
        var parsed = codec.parse(line.json());
        if (!parsed.errors().isEmpty()) {
            return parsed.errors();
        }
        var validation = validator.validate(parsed.record());
        if (!validation.isValid()) {
            return validation.errors();
        }
        if (cap != null) {
            RecordError refused = cap.admit(validation.record(), () -> quality.flush(tally, s.sender(), s.source()));
            if (refused != null) {
                return List.of(refused);
            }
        }
        chunker.add(validation.record().enterpriseCode(), codec.write(validation.record()));
        if (tally != null) {
            tally.add(validation.record());
            if (tally.full()) {
                quality.flush(tally, s.sender(), s.source());
            }
        }
        return List.of();
    }
}

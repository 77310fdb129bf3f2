package energyhub.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import energyhub.routing.quality.QualityWriter;
import energyhub.routing.quality.QualityProperties;
import energyhub.standard.EnergyTypeTable;
import energyhub.standard.RecordCodec;
import energyhub.standard.RecordValidator;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * batch-intake when the ledger's database refuses a batch's data (issue 20: a record dated 0000-01-01 made
 * PostgreSQL refuse the row with SQLState 22008, and the package was staged again every poll as a "ledger
 * database unavailable" outage, never answered): the batch is answered once, REJECTED with the cause, and
 * the intake is not told to submit it again. A lost connection is still an outage, thrown back to the intake.
 */
class LedgerRefusalTest extends CamelTestSupport {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T17:15:00Z"), ZoneOffset.UTC);
    private static final String RECORD = "{\"enterpriseCode\":\"91530100MA6NX4QW2G\",\"regVersion\":\"1.0\","
            + "\"dicVersion\":\"1.0\",\"dataCode\":\"0000000002330001\",\"dataValue\":\"12345.60\","
            + "\"convertRation\":\"1.229\",\"valid\":\"1\",\"scope\":\"1\",\"inputType\":\"4\",\"statType\":\"1\","
            + "\"statDate\":\"2026-11-23 00:00:00\",\"uploadDate\":\"2026-11-24 01:10:05\"}";

    private final MemoryLedger ledger = new MemoryLedger();
    private final LedgerOutage outage = new LedgerOutage(CLOCK);
    private final RoutingProperties properties = new RoutingProperties();

    @Override
    protected RoutesBuilder[] createRouteBuilders() {
        QualityProperties quality = new QualityProperties();
        quality.setEnabled(false);
        BatchStager stager = new BatchStager(ledger, new RecordCodec(),
                new RecordValidator(EnergyTypeTable.defaults(), CLOCK), properties,
                new TransactionTemplate(new NoDatabaseTransactions()), new QualityWriter(null, quality, null));
        return new RoutesBuilder[] {new DeliveryFailurePolicy(outage, new DeliveryFailures(ledger, properties, outage)),
                new BatchIntakeRoute(stager, ledger), new SettleBatchRoute(ledger, new RecordCodec())};
    }

    private static BatchSubmission submission(String batchId) {
        return new BatchSubmission(batchId, "ferry-inbox", batchId + ".jsonl", "SHA-256", "00", 100L, 1,
                () -> Stream.of(new NumberedLine(1, RECORD)), "mock:ack", batchId + ".jsonl", null);
    }

    @Test
    void aDataExceptionWhileStagingIsAnsweredRejectedOnceAndNotSubmittedAgain() throws Exception {
        ledger.chunkFailure = new DataIntegrityViolationException("PreparedStatementCallback; ERROR: date/time field "
                + "value out of range", new SQLException("ERROR: date/time field value out of range: \"0000-01-01\"\n"
                + "  Where: SQL statement", "22008"));
        MockEndpoint acks = getMockEndpoint("mock:ack");
        acks.expectedMessageCount(1);

        IntakeOutcome outcome = template.requestBody(BatchIntakeRoute.ENDPOINT, submission("B-22008"), IntakeOutcome.class);

        assertThat(outcome.disposition()).isEqualTo(IntakeOutcome.Disposition.REJECTED);
        assertThat(outcome.taken()).isFalse(); // the ferry quarantines it: nothing left to read again
        acks.assertIsSatisfied();
        JsonNode ack = new ObjectMapper().readTree(acks.getExchanges().get(0).getMessage().getBody(String.class));
        assertThat(ack.get("status").asText()).isEqualTo("REJECTED");
        assertThat(ack.get("errors")).hasSize(1);
        JsonNode error = ack.get("errors").get(0);
        assertThat(error.get("line").asInt()).isZero();
        assertThat(error.get("code").asText()).isEqualTo(BatchStager.LEDGER_REFUSED);
        assertThat(error.get("message").asText())
                .isEqualTo("the ledger's database refused this batch's data (SQLState 22008: date/time field value out"
                        + " of range: \"0000-01-01\"); nothing of it is delivered");
        // one attempt at the data, then the rejection; no outage, no delivery
        assertThat(ledger.chunkAttempts).hasValue(1);
        assertThat(ledger.statuses()).containsExactly("REJECTED");
        assertThat(outage.isDown()).isFalse();
    }

    @Test
    void anIntegrityViolationInsideABatchedStatementIsARefusalToo() {
        BatchUpdateException batch = new BatchUpdateException("Batch entry 0 was aborted", "23514", 0, new int[0], null);
        batch.setNextException(new SQLException("ERROR: new row violates check constraint \"x\"", "23514"));
        ledger.chunkFailure = new DataIntegrityViolationException("batch", batch);

        IntakeOutcome outcome = template.requestBody(BatchIntakeRoute.ENDPOINT, submission("B-23514"), IntakeOutcome.class);

        assertThat(outcome.disposition()).isEqualTo(IntakeOutcome.Disposition.REJECTED);
        assertThat(outcome.reason()).contains("SQLState 23514: new row violates check constraint");
        assertThat(outage.isDown()).isFalse();
    }

    @Test
    void aLostConnectionWhileStagingIsStillAnOutageThrownBackToTheIntake() {
        ledger.chunkFailure = new DataAccessResourceFailureException("I/O error",
                new SQLException("An I/O error occurred while sending to the backend.", "08006"));

        assertThatThrownBy(() -> template.requestBody(BatchIntakeRoute.ENDPOINT, submission("B-08006")))
                .hasRootCauseMessage("An I/O error occurred while sending to the backend.");

        assertThat(outage.isDown()).isTrue();
        assertThat(ledger.statuses()).isEmpty(); // nothing recorded: the intake submits it again
    }

    @Test
    void aUniqueViolationIsNotARefusalOfTheData() {
        assertThat(LedgerRefusal.of(new DuplicateKeyException("dup", new SQLException("dup", "23505")))).isEmpty();
        assertThat(LedgerRefusal.of(new DataIntegrityViolationException("x", new SQLException("x", "22P05")))).isPresent();
        assertThat(LedgerRefusal.of(new IllegalStateException("no SQL"))).isEmpty();
    }

    /** Transactions of nothing: the memory ledger forgets a rolled-back batch itself. */
    static final class NoDatabaseTransactions extends AbstractPlatformTransactionManager {
        @Override
        protected Object doGetTransaction() {
            return new Object();
        }

        @Override
        protected void doBegin(Object transaction, TransactionDefinition definition) {
        }

        @Override
        protected void doCommit(DefaultTransactionStatus status) {
        }

        @Override
        protected void doRollback(DefaultTransactionStatus status) {
        }
    }

    /** The ledger in memory; a batch whose staging throws is removed again, as a rollback would. */
    static final class MemoryLedger extends BatchLedger {
        record Row(BatchSubmission s, String status, String reason, List<LineError> errors) {
        }

        final Map<Long, Row> rows = new ConcurrentHashMap<>();
        final AtomicLong ids = new AtomicLong();
        final AtomicInteger chunkAttempts = new AtomicInteger();
        final Map<Long, Boolean> acked = new ConcurrentHashMap<>();
        volatile RuntimeException chunkFailure;

        MemoryLedger() {
            super(null, new RoutingProperties(), new HubInstance("test"));
        }

        List<String> statuses() {
            return rows.values().stream().map(Row::status).toList();
        }

        @Override
        public Optional<ProcessedBatch> findProcessed(String batchId) {
            return Optional.empty();
        }

        @Override
        public long insertBatch(BatchSubmission s, String status, String reason) {
            long pk = ids.incrementAndGet();
            rows.put(pk, new Row(s, status, reason, new ArrayList<>()));
            return pk;
        }

        @Override
        public void insertErrors(long pk, List<LineError> errors) {
            rows.get(pk).errors().addAll(errors);
        }

        @Override
        public void insertChunk(long pk, StagedChunk chunk) {
            chunkAttempts.incrementAndGet();
            if (chunkFailure != null) {
                rows.remove(pk); // rolled back
                throw chunkFailure;
            }
        }

        @Override
        public void countAndQueue(long pk, int received, int accepted, int rejected) {
        }

        @Override
        public Optional<PendingAck> settle(long pk) {
            Row r = rows.get(pk);
            if (r == null || acked.containsKey(pk) || !"REJECTED".equals(r.status())) {
                return Optional.empty();
            }
            return Optional.of(new PendingAck(pk, r.s().ackEndpoint(), r.s().ackRef(), new BatchAck(r.s().batchId(),
                    r.status(), 0, 0, 0, List.copyOf(r.errors()), "2026-11-24T01:15:00.000+08:00")));
        }

        @Override
        public void markAcked(long pk) {
            acked.put(pk, true);
        }

        @Override
        public boolean acked(long pk) {
            return acked.containsKey(pk);
        }
    }
}

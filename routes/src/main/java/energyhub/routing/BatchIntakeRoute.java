package energyhub.routing;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * The one way into the routing core: {@code direct:batch-intake} takes a {@link BatchSubmission},
 * stages it, delivers it to both targets and answers it; the body coming back is the
 * {@link IntakeOutcome}, so the intake can archive or quarantine what it read.
 */
@Component
public class BatchIntakeRoute extends RouteBuilder {

    public static final String ENDPOINT = "direct:batch-intake";
    static final String OUTCOME = "hubIntakeOutcome";
    /**
     * Exchange property set on the intake's exchange when batch-intake returns: true when the batch's
     * ACK has been handed to the intake's ACK endpoint (so the intake may let go of what it read),
     * false when it is still to come from delivery-sweep.
     */
    public static final String ANSWERED = "hubAnswered";

    private final BatchStager stager;
    private final BatchLedger ledger;

    public BatchIntakeRoute(BatchStager stager, BatchLedger ledger) {
        this.stager = stager;
        this.ledger = ledger;
    }

    @Override
    public void configure() {
        from(ENDPOINT).routeId("batch-intake")
                .routeConfigurationId(DeliveryFailurePolicy.INTAKE_ID)
                .bean(stager, "stage(${exchange})").id("stage-batch")
                .setProperty(OUTCOME, body())
                .setHeader(Headers.BATCH_PK, simple("${body.batchPk}"))
                .filter(simple("${body.disposition} in 'STAGED,RESUMED'"))
                    .to(DualDeliveryRoute.ENDPOINT).id("deliver-batch")
                .end()
                // sent, or left to delivery-sweep, which reads the ledger: not held any longer
                .removeProperty(BatchStager.STAGED_CHUNKS).id("staged-chunks-sent")
                // enrich with the original kept: a batch that cannot be answered now (the ledger is down, the
                // ACK endpoint failed) is handled in settle-batch and answered by delivery-sweep; the intake
                // still gets its outcome
                .enrich(SettleBatchRoute.ENDPOINT, new KeepOriginal()).id("answer-batch")
                // not answered by settle-batch just now: the ledger says whether it was answered before
                .filter(exchangeProperty(ANSWERED).isNull())
                    .setProperty(ANSWERED, method(ledger, "acked(${header." + Headers.BATCH_PK + "})")).id("answered")
                .end()
                .setBody(exchangeProperty(OUTCOME));
    }

    /**
     * The enrich's strategy: the intake's own exchange goes on unchanged, whatever settle-batch did or
     * failed at; the one thing carried back is {@link #ANSWERED}, set by settle-batch once its ACK was
     * handed over and marked, which spares a query of the ledger per batch.
     */
    static final class KeepOriginal implements AggregationStrategy {

        @Override
        public Exchange aggregate(Exchange original, Exchange settled) {
            if (settled != null && settled.getException() == null
                    && Boolean.TRUE.equals(settled.getProperty(ANSWERED, Boolean.class))) {
                original.setProperty(ANSWERED, true);
            }
            return original;
        }
    }
}

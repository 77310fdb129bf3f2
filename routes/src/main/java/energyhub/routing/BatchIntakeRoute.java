package energyhub.routing;

import org.apache.camel.builder.AggregationStrategies;
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
                .bean(stager, "stage").id("stage-batch")
                .setProperty(OUTCOME, body())
                .setHeader(Headers.BATCH_PK, simple("${body.batchPk}"))
                .filter(simple("${body.disposition} in 'STAGED,RESUMED'"))
                    .to(DualDeliveryRoute.ENDPOINT).id("deliver-batch")
                .end()
                // enrich with the original kept: a batch that cannot be answered now (the ledger is down, the
                // ACK endpoint failed) is handled in settle-batch and answered by delivery-sweep; the intake
                // still gets its outcome
                .enrich(SettleBatchRoute.ENDPOINT, AggregationStrategies.useOriginal(false)).id("answer-batch")
                // what settle-batch did is not carried back by the enrich: the ledger says whether it answered
                .setProperty(ANSWERED, method(ledger, "acked(${header." + Headers.BATCH_PK + "})")).id("answered")
                .setBody(exchangeProperty(OUTCOME));
    }
}

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

    private final BatchStager stager;

    public BatchIntakeRoute(BatchStager stager) {
        this.stager = stager;
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
                .setBody(exchangeProperty(OUTCOME));
    }
}

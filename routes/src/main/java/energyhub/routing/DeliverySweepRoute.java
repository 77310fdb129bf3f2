package energyhub.routing;

import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * Finishes what the intake could not: deliveries that failed (retried with back-off), deliveries
 * left half-sent by a crash, and ACKs not yet handed over. Runs every {@code hub.routing.sweep-interval}.
 */
@Component
public class DeliverySweepRoute extends RouteBuilder {

    private static final int BATCHES_PER_SWEEP = 100;

    private final BatchLedger ledger;

    public DeliverySweepRoute(BatchLedger ledger) {
        this.ledger = ledger;
    }

    @Override
    public void configure() {
        from("timer:delivery-sweep?delay=1000&period={{hub.routing.sweep-interval:5s}}").routeId("delivery-sweep")
                .bean(ledger, "dueDeliveries(" + BATCHES_PER_SWEEP + ")").id("find-due-deliveries")
                .split(body()).id("each-due-delivery")
                    .setHeader(Headers.BATCH_PK, simple("${body.batchPk}"))
                    .toD("direct:deliver-${body.target}").id("retry-delivery")
                .end()
                .bean(ledger, "unacknowledged(" + BATCHES_PER_SWEEP + ")").id("find-unanswered")
                .split(body()).id("each-unanswered")
                    .setHeader(Headers.BATCH_PK, body())
                    .to(SettleBatchRoute.ENDPOINT).id("answer-late")
                .end();
    }
}

package energyhub.routing;

import java.util.List;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Finishes what the intake could not: deliveries that failed (retried with back-off), deliveries
 * whose claim lapsed (a crashed holder, or one that lost the database before it could record its
 * result), and ACKs not yet handed over. Runs every {@code hub.routing.sweep-interval}; while the
 * ledger's database is down it fails in one WARN line per outage ({@link LedgerOutage}) and, once
 * the database answers, finishes everything the outage interrupted without a restart.
 */
@Component
public class DeliverySweepRoute extends RouteBuilder {

    private static final Logger log = LoggerFactory.getLogger(DeliverySweepRoute.class);
    private static final int BATCHES_PER_SWEEP = 100;

    private final BatchLedger ledger;
    private final LedgerOutage outage;

    public DeliverySweepRoute(BatchLedger ledger, LedgerOutage outage) {
        this.ledger = ledger;
        this.outage = outage;
    }

    @Override
    public void configure() {
        from("timer:delivery-sweep?delay=1000&period={{hub.routing.sweep-interval:5s}}").routeId("delivery-sweep")
                .routeConfigurationId(DeliveryFailurePolicy.ID)
                .bean(ledger, "dueDeliveries(" + BATCHES_PER_SWEEP + ")").id("find-due-deliveries")
                .bean(outage, "answered").id("ledger-answers")
                .bean(this, "reportLapsedClaims").id("report-lapsed-claims")
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

    /** One line per delivery whose claim lapsed: who held it, and that this sweep takes it over. */
    public void reportLapsedClaims(List<BatchLedger.DueDelivery> due) {
        for (BatchLedger.DueDelivery d : due) {
            if (d.lapsedHolder() != null) {
                log.warn("delivery of batch #{} to {}: the claim of {} lapsed without a result; delivery-sweep "
                        + "takes it over and sends again (the broker drops the copies it already has)",
                        d.batchPk(), d.target(), d.lapsedHolder());
            }
        }
    }
}

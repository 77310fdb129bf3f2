package energyhub.routing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Says once that the ledger's database is unreachable, and once that it answers again: while it
 * is down every poll and every delivery fails the same way, and one WARN line per outage (not a
 * stack trace per poll) is what an operator needs. Each failed step is left for delivery-sweep,
 * which finishes it when the database is back.
 */
@Component
public class LedgerOutage {

    private static final Logger log = LoggerFactory.getLogger(LedgerOutage.class);

    private final Clock clock;
    private final Outage outage;

    public LedgerOutage(Clock clock) {
        this.clock = clock;
        this.outage = new Outage(clock);
    }

    /** A step of a routing-core route could not reach the ledger (called by delivery-failure-policy). */
    public void report(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        report(DeliveryCauses.routeOf(exchange), describe(exchange), cause);
    }

    void report(String routeId, String what, Throwable cause) {
        String next;
        if ("batch-intake".equals(routeId)) {
            next = "nothing is staged, the intake keeps its input and submits it again";
        } else if (routeId != null && (routeId.startsWith("deliver-") || routeId.startsWith("send-")
                || routeId.equals("settle-batch") || routeId.equals("dual-delivery") || routeId.equals("delivery-sweep"))) {
            next = "left to delivery-sweep, which finishes every interrupted delivery and unanswered batch once "
                    + "the database answers";
        } else {
            next = "it runs again on its next poll";
        }
        String message = "ledger database unavailable (" + DeliveryCauses.rootMessage(cause) + ") in " + routeId
                + " (" + what + "): " + next + "; further failures are not logged until then";
        if (outage.failed(DeliveryCauses.rootMessage(cause))) {
            log.warn(message);
        } else {
            log.debug(message);
        }
    }

    /** The ledger answered: ends an outage, if one was reported. */
    public void answered() {
        Instant since = outage.ended();
        if (since != null) {
            log.info("ledger database answers again after {}s; delivery-sweep finishes what the outage interrupted",
                    Duration.between(since, clock.instant()).toSeconds());
        }
    }

    public boolean isDown() {
        return outage.isDown();
    }

    private static String describe(Exchange exchange) {
        Object pk = exchange.getProperty(TargetDeliveryRoute.PK);
        if (pk == null) {
            pk = exchange.getMessage().getHeader(Headers.BATCH_PK);
        }
        Object target = exchange.getProperty(Headers.TARGET);
        return pk == null ? "no batch" : "batch #" + pk + (target == null ? "" : " to " + target);
    }
}

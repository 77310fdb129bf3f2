package energyhub.routing;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;

/**
 * What delivery-failure-policy does with a failed step: a delivery attempt is recorded FAILED with
 * its named cause and a back-off; any other step is logged in one line. Nothing is thrown on.
 */
@Component
public class DeliveryFailures {

    private static final Logger log = LoggerFactory.getLogger(DeliveryFailures.class);

    private final BatchLedger ledger;
    private final RoutingProperties properties;
    private final LedgerOutage outage;

    public DeliveryFailures(BatchLedger ledger, RoutingProperties properties, LedgerOutage outage) {
        this.ledger = ledger;
        this.properties = properties;
        this.outage = outage;
    }

    /** Any failure the policy has no narrower case for. */
    public void failed(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (ledgerFailure(cause)) {
            // Camel matches onException from the deepest cause up, so a ConnectException under a
            // CannotGetJdbcConnectionException lands here rather than in the ledger clause
            outage.report(exchange);
            return;
        }
        String target = exchange.getProperty(Headers.TARGET, String.class);
        Long pk = exchange.getProperty(TargetDeliveryRoute.PK, Long.class);
        if (target == null || pk == null) {
            Object batch = exchange.getMessage().getHeader(Headers.BATCH_PK);
            log.warn("{}: {} failed: {}; delivery-sweep tries again on its next run", DeliveryCauses.routeOf(exchange),
                    batch == null ? "a step" : "batch #" + batch, DeliveryCauses.rootMessage(cause));
            log.debug("stack trace of that failure", cause);
            return;
        }
        String why = DeliveryCauses.describe(cause, properties.queueOf(Target.of(target)));
        try {
            ledger.failed(pk, target, why);
        } catch (DataAccessException | TransactionException e) {
            outage.report(DeliveryCauses.routeOf(exchange), "batch #" + pk + " to " + target + " failed: " + why, e);
            return;
        }
        log.warn("delivery of batch {} (#{}) to {} failed: {}; delivery-sweep retries it with back-off",
                exchange.getProperty(Headers.BATCH_ID), pk, target, why);
        log.debug("stack trace of that failure", cause);
    }

    static boolean ledgerFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DataAccessException || t instanceof TransactionException || t instanceof java.sql.SQLException) {
                return true;
            }
        }
        return false;
    }

    /** Another holder took the delivery over while this one was sending: it is that holder's now. */
    public void leaseLost(Exchange exchange) {
        log.warn("delivery of batch #{} to {}: the claim lapsed and was taken over by another holder; "
                + "this attempt stops and leaves it to that holder", exchange.getProperty(TargetDeliveryRoute.PK),
                exchange.getProperty(Headers.TARGET));
    }
}

package energyhub.routing;

import java.sql.SQLException;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;

/**
 * {@value #ID}: how the routing core's routes (batch-intake, dual-delivery, deliver-*, settle-batch,
 * delivery-sweep) handle each kind of failure, in one place. Every case is handled, logged in one
 * line by {@link DeliveryFailures} or {@link LedgerOutage}, and left to delivery-sweep:
 * <ul>
 * <li>the ledger's database is unreachable: one WARN per outage; the claim lapses and the sweep
 *     sends again, the batch is answered by the sweep;</li>
 * <li>the claim was taken over by another holder (its lease lapsed): left to that holder;</li>
 * <li>anything else (the target refused, is full, did not answer in time): the delivery is FAILED
 *     with the named cause and retried with back-off.</li>
 * </ul>
 * batch-intake has {@value #INTAKE_ID}: a ledger outage while staging is reported once and thrown back
 * to the intake, which keeps its input to submit again. A database that refuses the batch's <em>data</em>
 * (SQLState class 22 or 23, {@link LedgerRefusal}) is no outage and never gets here: {@link BatchStager}
 * answers that batch REJECTED {@code LEDGER_REFUSED} at once, since staging it again would fail for ever.
 */
@Component
public class DeliveryFailurePolicy extends RouteConfigurationBuilder {

    public static final String ID = "delivery-failure-policy";
    /** batch-intake's: a ledger outage at staging is said once and thrown back to the intake, which keeps its input. */
    public static final String INTAKE_ID = "intake-failure-policy";
    /**
     * For any route that polls the ledger's database (the wings' timers too): an outage is said once
     * by {@link LedgerOutage}, not as a stack trace per poll, and the route runs again on its next poll.
     */
    public static final String LEDGER_ID = "ledger-outage-policy";

    private final LedgerOutage outage;
    private final DeliveryFailures failures;

    public DeliveryFailurePolicy(LedgerOutage outage, DeliveryFailures failures) {
        this.outage = outage;
        this.failures = failures;
    }

    @Override
    public void configuration() {
        routeConfiguration(ID)
                .onException(DeliveryCauses.LeaseLostException.class).handled(true)
                    .bean(failures, "leaseLost").id("policy-lease-lost")
                .end()
                .onException(DataAccessException.class, TransactionException.class, SQLException.class).handled(true)
                    .bean(outage, "report").id("policy-ledger-unavailable")
                .end()
                .onException(Exception.class).handled(true)
                    .bean(failures, "failed").id("policy-failed")
                .end();

        // nothing is staged: the intake must keep its input (the ferry leaves the package in its inbox and
        // reads it again), so the failure goes back to it, said once per outage and without a stack trace
        routeConfiguration(INTAKE_ID)
                .onException(DataAccessException.class, TransactionException.class, SQLException.class).handled(false)
                    .logExhausted(false).logStackTrace(false)
                    .bean(outage, "report").id("intake-policy-ledger-unavailable")
                .end();

        routeConfiguration(LEDGER_ID)
                .onException(DataAccessException.class, TransactionException.class, SQLException.class).handled(true)
                    .bean(outage, "report").id("ledger-policy-unavailable")
                .end();
    }
}

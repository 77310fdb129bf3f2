package energyhub.supplier;

import energyhub.routing.DeliveryCauses;
import energyhub.routing.Outage;
import energyhub.routing.inbox.ReportedPollFailures;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.PollingConsumerPollStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll strategy of a supplier's SFTP pull ({@code pollStrategy=#supplier-{name}-polls}): a poll
 * that cannot reach the server (refused host key, no connection, bad login) is one WARN line naming
 * the supplier, the server and the cause when it starts failing or fails for another cause, and one
 * INFO line when it polls again; never Camel's stack trace on every scheduled poll. The next poll is
 * the next one the schedule fires (no immediate retries).
 */
public class SupplierPollLog implements PollingConsumerPollStrategy {

    private static final Logger log = LoggerFactory.getLogger(SupplierPollLog.class);

    private final String supplier;
    private final String server;
    private final Outage failing = new Outage();

    public SupplierPollLog(String supplier, String server) {
        this.supplier = supplier;
        this.server = server;
    }

    @Override
    public boolean begin(Consumer consumer, Endpoint endpoint) {
        return true;
    }

    @Override
    public void commit(Consumer consumer, Endpoint endpoint, int polledMessages) {
        if (failing.ended() != null) {
            log.info("supplier {}: {} polls again", supplier, server);
        }
    }

    @Override
    public boolean rollback(Consumer consumer, Endpoint endpoint, int retryCounter, Exception cause) {
        String why = cause(cause);
        if (failing.failedFor(why)) {
            log.warn("supplier {}: cannot poll {}: {}; nothing is fetched, tried again at the next scheduled poll",
                    supplier, server, why);
        }
        return false;
    }

    /** The cause as an operator reads it: a refused host key said so, else the innermost cause. */
    static String cause(Throwable t) {
        String hostKey = ReportedPollFailures.hostKeyProblem(t);
        return hostKey != null ? "HOST KEY REFUSED (" + hostKey + "): the server does not present the key pinned in "
                + "known-hosts-file; an operator verifies the server's key and pins it" : DeliveryCauses.rootMessage(t);
    }
}

package energyhub.routing.inbox;

import org.apache.camel.Exchange;
import org.apache.camel.spi.ExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Camel's exception handler (endpoint option {@code exceptionHandler=#reportedPollFailures}) for a
 * polling consumer whose poll strategy already reports a failed poll in one line (the SFTP
 * sources' watchdog, the suppliers' poll log): Camel's own "Failed polling endpoint" report, a WARN
 * with a stack trace on every poll, goes to DEBUG. Anything else the consumer reports (a failed
 * commit or rollback of a file, say) is still a WARN with its stack trace.
 */
public final class ReportedPollFailures implements ExceptionHandler {

    public static final String BEAN = "reportedPollFailures";
    private static final Logger log = LoggerFactory.getLogger(ReportedPollFailures.class);
    private static final String POLL_FAILED = "Failed polling endpoint";

    /**
     * The SSH host-key complaint in a failed poll (a server presenting another key than the one
     * pinned), as one line, or null when the failure was something else.
     */
    public static String hostKeyProblem(Throwable failure) {
        for (Throwable c = failure; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c.getMessage() != null && c.getMessage().toLowerCase(java.util.Locale.ROOT).contains("hostkey")) {
                return energyhub.routing.DeliveryCauses.oneLine(c.getMessage());
            }
        }
        return null;
    }

    @Override
    public void handleException(Throwable exception) {
        handleException(null, null, exception);
    }

    @Override
    public void handleException(String message, Throwable exception) {
        handleException(message, null, exception);
    }

    @Override
    public void handleException(String message, Exchange exchange, Throwable exception) {
        if (message != null && message.startsWith(POLL_FAILED)) {
            log.debug("{} (reported by the poll strategy)", message, exception);
        } else {
            log.warn("{}", message == null ? "polling consumer failure" : message, exception);
        }
    }
}

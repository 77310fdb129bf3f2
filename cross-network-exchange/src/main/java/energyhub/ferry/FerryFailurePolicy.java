package energyhub.ferry;

import org.apache.camel.builder.RouteConfigurationBuilder;
import org.springframework.stereotype.Component;

/**
 * The failure policy of every ferry route (local inboxes and SFTP sources opt in with
 * {@code .routeConfigurationId(FerryFailurePolicy.ID)}). Conditions the hub understands (a bad
 * manifest, a package waiting for its data, a refused name or file type) are answered inside the
 * routes and never reach it; what does is logged by {@link FerryFailures#failed}: one line, a
 * back-off per file, no stack trace per poll, and the exchange is left failed so that Camel rolls the
 * poll back (an SFTP source's remote files stay where they are). {@link LeaveForNextPoll} (a package
 * waiting, or not answered yet) is rolled back the same way without a word.
 */
@Component
public class FerryFailurePolicy extends RouteConfigurationBuilder {

    public static final String ID = "ferry-failure-policy";

    private final FerryFailures failures;

    public FerryFailurePolicy(FerryFailures failures) {
        this.failures = failures;
    }

    @Override
    public void configuration() {
        // not handled: only a failed exchange makes Camel roll the poll back (a handled one would be
        // committed, and an SFTP source's remote files moved away unanswered)
        routeConfiguration(ID)
                .onException(LeaveForNextPoll.class)
                    .handled(false)
                    .logExhausted(false).logStackTrace(false).logHandled(false).logRetryAttempted(false)
                    .logExhaustedMessageHistory(false)
                .end()
                // the backlog lane was full when this package came to it (FerryLanes): read again on a later poll
                .onException(java.util.concurrent.RejectedExecutionException.class)
                    .handled(false)
                    .logExhausted(false).logStackTrace(false).logHandled(false).logRetryAttempted(false)
                    .logExhaustedMessageHistory(false)
                .end()
                .onException(Exception.class)
                    .handled(false)
                    .logExhausted(false).logStackTrace(false).logHandled(false).logRetryAttempted(false)
                    .logExhaustedMessageHistory(false)
                    .bean(failures, "failed").id("ferry-failure-log-and-back-off")
                .end();
    }
}

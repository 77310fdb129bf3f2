package energyhub.ferry.resend;

import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.springframework.stereotype.Component;

/**
 * The failure policy of the 补传 request routes. A run that fails (the outbox not writable, the ledger
 * unavailable) is logged in one line without a stack trace and not retried: the holes are still holes, so
 * the next run asks for them again. An on-demand run ({@code direct:quality-resend-requests}) leaves the
 * exchange failed, so the caller (the operator API) gets the error; the scheduled route, whose only step
 * is that run, takes it as handled (already logged), so that Quartz sees a finished job.
 */
@Component
public class ResendFailurePolicy extends RouteConfigurationBuilder {

    public static final String WRITE = "quality-resend-write-policy";
    public static final String SCHEDULED = "quality-resend-scheduled-policy";

    @Override
    public void configuration() {
        routeConfiguration(WRITE)
                .onException(Exception.class)
                    .handled(false)
                    .logExhausted(false).logStackTrace(false).logHandled(false).logRetryAttempted(false)
                    .logExhaustedMessageHistory(false)
                    .log(LoggingLevel.WARN, ResendRequests.class.getName(),
                            "补传 requests (requested by ${header." + ResendRequests.REQUESTED_BY + "}) failed: "
                                    + "${exception.class.simpleName}: ${exception.message}; the holes are asked "
                                    + "for again by the next request").id("quality-resend-failure-log")
                .end();
        routeConfiguration(SCHEDULED)
                .onException(Exception.class)
                    .handled(true)
                    .logExhausted(false).logStackTrace(false).logHandled(false).logRetryAttempted(false)
                    .logExhaustedMessageHistory(false)
                .end();
    }
}

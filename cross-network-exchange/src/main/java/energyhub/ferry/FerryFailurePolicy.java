package energyhub.ferry;

import org.apache.camel.builder.RouteConfigurationBuilder;
import org.springframework.stereotype.Component;

/**
 * The failure policy of every ferry route (local inboxes and SFTP sources opt in with
 * {@code .routeConfigurationId(FerryFailurePolicy.ID)}). Conditions the hub understands (a bad
 * manifest, a package waiting for its data, a refused name or file type) are answered inside the
 * routes and never reach it; what does is handled by {@link FerryFailures#failed}: one line, a
 * back-off per file, no stack trace per poll, the exchange rolled back (an SFTP source's remote
 * files stay where they are).
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
        routeConfiguration(ID)
                .onException(Exception.class)
                    .handled(true)
                    .logExhausted(false).logStackTrace(false).logHandled(false)
                    .bean(failures, "failed").id("ferry-failure-log-and-back-off")
                .end();
    }
}

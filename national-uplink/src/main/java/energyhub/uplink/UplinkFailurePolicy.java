package energyhub.uplink;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteConfigurationBuilder;

/**
 * How the uplink's routes handle failures, in one place:
 * <ul>
 * <li>{@value #INTAKE_ID} (uplink-intake): nothing is handled. The exchange fails, so the transacted JMS session
 * rolls the chunk back to the queue for redelivery; said in one line by {@link UplinkFailures#intakeFailed}.</li>
 * <li>{@value #ID} (uplink-send, its senders, uplink-housekeeping and the timers): handled and said once per cause by
 * {@link UplinkFailures#roundFailed}; the round counts as idle, so a sender waits {@code idle-wait} before it tries
 * again instead of spinning. Rows claimed by a failed round stay SENDING until their lease ends.</li>
 * </ul>
 */
public class UplinkFailurePolicy extends RouteConfigurationBuilder {

    public static final String ID = "uplink-failure-policy";
    public static final String INTAKE_ID = "uplink-intake-policy";

    private final UplinkFailures failures;

    public UplinkFailurePolicy(UplinkFailures failures) {
        this.failures = failures;
    }

    @Override
    public void configuration() {
        routeConfiguration(INTAKE_ID)
                .onException(Exception.class).handled(false).logExhausted(false).logStackTrace(false)
                    .bean(failures, "intakeFailed").id("uplink-intake-policy-rolled-back")
                .end();

        routeConfiguration(ID)
                .onException(Exception.class).handled(true)
                    .bean(failures, "roundFailed").id("uplink-policy-round-failed")
                    .setProperty(Exchange.SCHEDULER_POLLED_MESSAGES, constant(false)).id("uplink-policy-idle")
                .end();
    }
}

package energyhub.uplink;

import jakarta.jms.ConnectionFactory;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.jms.JmsComponent;

/**
 * The uplink as Camel routes, so that Hawtio shows them and their counters:
 * <ul>
 * <li>{@code uplink-intake}: consumes energy.national (component {@value #JMS}, as the national account) in a
 * transacted session; step {@code uplink-upsert-chunk} ({@link ChunkListener}) commits the chunk's rows, and only
 * then does the session commit, which takes the message off the queue. A failure rolls it back.</li>
 * <li>{@code uplink-sender-1..concurrency}: one scheduler each (greedy: a round that sent something is followed at
 * once by the next; an idle one waits {@code idle-wait}), each calling {@code uplink-send}.</li>
 * <li>{@code uplink-send}: {@code uplink-claim} (due rows, unless paused or the circuit is open) then
 * {@code uplink-post} (the requests and their outcomes, {@link UplinkSender}).</li>
 * <li>{@code uplink-housekeeping} every {@code idle-wait}: expired leases back to PENDING, the version check while
 * paused, the unreachable alert.</li>
 * <li>{@code uplink-version-check} every {@code version-check-interval}, {@code uplink-purge-acked} every 10 minutes.</li>
 * </ul>
 */
public class UplinkRoutes extends RouteBuilder {

    /** The uplink's own JMS component: the national account's connection, apart from the hub's {@code jms}. */
    public static final String JMS = "uplink-jms";
    public static final String SEND = "direct:uplink-send";
    static final long PURGE_PERIOD_MS = 10 * 60_000;

    private final UplinkProperties props;
    private final UplinkSender sender;
    private final LinkMonitor link;
    private final ChunkListener intake;
    private final ConnectionFactory nationalAccount;

    /** {@code intake} and {@code nationalAccount} null: the sending routes only (the module's tests). */
    public UplinkRoutes(UplinkProperties props, UplinkSender sender, LinkMonitor link, ChunkListener intake,
            ConnectionFactory nationalAccount) {
        this.props = props;
        this.sender = sender;
        this.link = link;
        this.intake = intake;
        this.nationalAccount = nationalAccount;
    }

    @Override
    public void configure() {
        long idle = Math.max(1, props.getIdleWait().toMillis());

        if (nationalAccount != null) {
            JmsComponent jms = JmsComponent.jmsComponent(nationalAccount);
            getCamelContext().addComponent(JMS, jms);
            // a local transacted session, no transaction manager (so the consumer and its session are kept, as a
            // plain listener container's are); the policy leaves the failure unhandled, so the session rolls back
            from(JMS + ":queue:" + props.getQueue() + "?transacted=true&lazyCreateTransactionManager=false"
                    + "&mapJmsMessage=false&concurrentConsumers=1&recoveryInterval=1000"
                    + "&errorHandlerLoggingLevel=DEBUG&errorHandlerLogStackTrace=false")
                    .routeId("uplink-intake")
                    .routeConfigurationId(UplinkFailurePolicy.INTAKE_ID)
                    .bean(intake, "upsert").id("uplink-upsert-chunk");
        }

        for (int i = 1; i <= Math.max(1, props.getConcurrency()); i++) {
            from("scheduler:uplink-sender-" + i + "?initialDelay=" + idle + "&delay=" + idle + "&greedy=true")
                    .routeId("uplink-sender-" + i)
                    .routeConfigurationId(UplinkFailurePolicy.ID)
                    .to(SEND).id("uplink-sender-" + i + "-round");
        }

        from(SEND).routeId("uplink-send")
                .routeConfigurationId(UplinkFailurePolicy.ID)
                .bean(sender, "claim").id("uplink-claim")
                .choice().id("uplink-anything-claimed")
                    .when(body().isNull())
                        // an idle round: the sender's scheduler waits idle-wait before the next
                        .setProperty(Exchange.SCHEDULER_POLLED_MESSAGES, constant(false)).id("uplink-nothing-due")
                    .otherwise()
                        .bean(sender, "send").id("uplink-post")
                .end();

        from("scheduler:uplink-housekeeping?initialDelay=" + idle + "&delay=" + idle)
                .routeId("uplink-housekeeping")
                .routeConfigurationId(UplinkFailurePolicy.ID)
                .bean(sender, "releaseExpiredLeases").id("uplink-release-expired-leases")
                .bean(sender, "resumeIfPaused").id("uplink-resume-if-paused")
                .bean(link, "checkAlert").id("uplink-check-alert");

        long versionCheck = Math.max(1000, props.getVersionCheckInterval().toMillis());
        from("scheduler:uplink-version-check?initialDelay=" + versionCheck + "&delay=" + versionCheck)
                .routeId("uplink-version-check")
                .routeConfigurationId(UplinkFailurePolicy.ID)
                .bean(sender, "checkVersion").id("uplink-poll-version");

        from("scheduler:uplink-purge-acked?initialDelay=" + idle + "&delay=" + PURGE_PERIOD_MS)
                .routeId("uplink-purge-acked")
                .routeConfigurationId(UplinkFailurePolicy.ID)
                .bean(sender, "purgeAcked").id("uplink-delete-old-acked");
    }
}

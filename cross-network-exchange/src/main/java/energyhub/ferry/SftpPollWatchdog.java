package energyhub.ferry;

import energyhub.routing.DeliveryCauses;
import energyhub.routing.Outage;
import energyhub.routing.inbox.IntakePollTimes;
import energyhub.routing.inbox.ReportedPollFailures;
import java.time.Clock;
import java.time.Instant;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.PollingConsumerPollStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one SFTP source's poller (Camel calls it around every poll): when the last successful
 * poll is older than {@code max-poll-age} (SFTP clients are known to hang) or the server's host
 * key is not the pinned one, the source is reported DOWN. A refused host key is logged once, loudly.
 * The time of the last successful poll is {@link IntakePollTimes}'s, as for every polling intake.
 */
public class SftpPollWatchdog implements PollingConsumerPollStrategy {

    private static final Logger log = LoggerFactory.getLogger(SftpPollWatchdog.class);

    private final String id;
    private final FerrySource source;
    private final IntakePollTimes polls;
    private final Instant started;
    /** Polls failing (the cause of the last failure), and the host key refused. */
    private final Outage polling;
    private final Outage hostKey;

    public SftpPollWatchdog(String id, FerrySource source, IntakePollTimes polls, Clock clock) {
        this.id = id;
        this.source = source;
        this.polls = polls;
        this.started = clock.instant();
        this.polling = new Outage(clock);
        this.hostKey = new Outage(clock);
    }

    @Override
    public boolean begin(Consumer consumer, Endpoint endpoint) {
        return true;
    }

    @Override
    public void commit(Consumer consumer, Endpoint endpoint, int polledMessages) {
        if (polling.ended() != null | hostKey.ended() != null) {
            log.info("SFTP source {} ({}:{}) polls again", id, source.getHost(), source.getPort());
        }
    }

    @Override
    public boolean rollback(Consumer consumer, Endpoint endpoint, int retryCounter, Exception cause) {
        String refused = ReportedPollFailures.hostKeyProblem(cause);
        boolean newCause = polling.failedFor(DeliveryCauses.rootMessage(cause));
        if (refused != null) {
            if (hostKey.failed(refused)) {
                log.error("SFTP source {}: HOST KEY REFUSED for {}:{} ({}); the server does not present the key pinned in "
                        + "{}. Nothing is fetched from it until an operator verifies the server's key and pins it.",
                        id, source.getHost(), source.getPort(), refused, source.getKnownHostsFile());
            }
        } else if (newCause) {
            // one line when polling starts failing or fails for another cause (Camel's own report of
            // every failed poll, with its stack trace, is turned down by ReportedPollFailures)
            log.warn("SFTP source {}: cannot poll {}:{}: {}; tried again at the next poll", id, source.getHost(),
                    source.getPort(), DeliveryCauses.rootMessage(cause));
        }
        return false; // try again at the next poll
    }

    public String id() {
        return id;
    }

    public Instant lastSuccess() {
        return polls.lastSuccess(SftpSourceRoutes.routeId(id));
    }

    public String lastError() {
        return polling.cause();
    }

    public String hostKeyProblem() {
        return hostKey.cause();
    }

    /** Seconds since the last successful poll (since start while there was none). */
    public double ageSeconds() {
        return polls.age(SftpSourceRoutes.routeId(id), started).toMillis() / 1000.0;
    }

    public boolean healthy() {
        return !hostKey.isDown() && ageSeconds() * 1000 <= source.getMaxPollAge().toMillis();
    }
}

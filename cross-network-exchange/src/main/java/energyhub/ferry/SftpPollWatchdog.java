package energyhub.ferry;

import energyhub.routing.DeliveryCauses;
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
    private volatile String lastError;
    private volatile String hostKeyProblem;

    public SftpPollWatchdog(String id, FerrySource source, IntakePollTimes polls, Clock clock) {
        this.id = id;
        this.source = source;
        this.polls = polls;
        this.started = clock.instant();
    }

    @Override
    public boolean begin(Consumer consumer, Endpoint endpoint) {
        return true;
    }

    @Override
    public void commit(Consumer consumer, Endpoint endpoint, int polledMessages) {
        if (hostKeyProblem != null || lastError != null) {
            log.info("SFTP source {} ({}:{}) polls again", id, source.getHost(), source.getPort());
        }
        lastError = null;
        hostKeyProblem = null;
    }

    @Override
    public boolean rollback(Consumer consumer, Endpoint endpoint, int retryCounter, Exception cause) {
        String hostKey = ReportedPollFailures.hostKeyProblem(cause);
        if (hostKey != null) {
            if (hostKeyProblem == null) {
                log.error("SFTP source {}: HOST KEY REFUSED for {}:{} ({}); the server does not present the key pinned in "
                        + "{}. Nothing is fetched from it until an operator verifies the server's key and pins it.",
                        id, source.getHost(), source.getPort(), hostKey, source.getKnownHostsFile());
            }
            hostKeyProblem = hostKey;
        } else if (!DeliveryCauses.rootMessage(cause).equals(lastError)) {
            // one line when polling starts failing or fails for another cause (Camel's own report of
            // every failed poll, with its stack trace, is turned down by ReportedPollFailures)
            log.warn("SFTP source {}: cannot poll {}:{}: {}; tried again at the next poll", id, source.getHost(),
                    source.getPort(), DeliveryCauses.rootMessage(cause));
        }
        lastError = DeliveryCauses.rootMessage(cause);
        return false; // try again at the next poll
    }

    public String id() {
        return id;
    }

    public Instant lastSuccess() {
        return polls.lastSuccess(SftpSourceRoutes.routeId(id));
    }

    public String lastError() {
        return lastError;
    }

    public String hostKeyProblem() {
        return hostKeyProblem;
    }

    /** Seconds since the last successful poll (since start while there was none). */
    public double ageSeconds() {
        return polls.age(SftpSourceRoutes.routeId(id), started).toMillis() / 1000.0;
    }

    public boolean healthy() {
        return hostKeyProblem == null && ageSeconds() * 1000 <= source.getMaxPollAge().toMillis();
    }
}

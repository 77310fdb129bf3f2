package energyhub.uplink;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The link's state as operators see it: one log line per change (never one per record), when it became unreachable,
 * the alert after {@code hub.uplink.alert-after}, the health.
 */
public class LinkMonitor {

    public enum State { STARTING, UP, UNREACHABLE, PAUSED }

    private static final Logger log = LoggerFactory.getLogger("energyhub.uplink.link");

    private final Duration alertAfter;
    private final Clock clock = Clock.systemUTC();
    private State state = State.STARTING;
    private Instant unreachableSince;
    private String cause;
    private boolean alerted;

    public LinkMonitor(Duration alertAfter) {
        this.alertAfter = alertAfter;
    }

    public synchronized void up() {
        if (state != State.UP) {
            log.info("national link UP{}", unreachableSince == null ? ""
                    : " after " + Duration.between(unreachableSince, clock.instant()).toSeconds() + "s unreachable");
        }
        state = State.UP;
        unreachableSince = null;
        cause = null;
        alerted = false;
    }

    public synchronized void unreachable(String why) {
        if (state != State.UNREACHABLE) {
            log.warn("national link UNREACHABLE: {}; records stay PENDING and are retried with back-off", why);
            unreachableSince = clock.instant();
            state = State.UNREACHABLE;
        }
        cause = why;
        checkAlert();
    }

    public synchronized void paused(String why) {
        if (state != State.PAUSED) {
            log.info("national link PAUSED: {}", why);
        }
        state = State.PAUSED;
    }

    public synchronized void circuit(String from, String to) {
        log.info("national link circuit {} -> {}", from, to);
    }

    /** Logs the alert once when the link has been unreachable longer than alert-after. */
    public synchronized void checkAlert() {
        if (state == State.UNREACHABLE && !alerted && unreachableSince != null
                && Duration.between(unreachableSince, clock.instant()).compareTo(alertAfter) >= 0) {
            alerted = true;
            log.error("ALERT national platform unreachable for more than {}s (since {}): {}; nothing is lost, records "
                    + "wait PENDING (docs/national-uplink.md, 'When the platform is down')", alertAfter.toSeconds(),
                    unreachableSince, cause);
        }
    }

    public synchronized State state() {
        return state;
    }

    public synchronized String cause() {
        return cause;
    }

    public synchronized Instant unreachableSince() {
        return unreachableSince;
    }

    /** Unreachable longer than alert-after. */
    public synchronized boolean down() {
        return state == State.UNREACHABLE && unreachableSince != null
                && Duration.between(unreachableSince, clock.instant()).compareTo(alertAfter) >= 0;
    }
}

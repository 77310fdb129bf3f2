package energyhub.ferry;

import energyhub.routing.inbox.IntakeNames;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * What the ferry routes' failure policy ({@link FerryFailurePolicy}) does with an exception a ferry
 * route did not expect: ONE log line naming route, file, cause and what happens next; the stack trace
 * only on the first failure of a file (a new bug must be diagnosable), never again per poll. The file
 * is then held back by the inbox filter with a doubling back-off (one poll interval, then 2, 4, ... up
 * to {@link #MAX_BACKOFF}), so a package that keeps failing costs one line per back-off step, not one
 * stack trace per poll. Nothing is quarantined for a failure of the hub's own (database down, disk
 * full): the package stays and is taken as soon as the cause is gone. A file that vanished while it
 * was read (the gate took it back) is a WARN line, no stack trace.
 */
@Component
public class FerryFailures {

    private static final Logger log = LoggerFactory.getLogger(FerryFailures.class);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
    /** Exchange property the ferry routes set to the (checked) name of the file the exchange is about. */
    static final String FILE = "ferryFileName";

    private record Failing(int count, Instant next) {
    }

    private final Map<String, Failing> failing = new ConcurrentHashMap<>();
    private final Clock clock;
    private final FerryProperties properties;

    public FerryFailures(Clock clock, FerryProperties properties) {
        this.clock = clock;
        this.properties = properties;
    }

    /** True while a file of this route is in its back-off after a failure. */
    public boolean held(String routeId, String name) {
        Failing f = failing.get(routeId + "/" + name);
        return f != null && clock.instant().isBefore(f.next());
    }

    /** The file was answered: its failures are forgotten. */
    public void succeeded(String routeId, String name) {
        if (name != null) {
            failing.remove(routeId + "/" + name);
        }
    }

    /** The failure policy's processor: one line and a back-off; the policy leaves the exchange failed (rolled back). */
    public void failed(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String route = exchange.getFromRouteId();
        String name = exchange.getProperty(FILE, String.class);
        if (name == null) {
            name = exchange.getMessage().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        }
        String shown = IntakeNames.escape(name);
        String key = route + "/" + name;
        Failing f = failing.merge(key, new Failing(1, Instant.EPOCH),
                (old, one) -> new Failing(old.count() + 1, Instant.EPOCH));
        Duration backoff = properties.getPollInterval().multipliedBy(1L << Math.min(f.count(), 20));
        if (backoff.compareTo(MAX_BACKOFF) > 0) {
            backoff = MAX_BACKOFF;
        }
        failing.put(key, new Failing(f.count(), clock.instant().plus(backoff)));
        if (isVanished(cause)) {
            log.warn("{}: {} vanished while it was read ({}); looked at again in {}", route, shown,
                    cause.getMessage(), backoff);
        } else if (f.count() == 1) {
            log.error("{}: {} failed unexpectedly: {}; it stays in the inbox and is tried again in {} "
                    + "(doubling, at most {}); the stack trace is logged this once", route, shown, cause, backoff,
                    MAX_BACKOFF, cause);
        } else {
            log.error("{}: {} failed again (attempt {}): {}; it stays and is tried again in {}", route, shown,
                    f.count(), cause, backoff);
        }
    }

    private static boolean isVanished(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof NoSuchFileException) {
                return true;
            }
        }
        return false;
    }
}

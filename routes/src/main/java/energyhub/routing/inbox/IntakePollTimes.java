package energyhub.routing.inbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.support.ScheduledPollConsumer;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The one record of when each polling intake route last polled successfully (Camel counts successful
 * polls, not their time): noted every {@code hub.monitoring.poll-check-interval} and whenever asked.
 * The {@code intakePolls} health (monitoring), the {@code ferrySources} health and the gauge
 * {@code hub.ferry.source.poll.age} (cross-network-exchange) all read it.
 */
@Component
public class IntakePollTimes {

    /** Per route: successful polls seen, when the count last grew (null: never), when first looked at. */
    private record Seen(long successes, Instant lastSuccess, Instant firstSeen) {
    }

    private final Map<String, Seen> seen = new ConcurrentHashMap<>();
    private final CamelContext camel;
    private final Clock clock;

    public IntakePollTimes(CamelContext camel, Clock clock) {
        this.camel = camel;
        this.clock = clock;
    }

    /** Notes the polls of every polling route since the last look. */
    @Scheduled(fixedDelayString = "${hub.monitoring.poll-check-interval:5s}")
    public void watch() {
        for (Route route : camel.getRoutes()) {
            note(route.getRouteId(), route);
        }
    }

    private Seen note(String routeId, Route route) {
        if (route == null || !(route.getConsumer() instanceof ScheduledPollConsumer c)) {
            return seen.get(routeId);
        }
        long successes = c.getSuccessCounter();
        Instant now = clock.instant();
        return seen.compute(routeId, (id, s) -> s == null
                ? new Seen(successes, successes > 0 ? now : null, now)
                : s.successes() != successes ? new Seen(successes, now, s.firstSeen()) : s);
    }

    private Seen now(String routeId) {
        return note(routeId, camel.getRoute(routeId));
    }

    /** The route's last successful poll, or null when it has had none (or is no polling route). */
    public Instant lastSuccess(String routeId) {
        Seen s = now(routeId);
        return s == null ? null : s.lastSuccess();
    }

    /** The last successful poll, or, while there was none, when the route was first looked at (null: never). */
    public Instant lastSuccessOrFirstSeen(String routeId) {
        Seen s = now(routeId);
        return s == null ? null : s.lastSuccess() != null ? s.lastSuccess() : s.firstSeen();
    }

    /** How long ago the route last polled successfully; while it never did, since it (or the hub) was first looked at. */
    public Duration age(String routeId, Instant whenNeverSeen) {
        Instant since = lastSuccessOrFirstSeen(routeId);
        return Duration.between(since != null ? since : whenNeverSeen, clock.instant());
    }
}

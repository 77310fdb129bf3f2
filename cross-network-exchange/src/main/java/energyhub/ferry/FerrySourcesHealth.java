package energyhub.ferry;

import energyhub.routing.inbox.IntakePollTimes;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health {@code ferrySources} and gauge {@code hub.ferry.source.poll.age} (seconds since the last
 * successful poll, tag {@code source}) of every SFTP source: DOWN when one has not polled
 * successfully for longer than its {@code max-poll-age} or refused its server's host key. When a source
 * last polled successfully is {@link IntakePollTimes}'s record, which the {@code intakePolls} health reads too.
 */
@Component("ferrySources")
public class FerrySourcesHealth implements HealthIndicator {

    private final Map<String, SftpPollWatchdog> watchdogs = new LinkedHashMap<>();

    public FerrySourcesHealth(FerryProperties properties, IntakePollTimes polls, Clock clock,
            ObjectProvider<MeterRegistry> registry) {
        properties.getSources().forEach((id, source) -> {
            if (source.getType() == FerrySource.Type.SFTP && source.isEnabled()) {
                SftpPollWatchdog w = new SftpPollWatchdog(id, source, polls, clock);
                watchdogs.put(id, w);
                registry.ifAvailable(r -> Gauge.builder("hub.ferry.source.poll.age", w, SftpPollWatchdog::ageSeconds)
                        .tag("source", SftpSourceRoutes.routeId(id)).baseUnit("seconds")
                        .description("seconds since the last successful poll of an SFTP ferry source").register(r));
            }
        });
    }

    public SftpPollWatchdog watchdog(String id) {
        return watchdogs.get(id);
    }

    @Override
    public Health health() {
        if (watchdogs.isEmpty()) {
            return Health.up().build();
        }
        boolean up = true;
        Health.Builder builder = Health.up();
        for (SftpPollWatchdog w : watchdogs.values()) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("status", w.healthy() ? "UP" : "DOWN");
            d.put("lastSuccessfulPoll", w.lastSuccess() == null ? "never" : w.lastSuccess().toString());
            d.put("secondsSinceLastSuccessfulPoll", Math.round(w.ageSeconds()));
            if (w.hostKeyProblem() != null) {
                d.put("hostKey", "REFUSED: " + w.hostKeyProblem());
            }
            if (w.lastError() != null) {
                d.put("lastError", w.lastError());
            }
            builder.withDetail(SftpSourceRoutes.routeId(w.id()), d);
            up &= w.healthy();
        }
        return (up ? builder : builder.down()).build();
    }
}

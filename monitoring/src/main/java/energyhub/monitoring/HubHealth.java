package energyhub.monitoring;

import java.io.File;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import energyhub.routing.inbox.IntakePollTimes;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.support.ScheduledPollConsumer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Health beyond Boot's own (db, jms): disk of the data directory and of the broker journal, which
 * turn WARNING well before Artemis blocks producers at {@code hub.broker.max-disk-usage}, and each
 * polling intake's last successful poll (as {@link IntakePollTimes} records it; @EnableScheduling here keeps it
 * noting them). Groups in application.yml: broker, database, disk, intakes.
 */
@Configuration
@EnableScheduling
public class HubHealth {

    /** Not DOWN yet, but an operator must act: sorts between DOWN and UP (management.endpoint.health.status.order). */
    public static final Status WARNING = new Status("WARNING");

    private final CamelContext camel;
    private final Clock clock;
    /** Owns each polling intake's last successful poll (read by the ferry sources' health too). */
    private final IntakePollTimes polls;

    public HubHealth(CamelContext camel, Clock clock, IntakePollTimes polls) {
        this.camel = camel;
        this.clock = clock;
        this.polls = polls;
    }

    @Bean
    HealthIndicator dataDisk(@Value("${hub.data-dir:./data}") String dataDir,
            @Value("${hub.broker.max-disk-usage:90}") int maxUsage,
            @Value("${hub.monitoring.disk-warn-margin:15}") int margin) {
        return () -> disk(Path.of(dataDir), maxUsage, margin);
    }

    @Bean
    HealthIndicator brokerJournalDisk(@Value("${hub.data-dir:./data}") String dataDir,
            @Value("${hub.broker.data-dir:}") String brokerDir, @Value("${hub.broker.max-disk-usage:90}") int maxUsage,
            @Value("${hub.monitoring.disk-warn-margin:15}") int margin) {
        return () -> disk(brokerDir.isBlank() ? Path.of(dataDir, "broker") : Path.of(brokerDir), maxUsage, margin);
    }

    /** Usage at or above the broker's limit: DOWN (Artemis refuses messages); within the margin below it: WARNING. */
    static Health disk(Path dir, int maxUsage, int margin) {
        File f = dir.toAbsolutePath().toFile();
        while (f != null && !f.exists()) {
            f = f.getParentFile();
        }
        if (f == null) {
            return Health.unknown().withDetail("path", dir.toString()).build();
        }
        long total = f.getTotalSpace();
        long free = f.getUsableSpace();
        double used = total == 0 ? 0 : 100.0 * (total - free) / total;
        Health.Builder b = used >= maxUsage ? Health.down() : used >= maxUsage - margin ? Health.status(WARNING)
                : Health.up();
        return b.withDetail("path", dir.toAbsolutePath().toString()).withDetail("usedPercent", Math.round(used * 10) / 10.0)
                .withDetail("freeBytes", free).withDetail("brokerBlocksAtPercent", maxUsage)
                .withDetail("warnsAtPercent", maxUsage - margin).build();
    }

    @Bean
    HealthIndicator intakePolls(@Value("${hub.monitoring.intake-stale-after:5m}") Duration staleAfter) {
        return () -> {
            polls.watch();
            Health.Builder b = Health.up();
            long now = clock.millis();
            for (Route route : camel.getRoutes()) {
                if (!(route.getConsumer() instanceof ScheduledPollConsumer c)) {
                    continue;
                }
                Instant last = polls.lastSuccessOrFirstSeen(route.getRouteId());
                boolean started = camel.getRouteController().getRouteStatus(route.getRouteId()).isStarted();
                // a route polled every hour is not stale after five minutes; one on a cron (Quartz) scheduler
                // has no fixed period here, so it is reported but judged by its own health check
                boolean fixedPeriod = c.getScheduler() == null
                        || c.getScheduler().getClass().getSimpleName().startsWith("Default");
                long limit = Math.max(staleAfter.toMillis(), 3 * c.getTimeUnit().toMillis(Math.max(c.getDelay(), 0)));
                boolean stale = fixedPeriod && (last == null || now - last.toEpochMilli() > limit);
                b.withDetail(route.getRouteId(), Map.of("started", started, "lastSuccessfulPoll",
                        String.valueOf(last), "failedPolls", c.getErrorCounter(), "stale", stale));
                if (!started || stale) {
                    b.down();
                }
            }
            return b.build();
        };
    }
}

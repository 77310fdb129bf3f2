package energyhub.monitoring;

import java.io.File;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Health beyond Boot's own (db, jms): disk of the data directory and of the broker journal, which
 * turn WARNING well before Artemis blocks producers at {@code hub.broker.max-disk-usage}, and each
 * polling intake's last successful poll. Groups in application.yml: broker, database, disk, intakes.
 */
@Configuration
@EnableScheduling
public class HubHealth {

    /** Not DOWN yet, but an operator must act: sorts between DOWN and UP (management.endpoint.health.status.order). */
    public static final Status WARNING = new Status("WARNING");

    private final Map<String, long[]> polls = new ConcurrentHashMap<>(); // route -> {successes, last success millis}
    private final CamelContext camel;
    private final Clock clock;

    public HubHealth(CamelContext camel, Clock clock) {
        this.camel = camel;
        this.clock = clock;
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

    /** Notes when each polling intake last polled successfully (Camel counts successes, not their time). */
    @Scheduled(fixedDelayString = "${hub.monitoring.poll-check-interval:5s}")
    public void watchPolls() {
        long now = clock.millis();
        for (Route route : camel.getRoutes()) {
            if (route.getConsumer() instanceof ScheduledPollConsumer c) {
                long successes = c.getSuccessCounter();
                polls.compute(route.getRouteId(), (id, seen) -> seen == null || seen[0] != successes
                        ? new long[] {successes, successes > 0 ? now : (seen == null ? now : seen[1])} : seen);
            }
        }
    }

    @Bean
    HealthIndicator intakePolls(@Value("${hub.monitoring.intake-stale-after:5m}") Duration staleAfter) {
        return () -> {
            watchPolls();
            Health.Builder b = Health.up();
            long now = clock.millis();
            for (Route route : camel.getRoutes()) {
                if (!(route.getConsumer() instanceof ScheduledPollConsumer c)) {
                    continue;
                }
                long[] seen = polls.get(route.getRouteId());
                boolean started = camel.getRouteController().getRouteStatus(route.getRouteId()).isStarted();
                Instant last = seen == null ? null : Instant.ofEpochMilli(seen[1]);
                // a route polled every hour is not stale after five minutes; one on a cron (Quartz) scheduler
                // has no fixed period here, so it is reported but judged by its own health check
                boolean fixedPeriod = c.getScheduler() == null
                        || c.getScheduler().getClass().getSimpleName().startsWith("Default");
                long limit = Math.max(staleAfter.toMillis(), 3 * c.getTimeUnit().toMillis(Math.max(c.getDelay(), 0)));
                boolean stale = fixedPeriod && (seen == null || now - seen[1] > limit);
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

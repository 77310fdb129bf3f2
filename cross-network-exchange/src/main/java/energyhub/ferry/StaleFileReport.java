package energyhub.ferry;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.stereotype.Component;

/**
 * Contracts section 2, duty 6: a data file whose manifest has not come after {@code hub.ferry.stale-after}
 * is reported but never processed: a WARN line per file when first seen, the gauge
 * {@code hub.ferry.stale.files}, and the health {@code ferryStaleFiles} (WARNING, naming the files).
 * Every local inbox is scanned ({@code ferry-stale-files}, every {@code hub.ferry.stale-scan-interval}).
 */
@Component("ferryStaleFiles")
public class StaleFileReport extends RouteBuilder implements HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(StaleFileReport.class);
    static final Status WARNING = new Status("WARNING");

    private final FerryProperties properties;
    private final Clock clock;
    private volatile Set<String> stale = Set.of();

    public StaleFileReport(FerryProperties properties, Clock clock, ObjectProvider<MeterRegistry> registry) {
        this.properties = properties;
        this.clock = clock;
        registry.ifAvailable(r -> Gauge.builder("hub.ferry.stale.files", this, StaleFileReport::count)
                .description("data files waiting longer than hub.ferry.stale-after for their manifest").register(r));
    }

    @Override
    public void configure() {
        from("timer:ferry-stale-files?delay=1000&period=" + properties.getStaleScanInterval().toMillis())
                .routeId("ferry-stale-files")
                .process(exchange -> scan()).id("ferry-stale-scan");
    }

    /** Data files in the local inboxes waiting longer than the limit for their manifest. */
    public int count() {
        return stale.size();
    }

    @Override
    public Health health() {
        return (stale.isEmpty() ? Health.up() : Health.status(WARNING)).withDetail("staleAfter",
                properties.getStaleAfter().toString()).withDetail("files", List.copyOf(stale)).build();
    }

    synchronized void scan() throws IOException {
        Map<String, String> inboxes = new LinkedHashMap<>();
        inboxes.put(FerryInboxRoute.ROUTE_ID, properties.getInbox());
        properties.getSources().forEach((id, s) -> {
            if (s.getType() == FerrySource.Type.LOCAL && s.isEnabled() && s.getInbox() != null) {
                inboxes.put(SftpSourceRoutes.routeId(id), s.getInbox());
            }
        });
        Set<String> found = new TreeSet<>();
        for (var inbox : inboxes.entrySet()) {
            found.addAll(staleIn(inbox.getKey(), Path.of(inbox.getValue())));
        }
        for (String f : found) {
            if (!stale.contains(f)) {
                log.warn("ferry inbox: {} has waited more than {} for its manifest; it is not processed",
                        f, properties.getStaleAfter());
            }
        }
        stale = Set.copyOf(found);
    }

    private Set<String> staleIn(String source, Path inbox) throws IOException {
        Set<String> found = new TreeSet<>();
        if (!Files.isDirectory(inbox)) {
            return found;
        }
        try (Stream<Path> files = Files.list(inbox)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                boolean data = name.endsWith(".jsonl") || name.endsWith(".jsonl.gz");
                if (data && !Files.exists(f.resolveSibling(name + FerryManifest.SUFFIX))
                        && Duration.between(Files.getLastModifiedTime(f).toInstant(), clock.instant())
                                .compareTo(properties.getStaleAfter()) > 0) {
                    found.add(source + ":" + name);
                }
            }
        }
        return found;
    }
}

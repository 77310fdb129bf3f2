package energyhub.ferry;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import energyhub.routing.IntakeBacklog;
import energyhub.routing.inbox.IntakeFiles;
import energyhub.routing.inbox.IntakeNames;
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
    private final FerryBacklog backlog;
    private volatile Set<String> stale = Set.of();

    public StaleFileReport(FerryProperties properties, Clock clock, ObjectProvider<MeterRegistry> registry,
            FerryBacklog backlog) {
        this.properties = properties;
        this.clock = clock;
        this.backlog = backlog;
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
        List<IntakeBacklog.Waiting> waiting = new java.util.ArrayList<>();
        for (var inbox : inboxes.entrySet()) {
            found.addAll(staleIn(inbox.getKey(), Path.of(inbox.getValue()), waiting));
        }
        for (String f : found) {
            if (!stale.contains(f)) {
                log.warn("ferry inbox: {} has waited more than {} (for its manifest, or it is no package file); "
                        + "it is not processed", f, properties.getStaleAfter());
            }
        }
        stale = Set.copyOf(found);
        backlog.scanned(inboxes.keySet(), waiting);
    }

    /**
     * What waits in one local inbox, seen without following links: data files without manifest
     * (MANIFEST), manifests without data file (DATA_FILE) and entries no route takes (NOTHING: hidden
     * temp files, unknown names, sub-folders); those of them older than stale-after are returned.
     * Names that are not acceptable are shown escaped.
     */
    private Set<String> staleIn(String source, Path inbox, List<IntakeBacklog.Waiting> waiting) throws IOException {
        Set<String> found = new TreeSet<>();
        if (!Files.isDirectory(inbox, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return found;
        }
        try (Stream<Path> files = Files.list(inbox)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                java.time.Instant since;
                try {
                    since = IntakeFiles.modified(f).toInstant();
                } catch (IOException gone) {
                    continue;
                }
                boolean acceptable = IntakeNames.acceptable(name);
                String waitsFor;
                if (Files.isDirectory(f)) {
                    waitsFor = "NOTHING"; // a sub-folder (or a link to one): Camel never shows it to the filter
                } else if (acceptable && (name.endsWith(".jsonl") || name.endsWith(".jsonl.gz"))) {
                    if (IntakeFiles.present(f.resolveSibling(name + FerryManifest.SUFFIX))) {
                        continue; // its manifest is there: the route takes (or answers) both
                    }
                    waitsFor = "MANIFEST";
                } else if (acceptable && name.endsWith(FerryManifest.SUFFIX)) {
                    String data = name.substring(0, name.length() - FerryManifest.SUFFIX.length());
                    if (IntakeFiles.present(f.resolveSibling(data))) {
                        continue;
                    }
                    waitsFor = "DATA_FILE"; // the route answers it MISSING_DATA_FILE once it is stale
                } else if (name.startsWith(".writing-") || name.startsWith(".camel")) {
                    continue; // Camel's own temp files
                } else if (!acceptable && !name.startsWith(".")) {
                    continue; // refused and quarantined by the route's filter on its next poll
                } else {
                    waitsFor = "NOTHING";
                }
                Duration age = Duration.between(since, clock.instant());
                boolean isStale = age.compareTo(properties.getStaleAfter()) > 0;
                String shown = FerryBacklog.shown(name);
                waiting.add(new IntakeBacklog.Waiting(source, shown, waitsFor, since, age, isStale));
                if (isStale && !"DATA_FILE".equals(waitsFor)) {
                    found.add(source + ":" + shown);
                }
            }
        }
        return found;
    }
}

package energyhub.ferry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Contracts section 2, duty 6: a data file whose manifest has not come after {@code hub.ferry.stale-after}
 * is reported (a WARN line per file, and {@link #count()} for health and metrics) but never processed.
 */
@Component
public class StaleFileReport extends RouteBuilder {

    private static final Logger log = LoggerFactory.getLogger(StaleFileReport.class);

    private final FerryProperties properties;
    private final Clock clock;
    private final Set<String> reported = new HashSet<>();
    private volatile int count;

    public StaleFileReport(FerryProperties properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
    }

    @Override
    public void configure() {
        from("timer:ferry-stale-files?delay=5000&period=60000").routeId("ferry-stale-files")
                .process(exchange -> scan()).id("ferry-stale-scan");
    }

    /** Data files in the inbox waiting longer than the limit for their manifest. */
    public int count() {
        return count;
    }

    synchronized void scan() throws IOException {
        Path inbox = Path.of(properties.getInbox());
        if (!Files.isDirectory(inbox)) {
            return;
        }
        Set<String> stale = new HashSet<>();
        try (Stream<Path> files = Files.list(inbox)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                boolean data = name.endsWith(".jsonl") || name.endsWith(".jsonl.gz");
                if (data && !Files.exists(f.resolveSibling(name + FerryManifest.SUFFIX))
                        && Duration.between(Files.getLastModifiedTime(f).toInstant(), clock.instant())
                                .compareTo(properties.getStaleAfter()) > 0) {
                    stale.add(name);
                    if (!reported.contains(name)) {
                        log.warn("ferry inbox: {} has waited more than {} for its manifest; it is not processed",
                                name, properties.getStaleAfter());
                    }
                }
            }
        }
        reported.retainAll(stale);
        reported.addAll(stale);
        count = stale.size();
    }
}

package energyhub.ferry;

import energyhub.routing.IntakeBacklog;
import energyhub.routing.inbox.IntakeFiles;
import energyhub.routing.inbox.IntakeNames;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The ferry sources' waiting entries for operators ({@link IntakeBacklog}): packages whose manifest
 * waits for its data file (seen by the routes on each poll, local and SFTP), and, from the local
 * inbox scan of {@link StaleFileReport}, data files waiting for their manifest and entries no route
 * takes (hidden temp files, unknown names, sub-folders). Gauge {@code hub.ferry.waiting.packages}
 * (tag {@code source}) counts them per source.
 */
@Component
public class FerryBacklog implements IntakeBacklog {

    private final Map<String, Waiting> seenByRoutes = new ConcurrentHashMap<>();
    private volatile List<Waiting> scanned = List.of();
    private final Clock clock;
    private final FerryProperties properties;

    public FerryBacklog(Clock clock, FerryProperties properties, ObjectProvider<MeterRegistry> registry) {
        this.clock = clock;
        this.properties = properties;
        registry.ifAvailable(r -> {
            List<String> sources = new ArrayList<>(List.of(FerryInboxRoute.ROUTE_ID));
            properties.getSources().keySet().forEach(id -> sources.add(SftpSourceRoutes.routeId(id)));
            for (String source : sources) {
                Gauge.builder("hub.ferry.waiting.packages", this, b -> b.count(source))
                        .tag("source", source)
                        .description("ferry packages and inbox entries waiting (for data file, manifest, or to grow stale)")
                        .register(r);
            }
        });
    }

    @Override
    public List<Waiting> waiting() {
        Map<String, Waiting> all = new java.util.LinkedHashMap<>();
        for (Waiting w : scanned) {
            all.put(w.source() + "/" + w.name(), w);
        }
        Instant now = clock.instant();
        for (Waiting w : seenByRoutes.values()) {
            Duration age = Duration.between(w.since(), now);
            all.putIfAbsent(w.source() + "/" + w.name(), new Waiting(w.source(), w.name(), w.waitsFor(), w.since(),
                    age, age.compareTo(properties.getStaleAfter()) > 0));
        }
        List<Waiting> list = new ArrayList<>(all.values());
        list.sort(Comparator.comparing(Waiting::since));
        return list;
    }

    int count(String source) {
        return (int) waiting().stream().filter(w -> w.source().equals(source)).count();
    }

    /** A route found this manifest waiting for its data file. */
    void waitingForData(String source, Path manifest) {
        Instant since;
        try {
            since = IntakeFiles.modified(manifest).toInstant();
        } catch (IOException e) {
            since = clock.instant();
        }
        String name = manifest.getFileName().toString();
        seenByRoutes.put(source + "/" + name, new Waiting(source, name, "DATA_FILE", since, Duration.ZERO, false));
    }

    /** The package of this manifest is being answered: no longer waiting. */
    void done(String source, Path manifest) {
        seenByRoutes.remove(source + "/" + manifest.getFileName().toString());
    }

    /** The local inbox scan's findings replace what the routes saw in those inboxes. */
    void scanned(Set<String> localSources, List<Waiting> found) {
        seenByRoutes.values().removeIf(w -> localSources.contains(w.source()));
        scanned = List.copyOf(found);
    }

    /** The name as operators see it: as it is when it holds only printable ASCII and Unicode letters, else escaped. */
    static String shown(String name) {
        boolean plain = name.length() <= 200 && name.codePoints()
                .allMatch(c -> c > 0x20 && c < 0x7F && c != '\\' && c != '"' || Character.isLetterOrDigit(c));
        return plain ? name : IntakeNames.escape(name);
    }
}

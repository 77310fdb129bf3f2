package energyhub.routing;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What an intake holds that is not answered yet: packages waiting for their data file or for their
 * manifest, and entries it cannot take (hidden temp files, unknown names) that wait to grow stale.
 * Each intake wing implements it; the operator API ({@code GET /api/operator/intake/waiting}) and the
 * the wings' own gauges (the ferry's {@code hub.ferry.waiting.packages}) show them.
 */
public interface IntakeBacklog {

    List<Waiting> waiting();

    /**
     * One waiting entry.
     *
     * @param source   intake route id, e.g. {@code ferry-inbox}
     * @param name     the file's name, escaped ({@link energyhub.routing.inbox.IntakeNames#escape}) when not acceptable
     * @param waitsFor {@code DATA_FILE}, {@code MANIFEST} or {@code NOTHING} (an entry the intake does not take)
     * @param since    the entry's own last change
     * @param age      how long it has waited
     * @param stale    older than the intake's stale limit (reported: WARN, health, metric)
     */
    record Waiting(String source, String name, String waitsFor, Instant since, Duration age, boolean stale) {
    }
}

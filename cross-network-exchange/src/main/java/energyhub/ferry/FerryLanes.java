package energyhub.ferry;

import energyhub.routing.inbox.IntakeFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;

/**
 * The two lanes of a local inbox. A package whose data file is at most {@code hub.ferry.live-max-bytes}
 * (live data: a few records every few minutes) is staged, delivered and answered on the live lane,
 * {@code hub.ferry.live-packages} packages at once, and never waits behind a backlog: at each quarter-hour
 * thousands of such packages arrive together, and each spends most of its time waiting for the database and
 * the broker, so several at once overlap those waits (and their commits). The live lane's queue holds as many
 * packages as it has threads; when it is full the inbox's polling thread stages the next package itself, so
 * the poll never claims more than it is working on. A larger one (a backlog after the gate was down) is
 * handed to the backlog lane, {@code hub.ferry.backlog-packages} packages at once, so that one package is
 * staged while another is being delivered. The lane has no queue: a manifest of a large package is left in
 * the inbox, unclaimed, while the lane is full ({@link #full}), so other hubs of a cluster can take it, and
 * one that loses a race for the last place is rolled back without a word and read on a later poll.
 * <p>
 * The inbox filter admits only as many large manifests as the lane has free places: one listing of the inbox
 * sees every manifest of a backlog at once, and each one admitted beyond the free places would be claimed,
 * refused by the lane and rolled back, its claim held for {@code hub.cluster.claim-release-delay}, so that
 * the next packages could not be taken when a place became free (bench: a pair of packages took 1 s and
 * the lane then stood idle for another second). An admitted manifest keeps its place until it starts on
 * the lane ({@link #started}) or, when it never gets there (another hub claimed it), for two poll intervals.
 * Packages of one sender may so be answered out of order; the platforms order records by their
 * uploadDate (contracts section 1), not by arrival.
 */
public final class FerryLanes {

    private final String routeId;
    private final Path inbox;
    private final long liveMaxBytes;
    private final ThreadPoolExecutor backlog;
    private final ExecutorService live;
    /** Large manifests admitted by the filter and not yet started on the lane, with when the place lapses. */
    private final java.util.Map<String, Long> admitted = new java.util.HashMap<>();
    private final long admissionMillis;
    /** Milliseconds of a monotonic clock (a test sets its own). */
    private final java.util.function.LongSupplier millis;

    FerryLanes(CamelContext camel, String routeId, Path inbox, FerryProperties properties) {
        this(camel, routeId, inbox, properties, () -> System.nanoTime() / 1_000_000);
    }

    FerryLanes(CamelContext camel, String routeId, Path inbox, FerryProperties properties,
            java.util.function.LongSupplier millis) {
        this.millis = millis;
        this.routeId = routeId;
        this.inbox = inbox;
        this.liveMaxBytes = properties.getLiveMaxBytes();
        this.admissionMillis = Math.max(1000, 2 * properties.getPollInterval().toMillis());
        int n = Math.max(1, properties.getBacklogPackages());
        ThreadPoolProfile profile = new ThreadPoolProfile(routeId + "-backlog-lane");
        profile.setPoolSize(n);
        profile.setMaxPoolSize(n);
        profile.setMaxQueueSize(0); // no queue: a package waits in the inbox, not in memory
        profile.setRejectedPolicy(ThreadPoolRejectedPolicy.Abort);
        ExecutorService pool = camel.getExecutorServiceManager().newThreadPool(this, routeId + "-backlog-lane", profile);
        this.backlog = (ThreadPoolExecutor) pool;
        int l = Math.max(1, properties.getLivePackages());
        ThreadPoolProfile liveProfile = new ThreadPoolProfile(routeId + "-live-lane");
        liveProfile.setPoolSize(l);
        liveProfile.setMaxPoolSize(l);
        liveProfile.setMaxQueueSize(l);
        // a full lane: the poller stages the package itself (Abort would fail the exchange, and its claim would
        // hold the package back for claim-release-delay)
        liveProfile.setRejectedPolicy(ThreadPoolRejectedPolicy.CallerRuns);
        this.live = camel.getExecutorServiceManager().newThreadPool(this, routeId + "-live-lane", liveProfile);
    }

    /** The executor of the backlog lane (Camel's, shut down with the context). */
    public ExecutorService backlogLane() {
        return backlog;
    }

    /** The executor of the live lane (Camel's, shut down with the context). */
    public ExecutorService liveLane() {
        return live;
    }

    /** Whether the package of this manifest (a checked name in the inbox) belongs in the backlog lane. */
    public boolean isBacklog(@org.apache.camel.Header(org.apache.camel.Exchange.FILE_NAME_ONLY) String manifestName) {
        if (!manifestName.endsWith(FerryManifest.SUFFIX)) {
            return false;
        }
        Path data = inbox.resolve(manifestName.substring(0, manifestName.length() - FerryManifest.SUFFIX.length()));
        try {
            // lstat: a link or special file is answered by the package checks, in the live lane
            return IntakeFiles.kind(data) == IntakeFiles.Kind.REGULAR && IntakeFiles.size(data) > liveMaxBytes;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * A backlog package while every place of the backlog lane is taken or promised to a manifest admitted
     * before: left for a later poll. Otherwise the manifest is admitted and holds a place (the inbox filter).
     */
    public synchronized boolean full(String manifestName) {
        if (!isBacklog(manifestName)) {
            return false;
        }
        long now = millis.getAsLong();
        admitted.values().removeIf(lapses -> lapses <= now);
        if (admitted.containsKey(manifestName)) {
            return false; // listed again before it started: still admitted
        }
        if (backlog.getActiveCount() + admitted.size() >= backlog.getMaximumPoolSize()) {
            return true;
        }
        admitted.put(manifestName, now + admissionMillis);
        return false;
    }

    /** A package has started on the backlog lane: its place is the lane's own now (the first step of the lane). */
    public synchronized void started(@org.apache.camel.Header(org.apache.camel.Exchange.FILE_NAME_ONLY)
            String manifestName) {
        admitted.remove(manifestName);
    }

    @Override
    public String toString() {
        return routeId + " lanes";
    }
}

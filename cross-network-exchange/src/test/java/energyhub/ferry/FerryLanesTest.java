package energyhub.ferry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which lane a package takes, and that a full backlog lane leaves large packages in the inbox. */
class FerryLanesTest {

    @TempDir
    Path inbox;

    @Test
    void smallPackagesAreLiveLargeOnesGoToTheBacklogLaneWhichHoldsAtMostItsPlaces() throws Exception {
        FerryProperties properties = new FerryProperties();
        properties.setLiveMaxBytes(1000);
        properties.setBacklogPackages(1);
        Files.write(inbox.resolve("small.jsonl"), new byte[1000]);
        Files.write(inbox.resolve("large.jsonl"), new byte[1001]);
        Files.createSymbolicLink(inbox.resolve("link.jsonl"), inbox.resolve("large.jsonl"));
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.start();
            FerryLanes lanes = new FerryLanes(camel, "ferry-inbox", inbox, properties);

            assertThat(lanes.isBacklog("small.jsonl.manifest")).isFalse();
            assertThat(lanes.isBacklog("large.jsonl.manifest")).isTrue();
            // a link is never followed to its size: answered by the package checks, on the live lane
            assertThat(lanes.isBacklog("link.jsonl.manifest")).isFalse();
            assertThat(lanes.isBacklog("missing.jsonl.manifest")).isFalse();
            assertThat(lanes.full("large.jsonl.manifest")).isFalse();

            CountDownLatch running = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            lanes.backlogLane().submit(() -> {
                running.countDown();
                release.await();
                return null;
            });
            assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
            lanes.started("large.jsonl.manifest"); // the task stands for the package admitted above
            // the one place is taken: a large package waits in the inbox, a small one is never held back
            assertThat(lanes.full("large.jsonl.manifest")).isTrue();
            assertThat(lanes.full("small.jsonl.manifest")).isFalse();
            // no queue: a package that came to a full lane is refused (and rolled back by the route)
            assertThatThrownBy(() -> lanes.backlogLane().submit(() -> null)).isInstanceOf(RejectedExecutionException.class);
            release.countDown();
        }
    }

    @Test
    void oneListingAdmitsOnlyAsManyLargeManifestsAsTheLaneHasPlaces() throws Exception {
        FerryProperties properties = new FerryProperties();
        properties.setLiveMaxBytes(1000);
        properties.setBacklogPackages(2);
        properties.setPollInterval(java.time.Duration.ofMillis(100));
        for (String n : new String[] {"a", "b", "c"}) {
            Files.write(inbox.resolve(n + ".jsonl"), new byte[1001]);
        }
        Files.write(inbox.resolve("small.jsonl"), new byte[10]);
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.start();
            java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
            FerryLanes lanes = new FerryLanes(camel, "ferry-inbox", inbox, properties, now::get);

            // one listing of a backlog: two places, two manifests admitted; the third waits unclaimed
            assertThat(lanes.full("a.jsonl.manifest")).isFalse();
            assertThat(lanes.full("b.jsonl.manifest")).isFalse();
            assertThat(lanes.full("c.jsonl.manifest")).isTrue();
            assertThat(lanes.full("small.jsonl.manifest")).isFalse();
            // listed again before it started: still admitted
            assertThat(lanes.full("a.jsonl.manifest")).isFalse();
            // a started on the lane (and finished): its place is free for c
            lanes.started("a.jsonl.manifest");
            assertThat(lanes.full("c.jsonl.manifest")).isFalse();
            assertThat(lanes.full("a.jsonl.manifest")).isTrue();
            // b and c never start (another hub claimed them): their places lapse after two poll intervals (at least 1 s)
            now.addAndGet(999);
            assertThat(lanes.full("a.jsonl.manifest")).isTrue();
            now.addAndGet(1);
            assertThat(lanes.full("a.jsonl.manifest")).isFalse();
        }
    }
}

package energyhub.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** One line when an outage starts (or, if asked, when its cause changes) and one when it ends; none in between. */
class OutageTest {

    private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");

    @Test
    void onlyTheFirstFailureAndTheFirstSuccessAfterItAreToBeSaid() {
        Outage outage = new Outage(Clock.fixed(T0, ZoneOffset.UTC));

        assertThat(outage.ended()).as("no outage, nothing to say").isNull();
        assertThat(outage.failed("connection refused")).isTrue();
        assertThat(outage.failed("connection refused")).isFalse();
        assertThat(outage.failed("timeout")).as("another cause, same outage").isFalse();
        assertThat(outage.isDown()).isTrue();
        assertThat(outage.since()).isEqualTo(T0);
        assertThat(outage.cause()).isEqualTo("timeout");

        assertThat(outage.ended()).isEqualTo(T0);
        assertThat(outage.ended()).isNull();
        assertThat(outage.isDown()).isFalse();
        assertThat(outage.cause()).isNull();
        assertThat(outage.failed("timeout")).as("a new outage").isTrue();
    }

    @Test
    void failedForSaysEachNewCauseButNotARepeat() {
        Outage outage = new Outage();

        assertThat(outage.failedFor("auth failed")).isTrue();
        assertThat(outage.failedFor("auth failed")).isFalse();
        assertThat(outage.failedFor("HOST KEY REFUSED")).isTrue();
        assertThat(outage.failedFor("HOST KEY REFUSED")).isFalse();
        assertThat(outage.ended()).isNotNull();
        assertThat(outage.failedFor("HOST KEY REFUSED")).isTrue();
    }
}

package energyhub.ferry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** The ferry failure policy's bounds: a failing file is held back with a doubling back-off, and forgotten once answered. */
class FerryFailuresTest {

    static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-11-30T00:00:00Z");

        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        public Instant instant() {
            return now;
        }
    }

    @Test
    void aFailingFileIsHeldBackLongerEachTimeUpToTheLimitAndReleasedOnceAnswered() {
        MovableClock clock = new MovableClock();
        FerryProperties properties = new FerryProperties();
        properties.setPollInterval(Duration.ofSeconds(1));
        FerryFailures failures = new FerryFailures(clock, properties);

        assertThat(failures.held("ferry-inbox", "a.jsonl.manifest")).isFalse();
        Duration previous = Duration.ZERO;
        for (int attempt = 1; attempt <= 12; attempt++) {
            Exchange e = failed("a.jsonl.manifest", new IllegalStateException("boom " + attempt));
            failures.failed(e);
            Duration held = heldFor(failures, clock);
            assertThat(held).isGreaterThanOrEqualTo(previous).isLessThanOrEqualTo(FerryFailures.MAX_BACKOFF);
            previous = held;
        }
        assertThat(previous).isEqualTo(FerryFailures.MAX_BACKOFF);
        assertThat(failures.held("ferry-inbox", "other.jsonl.manifest")).isFalse();

        failures.succeeded("ferry-inbox", "a.jsonl.manifest");
        assertThat(failures.held("ferry-inbox", "a.jsonl.manifest")).isFalse();
    }

    private static Duration heldFor(FerryFailures failures, MovableClock clock) {
        Instant start = clock.now;
        long seconds = 0;
        while (failures.held("ferry-inbox", "a.jsonl.manifest")) {
            clock.now = clock.now.plusSeconds(1);
            seconds++;
        }
        clock.now = start;
        return Duration.ofSeconds(seconds);
    }

    private static Exchange failed(String name, Exception cause) {
        Exchange e = new DefaultExchange(new DefaultCamelContext());
        e.setProperty(FerryFailures.FILE, name);
        e.setProperty(Exchange.EXCEPTION_CAUGHT, cause);
        e.getExchangeExtension().setFromRouteId("ferry-inbox");
        return e;
    }
}

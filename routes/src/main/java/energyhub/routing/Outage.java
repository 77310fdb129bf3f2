package energyhub.routing;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Something that fails the same way on every attempt while it is away (a database, a broker, a server):
 * the caller says so once when the outage starts (or, if it wants, when its cause changes) and once when
 * it works again, never once per failed attempt. Thread-safe; the log lines stay the caller's:
 * <pre>
 *   if (outage.failed(cause)) log.warn(...);            // the first failure of an outage
 *   Instant since = outage.ended(); if (since != null) log.info(...); // the first success after one
 * </pre>
 */
public final class Outage {

    private record Down(Instant since, String cause) {
    }

    private final AtomicReference<Down> down = new AtomicReference<>();
    private final Clock clock;

    public Outage() {
        this(Clock.systemUTC());
    }

    public Outage(Clock clock) {
        this.clock = clock;
    }

    /** A failed attempt: true when it starts an outage (the one failure to say). */
    public boolean failed(String cause) {
        return record(cause) == null;
    }

    /** A failed attempt: true when it starts an outage or fails for another cause than the last one. */
    public boolean failedFor(String cause) {
        Down before = record(cause);
        return before == null || !Objects.equals(before.cause(), cause);
    }

    private Down record(String cause) {
        Instant now = clock.instant();
        return down.getAndUpdate(d -> new Down(d == null ? now : d.since(), cause));
    }

    /** A successful attempt: when the outage it ends began (the one success to say), or null if there was none. */
    public Instant ended() {
        Down d = down.getAndSet(null);
        return d == null ? null : d.since();
    }

    public boolean isDown() {
        return down.get() != null;
    }

    /** Since when it fails, or null when it does not. */
    public Instant since() {
        Down d = down.get();
        return d == null ? null : d.since();
    }

    /** The cause of the last failure of the current outage, or null when there is none. */
    public String cause() {
        Down d = down.get();
        return d == null ? null : d.cause();
    }
}

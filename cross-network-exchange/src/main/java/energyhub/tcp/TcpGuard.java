package energyhub.tcp;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The TCP intake's shared budgets, across all its connections: connections waiting to log in (in
 * all, and per remote address) apart from logged-in sessions, how many bytes of partly received frames
 * are buffered, how many connections each client holds, and failed logins per remote address. Every
 * limit is {@code hub.tcp.*} configuration.
 */
public class TcpGuard {

    /** Remote addresses whose failures are remembered at most; beyond it lapsed entries go, and if that is not enough, all. */
    static final int MAX_TRACKED_ADDRESSES = 10_000;

    private final TcpProperties properties;
    private final Clock clock;
    /** Logged-in sessions. */
    private final AtomicInteger sessions = new AtomicInteger();
    /** Connections waiting to log in, oldest first, with their remote address. */
    private final java.util.LinkedHashMap<Object, String> pending = new java.util.LinkedHashMap<>();
    private final Map<String, Integer> pendingPerAddress = new java.util.HashMap<>();
    private final java.util.concurrent.atomic.LongAdder displaced = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder refused = new java.util.concurrent.atomic.LongAdder();
    private final AtomicLong bufferedBytes = new AtomicLong();
    private final Map<String, AtomicInteger> perClient = new ConcurrentHashMap<>();
    private final Map<String, Failures> failures = new ConcurrentHashMap<>();

    private record Failures(int count, Instant last) {
    }

    public TcpGuard(TcpProperties properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * A new connection, not logged in yet (OpenSSH's MaxStartups and PerSourceMaxStartups, with the oldest
     * dropped instead of the newest): refused when its address holds {@code max-unauthenticated-per-address}
     * such connections already; otherwise admitted, and when {@code max-unauthenticated-connections} are
     * waiting to log in, the oldest of them is displaced to make room. Logged-in sessions have their own budget
     * ({@link #startSession}) and are never displaced.
     */
    public synchronized Admission admit(Object connection, String address) {
        int fromAddress = pendingPerAddress.getOrDefault(address, 0);
        if (fromAddress >= properties.getMaxUnauthenticatedPerAddress()) {
            refused.increment();
            return new Admission(false, null);
        }
        Object displacedConnection = null;
        if (pending.size() >= properties.getMaxUnauthenticatedConnections()) {
            var oldest = pending.entrySet().iterator().next();
            displacedConnection = oldest.getKey();
            forget(oldest.getKey());
            displaced.increment();
        }
        pending.put(connection, address);
        pendingPerAddress.merge(address, 1, Integer::sum);
        return new Admission(true, displacedConnection);
    }

    /** What {@link #admit} decided: whether the new connection may stay, and the connection it displaced. */
    public record Admission(boolean admitted, Object displaced) {
    }

    /** A connection that was waiting to log in is gone, or has logged in. */
    public synchronized void leavePending(Object connection) {
        forget(connection);
    }

    private void forget(Object connection) {
        String address = pending.remove(connection);
        if (address != null) {
            pendingPerAddress.computeIfPresent(address, (k, n) -> n <= 1 ? null : n - 1);
        }
    }

    /**
     * A connection logs in: it leaves the unauthenticated budget and takes a session, if fewer than
     * {@code max-connections} are open (false then, nothing counted).
     */
    public boolean startSession(Object connection) {
        leavePending(connection);
        while (true) {
            int n = sessions.get();
            if (n >= properties.getMaxConnections()) {
                refused.increment();
                return false;
            }
            if (sessions.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    public void endSession() {
        sessions.decrementAndGet();
    }

    public int connectionsLimit() {
        return properties.getMaxConnections();
    }

    public int pendingLimit() {
        return properties.getMaxUnauthenticatedConnections();
    }

    /** Logged-in sessions open now. */
    public int sessions() {
        return sessions.get();
    }

    /** Connections waiting to log in now. */
    public synchronized int pending() {
        return pending.size();
    }

    /** Connections displaced to make room for newer ones, since the start. */
    public long displaced() {
        return displaced.sum();
    }

    /** Connections refused (address or session budget full), since the start. */
    public long refused() {
        return refused.sum();
    }

    /** Room for a frame of this many bytes in the total buffer budget; false when it is not there. */
    public boolean reserve(long bytes) {
        while (true) {
            long n = bufferedBytes.get();
            if (n + bytes > properties.getMaxBufferedBytes()) {
                return false;
            }
            if (bufferedBytes.compareAndSet(n, n + bytes)) {
                return true;
            }
        }
    }

    public void release(long bytes) {
        bufferedBytes.addAndGet(-bytes);
    }

    public long bufferedBytes() {
        return bufferedBytes.get();
    }

    /** A client logs in on one more connection: false when it holds {@code max-connections-per-client}. */
    public boolean loginClient(String clientId) {
        AtomicInteger n = perClient.computeIfAbsent(clientId, k -> new AtomicInteger());
        while (true) {
            int c = n.get();
            if (c >= properties.getMaxConnectionsPerClient()) {
                return false;
            }
            if (n.compareAndSet(c, c + 1)) {
                return true;
            }
        }
    }

    public void logoutClient(String clientId) {
        perClient.computeIfPresent(clientId, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
    }

    /** True while an address has failed {@code max-login-failures} times, until {@code login-lockout} after the last. */
    public boolean throttled(String address) {
        Failures f = failures.get(address);
        if (f == null) {
            return false;
        }
        if (f.last().plus(properties.getLoginLockout()).isBefore(clock.instant())) {
            failures.remove(address, f);
            return false;
        }
        return f.count() >= properties.getMaxLoginFailures();
    }

    public void loginFailed(String address) {
        Instant now = clock.instant();
        if (failures.size() >= MAX_TRACKED_ADDRESSES) {
            failures.entrySet().removeIf(e -> e.getValue().last().plus(properties.getLoginLockout()).isBefore(now));
            if (failures.size() >= MAX_TRACKED_ADDRESSES) {
                failures.clear(); // a flood from too many addresses: forget rather than grow
            }
        }
        failures.merge(address, new Failures(1, now), (a, b) -> new Failures(
                a.last().plus(properties.getLoginLockout()).isBefore(now) ? 1 : a.count() + 1, now));
    }

    public void loginSucceeded(String address) {
        failures.remove(address);
    }
}

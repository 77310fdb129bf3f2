package energyhub.tcp;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The TCP intake's shared budgets, across all its connections: how many connections are open, how
 * many bytes of partly received frames are buffered, how many connections each client holds, and
 * failed logins per remote address. Every limit is {@code hub.tcp.*} configuration.
 */
public class TcpGuard {

    /** Remote addresses whose failures are remembered at most; beyond it lapsed entries go, and if that is not enough, all. */
    static final int MAX_TRACKED_ADDRESSES = 10_000;

    private final TcpProperties properties;
    private final Clock clock;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicLong bufferedBytes = new AtomicLong();
    private final Map<String, AtomicInteger> perClient = new ConcurrentHashMap<>();
    private final Map<String, Failures> failures = new ConcurrentHashMap<>();

    private record Failures(int count, Instant last) {
    }

    public TcpGuard(TcpProperties properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
    }

    /** A new connection: false (and nothing counted) when {@code max-connections} are open already. */
    public boolean openConnection() {
        while (true) {
            int n = connections.get();
            if (n >= properties.getMaxConnections()) {
                return false;
            }
            if (connections.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    public void closeConnection() {
        connections.decrementAndGet();
    }

    public int connectionsLimit() {
        return properties.getMaxConnections();
    }

    public int connections() {
        return connections.get();
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

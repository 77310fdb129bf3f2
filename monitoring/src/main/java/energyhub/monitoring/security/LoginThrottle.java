package energyhub.monitoring.security;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failed logins per user name and per client address; after {@code hub.security.max-failures}
 * (four times as many for an address) the name or address is refused, even with the right password, until {@code hub.security.lockout}
 * has passed since the last failure. Guessing passwords becomes slow and every attempt is audited.
 */
public class LoginThrottle {

    private record Failures(int count, Instant last) {
    }

    private final Map<String, Failures> failures = new ConcurrentHashMap<>();
    private final CockpitSecurityProperties properties;
    private final Clock clock;

    public LoginThrottle(CockpitSecurityProperties properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
    }

    public boolean locked(String user, String address) {
        // an address may try a few users (a shared jump host), not guess through a list of names
        return locked("user:" + user, properties.getMaxFailures())
                || locked("addr:" + address, properties.getMaxFailures() * 4);
    }

    private boolean locked(String key, int max) {
        Failures f = failures.get(key);
        if (f == null) {
            return false;
        }
        if (f.last().plus(properties.getLockout()).isBefore(clock.instant())) {
            failures.remove(key, f);
            return false;
        }
        return f.count() >= max;
    }

    public void failed(String user, String address) {
        Instant now = clock.instant();
        for (String key : new String[] {"user:" + user, "addr:" + address}) {
            failures.merge(key, new Failures(1, now), (a, b) -> new Failures(a.count() + 1, now));
        }
        if (failures.size() > 10_000) { // a flood of made-up names must not fill the heap
            failures.entrySet().removeIf(e -> e.getValue().last().plus(properties.getLockout()).isBefore(now));
        }
    }

    public void succeeded(String user) {
        failures.remove("user:" + user);
    }
}

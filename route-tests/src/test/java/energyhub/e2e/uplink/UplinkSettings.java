package energyhub.e2e.uplink;

import energyhub.uplink.simulator.DemoPki;
import energyhub.uplink.simulator.NationalPlatformSimulator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code hub.uplink.*} settings that turn a test hub's uplink on and point it at a national-platform simulator
 * over mutual TLS (the simulator's account, the demo PKI's client key store and platform CA), plus each test's own
 * (timeouts, concurrency, circuit), so that every uplink test reaches the platform the same way.
 */
final class UplinkSettings {

    private UplinkSettings() {
    }

    /** The settings, full names ({@code hub.uplink.X}); {@code more} is pairs of short names and values. */
    static Map<String, String> of(NationalPlatformSimulator sim, DemoPki pki, String... more) {
        if (more.length % 2 != 0) {
            throw new IllegalArgumentException("pairs of names and values");
        }
        Map<String, String> u = new LinkedHashMap<>();
        u.put("enabled", "true");
        u.put("base-url", "https://127.0.0.1:" + sim.port());
        u.put("enterprise-code", NationalPlatformSimulator.ENTERPRISE_CODE);
        u.put("secret-key", NationalPlatformSimulator.SECRET_KEY);
        u.put("pin", NationalPlatformSimulator.PIN);
        u.put("key-store", pki.clientKeyStore().toString());
        u.put("key-store-password", pki.password);
        u.put("trust-store", pki.clientTrustStore().toString());
        u.put("trust-store-password", pki.password);
        for (int i = 0; i < more.length; i += 2) {
            u.put(more[i], more[i + 1]);
        }
        Map<String, String> full = new LinkedHashMap<>();
        u.forEach((k, v) -> full.put("hub.uplink." + k, v));
        return full;
    }
}

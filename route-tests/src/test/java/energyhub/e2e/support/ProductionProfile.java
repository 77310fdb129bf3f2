package energyhub.e2e.support;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The hub as the production profile runs it: {@code deployment/config/application-prod.yml} (profile
 * {@code prod}) with every address and secret it reads from the environment, and a hub process's own folders.
 */
public final class ProductionProfile {

    private ProductionProfile() {
    }

    /** The folder of application-prod.yml (the build passes it as hub.config.dir). */
    public static Path configDir() {
        return Path.of(System.getProperty("hub.config.dir", "../deployment/config")).toAbsolutePath().normalize();
    }

    /**
     * The environment application-prod.yml reads: the broker's URL and the hub's password there, the ledger
     * database (user postgres, trust), the cockpit users file and the audit key.
     */
    public static Map<String, String> environment(String brokerUrl, String brokerPassword, String database,
            Path usersFile, String auditKey) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HUB_BROKER_URL", brokerUrl);
        env.put("HUB_BROKER_PASSWORD", brokerPassword);
        env.put("HUB_DB_URL", database);
        env.put("HUB_DB_USER", "postgres");
        env.put("HUB_DB_PASSWORD", "");
        env.put("HUB_USERS_FILE", usersFile.toString());
        env.put("HUB_AUDIT_KEY", auditKey);
        return env;
    }

    /** The profile, its file, and the hub's data directory, inbox and outbox. */
    public static Map<String, String> properties(Path dataDir, Path inbox, Path outbox) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("spring.config.additional-location", "file:" + configDir() + "/");
        props.put("spring.profiles.active", "prod");
        props.put("hub.data-dir", dataDir.toString());
        props.put("hub.ferry.inbox", inbox.toString());
        props.put("hub.ferry.outbox", outbox.toString());
        return props;
    }
}

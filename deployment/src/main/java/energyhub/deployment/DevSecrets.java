package energyhub.deployment;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import org.apache.commons.logging.Log;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * The development profile's secrets (platform passwords, the TCP client's secret, the audit key),
 * made on first start and kept in a file under the data directory, so none is in the repository and
 * each stays the same across restarts. Active only where {@code hub.dev.secrets} names properties
 * (application-dev.yml does); a property already given a value (the environment, a command-line
 * option) keeps it.
 */
public class DevSecrets implements EnvironmentPostProcessor, Ordered {

    static final String SECRETS = "hub.dev.secrets";
    static final String FILE = "hub.dev.secrets-file";

    private final Log log;

    public DevSecrets(DeferredLogFactory logs) {
        this.log = logs.getLog(DevSecrets.class);
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE; // after the profiles' configuration files are loaded
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String[] names = java.util.Arrays.stream(environment.getProperty(SECRETS, String[].class, new String[0]))
                .map(String::trim).toArray(String[]::new);
        if (names.length == 0) {
            return;
        }
        Path file = Path.of(environment.getProperty(FILE, "./data/dev-secrets.properties")).toAbsolutePath().normalize();
        try {
            Properties kept = load(file);
            Map<String, Object> supplied = new HashMap<>();
            boolean changed = false;
            for (String name : names) {
                String given = environment.getProperty(name);
                if (name.isBlank() || (given != null && !given.isBlank())) {
                    continue;
                }
                if (!kept.containsKey(name)) {
                    kept.setProperty(name, randomSecret());
                    changed = true;
                }
                supplied.put(name, kept.getProperty(name));
            }
            if (changed) {
                store(kept, file);
            }
            if (!supplied.isEmpty()) {
                environment.getPropertySources().addFirst(new MapPropertySource("devSecrets", supplied));
                log.info("development secrets of " + supplied.keySet() + " are in " + file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the development secrets in " + file, e);
        }
    }

    private static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        if (Files.exists(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            }
        }
        return p;
    }

    /** Readable by the hub's account only, written whole or not at all. */
    private static void store(Properties p, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Path next = file.resolveSibling(file.getFileName() + ".new");
        Files.deleteIfExists(next);
        try {
            Files.createFile(next, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) { // not a POSIX file system
            Files.createFile(next);
        }
        try (OutputStream out = Files.newOutputStream(next, StandardOpenOption.TRUNCATE_EXISTING)) {
            p.store(out, "development-only secrets of the 'dev' profile, made on first start; delete to renew");
        }
        Files.move(next, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static String randomSecret() {
        byte[] secret = new byte[12];
        new SecureRandom().nextBytes(secret);
        return HexFormat.of().formatHex(secret);
    }
}

package energyhub.deployment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.FileSystemResource;

/**
 * The hub's settings as the deployment files run it: the jar's application.yml under one or more
 * profile files (the first given wins, as the last active profile does in Spring Boot). Used by the
 * checks of the container file, the Kubernetes manifests and the systemd unit (tests run in deployment/).
 */
final class DeploymentSettings {

    static final Path APPLICATION_YML = Path.of("src/main/resources/application.yml");
    static final Path PROD_YML = Path.of("config/application-prod.yml");
    /** Settings that name files the hub only reads (read-only is enough for them). */
    static final List<String> READ_ONLY = List.of("key-store", "users-file", "known-hosts-file",
            "private-key-file", "energy-types", "keys-import-file");

    /** Settings whose values are paths on a remote platform's URL (/requestAK, ...), not folders of this host. */
    static final String URL_PATHS = "hub.uplink.profile.";

    private DeploymentSettings() {
    }

    /** application.yml alone (the defaults the jar ships with). */
    static StandardEnvironment defaults() throws IOException {
        return environment(Map.of());
    }

    /** application.yml under application-prod.yml. */
    static StandardEnvironment production() throws IOException {
        return environment(Map.of(), Files.readString(PROD_YML));
    }

    /**
     * application.yml under the given profile files' contents (first wins), with {@code variables} as
     * the process environment (relaxed names: HUB_DATA_DIR is hub.data-dir), which wins over all files.
     * Unresolvable placeholders stay as they are (secrets come from the environment).
     */
    static StandardEnvironment environment(Map<String, Object> variables, String... profileFiles) throws IOException {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        env.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        env.setIgnoreUnresolvableNestedPlaceholders(true);
        env.getPropertySources().addLast(new org.springframework.core.env.SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
        YamlPropertySourceLoader yaml = new YamlPropertySourceLoader();
        for (int i = 0; i < profileFiles.length; i++) {
            yaml.load("profile-" + i, new ByteArrayResource(profileFiles[i].getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                    .forEach(env.getPropertySources()::addLast);
        }
        yaml.load("defaults", new FileSystemResource(APPLICATION_YML)).forEach(env.getPropertySources()::addLast);
        return env;
    }

    /** Every hub.* setting whose value is an absolute folder the hub writes in. */
    static Map<String, String> writableFolders(StandardEnvironment env) {
        Map<String, String> folders = new TreeMap<>();
        for (String name : names(env)) {
            String value = env.getProperty(name);
            if (name.startsWith("hub.") && value != null && value.startsWith("/")
                    && READ_ONLY.stream().noneMatch(name::endsWith)
                    && !name.startsWith(URL_PATHS)) {
                folders.put(name, Path.of(value).normalize().toString());
            }
        }
        return folders;
    }

    /** The names every (enumerable) property source of the environment defines. */
    static List<String> names(StandardEnvironment env) {
        List<String> names = new ArrayList<>();
        for (PropertySource<?> source : env.getPropertySources()) {
            if (source instanceof EnumerablePropertySource<?> e) {
                for (String name : e.getPropertyNames()) {
                    if (!names.contains(name)) {
                        names.add(name);
                    }
                }
            }
        }
        return names;
    }
}

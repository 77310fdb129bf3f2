package energyhub.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class DevSecretsTest {

    private static final String SECRETS = "hub.broker.national.password, hub.audit.key";

    @TempDir
    Path dir;

    @Test
    void emptySecretsAreMadeOnceKeptInAnOwnerOnlyFileAndTheSameAfterARestart() throws Exception {
        Path file = dir.resolve("data/dev-secrets.properties");
        StandardEnvironment first = environment(Map.of("hub.dev.secrets", SECRETS, "hub.dev.secrets-file",
                file.toString(), "hub.broker.national.password", "", "hub.audit.key", ""));
        String password = first.getProperty("hub.broker.national.password");
        String key = first.getProperty("hub.audit.key");
        assertThat(password).hasSize(24).isNotEqualTo(key);
        assertThat(key).hasSize(24);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");

        StandardEnvironment restarted = environment(Map.of("hub.dev.secrets", SECRETS, "hub.dev.secrets-file",
                file.toString()));
        assertThat(restarted.getProperty("hub.broker.national.password")).isEqualTo(password);
        assertThat(restarted.getProperty("hub.audit.key")).isEqualTo(key);
    }

    @Test
    void aSecretGivenElsewhereIsKeptAndNotWrittenDown() throws Exception {
        Path file = dir.resolve("dev-secrets.properties");
        StandardEnvironment env = environment(Map.of("hub.dev.secrets", SECRETS, "hub.dev.secrets-file",
                file.toString(), "hub.broker.national.password", "from-the-environment"));
        assertThat(env.getProperty("hub.broker.national.password")).isEqualTo("from-the-environment");
        assertThat(Files.readString(file)).contains("hub.audit.key").doesNotContain("hub.broker.national.password");
    }

    @Test
    void withoutTheDevProfilesListNothingIsMade() {
        Path file = dir.resolve("dev-secrets.properties");
        StandardEnvironment env = environment(Map.of("hub.dev.secrets", "", "hub.dev.secrets-file", file.toString(),
                "hub.audit.key", ""));
        assertThat(env.getProperty("hub.audit.key")).isEmpty();
        assertThat(file).doesNotExist();
    }

    private static StandardEnvironment environment(Map<String, Object> properties) {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addFirst(new MapPropertySource("test", properties));
        new DevSecrets(destination -> destination.get()).postProcessEnvironment(env, new SpringApplication());
        return env;
    }
}

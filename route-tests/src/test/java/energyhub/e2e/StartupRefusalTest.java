package energyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import energyhub.e2e.support.FreePort;
import energyhub.e2e.support.HubProcess;
import energyhub.e2e.support.RunningHub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The packaged hub started as a new operator would start it with a setting missing: it stops before
 * its database or broker starts, with one line naming the setting and one saying what to do, no
 * stack trace, and a non-zero exit (issue 10 item 17).
 */
class StartupRefusalTest {

    @Test
    void withoutTheDevProfileThePlatformAccountsAreNamed() throws Exception {
        Path dataDir = RunningHub.tempDir("hub-refusal-default");
        HubProcess.Ended ended = run(dataDir, Map.of(), "no-dev-profile");
        assertRefused(ended, dataDir, "exchange hub not started: hub.broker.national.user is not set",
                "set HUB_BROKER_NATIONAL_USER and HUB_BROKER_NATIONAL_PASSWORD");
    }

    @Test
    void theProductionProfileWithoutItsSecretsNamesTheMissingVariable() throws Exception {
        Path dataDir = RunningHub.tempDir("hub-refusal-prod");
        Path config = Path.of("../deployment/config/").toAbsolutePath().normalize();
        Map<String, String> props = new LinkedHashMap<>();
        props.put("spring.config.additional-location", "file:" + config + "/");
        props.put("spring.profiles.active", "prod");
        HubProcess.Ended ended = run(dataDir, props, "prod-without-secrets");
        // the first of the profile's ${HUB_...} references that the environment does not set
        assertRefused(ended, dataDir, "which is not set", "set the environment variable HUB_");
        assertThat(line(ended, "exchange hub not started: ")).matches(".*hub\\.[a-z.-]+ refers to \\$\\{HUB_[A-Z_]+}, which is not set");
    }

    @Test
    void anUnknownQueueMessageEncodingNamesTheSettingAndTheAllowedValues() throws Exception {
        Path dataDir = RunningHub.tempDir("hub-refusal-encoding");
        Map<String, String> props = new LinkedHashMap<>(energyhub.e2e.support.HubTest.hubProperties(dataDir, 0));
        props.remove("hub.broker.port");
        props.put("hub.routing.provincial-encoding", "zip");
        HubProcess.Ended ended = run(dataDir, props, "encoding");
        assertRefused(ended, dataDir, "hub.routing.provincial-encoding is 'zip', not one of text, utf8, gzip",
                "set hub.routing.provincial-encoding to one of text, utf8, gzip");
    }

    @Test
    void requiredSignaturesWithoutTheProvinceThisHubServesNameHubFerryTarget() throws Exception {
        Path dataDir = RunningHub.tempDir("hub-refusal-target");
        Map<String, String> props = new LinkedHashMap<>(energyhub.e2e.support.HubTest.hubProperties(dataDir, 0));
        props.remove("hub.broker.port");
        props.put("hub.ferry.signatures", "required");
        props.put("hub.ferry.target", "");
        HubProcess.Ended ended = run(dataDir, props, "ferry-target");
        assertRefused(ended, dataDir, "hub.ferry.target is empty while hub.ferry.signatures is required",
                "set it to the province code this hub serves");
    }

    private static HubProcess.Ended run(Path dataDir, Map<String, String> extra, String name) throws Exception {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("hub.data-dir", dataDir.toString());
        props.put("hub.broker.port", String.valueOf(FreePort.next()));
        props.putAll(extra);
        // the bound is for a loaded machine; on an idle one the refusal comes within seconds of the JVM's start
        return HubProcess.runExpectingExit(props, HubProcess.logFile("refusal-" + name).toPath(), Duration.ofSeconds(120));
    }

    private static void assertRefused(HubProcess.Ended ended, Path dataDir, String description, String action) {
        String output = String.join("\n", ended.output());
        assertThat(ended.exitCode()).isNotZero();
        assertThat(line(ended, "exchange hub not started: ")).contains(description);
        assertThat(output).contains("Action:").contains(action);
        assertThat(output).doesNotContain("Caused by").doesNotContain("\tat ");
        // refused before anything was started: no database, no broker journal under the data directory
        assertThat(Files.exists(dataDir.resolve("postgres"))).isFalse();
        assertThat(Files.exists(dataDir.resolve("broker"))).isFalse();
    }

    private static String line(HubProcess.Ended ended, String start) {
        return ended.output().stream().filter(l -> l.startsWith(start)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starting '" + start + "' in " + ended.output()));
    }
}

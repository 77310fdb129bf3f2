package energyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import energyhub.e2e.support.FerryPackage;
import energyhub.e2e.support.FreePort;
import energyhub.e2e.support.HubProcess;
import energyhub.e2e.support.HubTest;
import energyhub.e2e.support.PlatformClient;
import energyhub.e2e.support.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * In the style of Artemis's soak tests: the packaged hub runs as its own process, is killed with
 * SIGKILL while packages are flowing, and is started again on the same data. Afterwards every
 * package is answered and every accepted record is in each platform queue exactly once.
 */
class CrashRecoveryTest {

    private static final int PACKAGES = 24;
    private static final int RECORDS = 700; // two chunks per package and target

    @Test
    void killedMidFlowTheHubDeliversEveryRecordExactlyOnceAfterRestart() throws Exception {
        Path dataDir = Files.createTempDirectory("hub-crash");
        int brokerPort = FreePort.next();
        Map<String, String> props = new HashMap<>(HubTest.hubProperties(dataDir, brokerPort));
        TestDatabase.create().ifPresent(url -> props.put("spring.datasource.url", url));
        Path inbox = dataDir.resolve("ferry/inbox");
        Path outbox = dataDir.resolve("ferry/outbox");
        Path log = HubProcess.logFile("crash-recovery").toPath();

        List<FerryPackage> packages = new ArrayList<>();
        try (HubProcess first = HubProcess.start(props, log)) {
            for (int i = 0; i < PACKAGES; i++) {
                packages.add(FerryPackage.of().name(String.format("crash-%02d", i))
                        .records(i % 2 == 0 ? FerryPackage.ENTERPRISE : FerryPackage.OTHER_ENTERPRISE, RECORDS)
                        .dropInto(inbox));
            }
            // kill while the hub is in the middle of the flow: some answered, most not
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20))
                    .until(() -> acks(outbox) >= 3);
            first.kill();
        }
        long answeredBeforeCrash = acks(outbox);
        assertThat(answeredBeforeCrash).as("killed mid-flow").isLessThan(PACKAGES);

        try (HubProcess second = HubProcess.start(props, log)) {
            await().atMost(Duration.ofSeconds(180)).until(() -> acks(outbox) == PACKAGES);
            ObjectMapper json = new ObjectMapper();
            for (FerryPackage p : packages) {
                JsonNode ack = json.readTree(outbox.resolve(p.dataFileName() + ".ack.json").toFile());
                assertThat(ack.get("status").asText()).as(p.dataFileName()).isEqualTo("ACCEPTED");
                assertThat(ack.get("accepted").asInt()).isEqualTo(RECORDS);
            }
            try (PlatformClient national = PlatformClient.national(brokerPort);
                    PlatformClient provincial = PlatformClient.provincial(brokerPort)) {
                PlatformClient.assertExactlyOnce(national.drain(2000), packages, PACKAGES * RECORDS);
                PlatformClient.assertExactlyOnce(provincial.drain(2000), packages, PACKAGES * RECORDS);
            }
        }
    }

    private static long acks(Path outbox) throws Exception {
        if (!Files.isDirectory(outbox)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(outbox)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".ack.json")).count();
        }
    }
}

package energyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import energyhub.e2e.support.ExactlyOnce;
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
                    .until(() -> ExactlyOnce.acks(outbox) >= 3);
            first.kill();
        }
        long answeredBeforeCrash = ExactlyOnce.acks(outbox);
        assertThat(answeredBeforeCrash).as("killed mid-flow").isLessThan(PACKAGES);

        try (HubProcess second = HubProcess.start(props, log)) {
            await().atMost(Duration.ofSeconds(180)).until(() -> ExactlyOnce.acks(outbox) == PACKAGES);
            ExactlyOnce.assertAcceptedOnceInEachQueue(outbox, packages, RECORDS, brokerPort);
        }
    }
}

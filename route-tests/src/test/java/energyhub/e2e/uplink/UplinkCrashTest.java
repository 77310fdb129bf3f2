package energyhub.e2e.uplink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import energyhub.e2e.support.FerryPackage;
import energyhub.e2e.support.FreePort;
import energyhub.e2e.support.HubProcess;
import energyhub.e2e.support.HubTest;
import energyhub.e2e.support.RunningHub;
import energyhub.e2e.support.TestDatabase;
import energyhub.uplink.simulator.DemoPki;
import energyhub.uplink.simulator.NationalPlatformSimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The packaged hub with the uplink on, killed with SIGKILL while it sends to the simulator, then started again on the
 * same data: every record ACKED, each identity at the simulator at least once, and the re-sends (records sent whose
 * ACKs the killed hub had not written) at most concurrency x claim-size.
 */
class UplinkCrashTest {

    private static final int PACKAGES = 16;
    private static final int RECORDS = 500;
    private static final int CONCURRENCY = 4;
    private static final int CLAIM_SIZE = 16;

    @Test
    void killedMidSendTheHubAcksEveryRecordAfterRestartWithBoundedResends() throws Exception {
        var database = TestDatabase.create();
        Assumptions.assumeTrue(database.isPresent(), "needs the local PostgreSQL");
        DemoPki pki = DemoPki.create(RunningHub.tempDir("uplink-crash-pki"), "uplink-test", "Test");
        try (NationalPlatformSimulator sim = NationalPlatformSimulator.start(FreePort.next(), pki, Duration.ofSeconds(30))) {
            Path dataDir = Files.createTempDirectory("hub-uplink-crash");
            int brokerPort = FreePort.next();
            Map<String, String> props = new HashMap<>(HubTest.hubProperties(dataDir, brokerPort));
            props.put("spring.datasource.url", database.get());
            UplinkSettings.of(sim, pki,
                    "concurrency", String.valueOf(CONCURRENCY),
                    "claim-size", String.valueOf(CLAIM_SIZE),
                    "lease", "3s",
                    "idle-wait", "200ms")
                    .forEach(props::put);
            Path log = HubProcess.logFile("uplink-crash").toPath();
            Path inbox = dataDir.resolve("ferry/inbox");
            int total = PACKAGES * RECORDS;

            try (HubProcess first = HubProcess.start(props, log)) {
                for (int p = 0; p < PACKAGES; p++) {
                    String enterprise = p % 2 == 0 ? FerryPackage.ENTERPRISE : FerryPackage.OTHER_ENTERPRISE;
                    FerryPackage pkg = FerryPackage.of();
                    for (int i = 0; i < RECORDS; i++) {
                        int n = (p / 2) * RECORDS + i;
                        pkg.line(FerryPackage.record(enterprise, 1 + n % 28, n + ".5").replace("0000000002330001",
                                NationalUplinkTest.dataCode(6, n)));
                    }
                    pkg.dropInto(inbox);
                }
                // kill while sending: some records at the platform, most not
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20))
                        .until(() -> sim.received().size() >= 500);
                first.kill();
            }
            int beforeCrash = sim.received().size();
            assertThat(beforeCrash).as("killed mid-send").isLessThan(total);

            try (HubProcess second = HubProcess.start(props, log)) {
                await().atMost(Duration.ofSeconds(180)).until(() -> acked(database.get()) == total);
            }
            Map<String, Integer> received = sim.received();
            assertThat(received).hasSize(total);
            int resent = received.values().stream().mapToInt(n -> n - 1).sum();
            System.out.printf("uplink crash: %d of %d records at the platform before the kill, %d re-sent after it%n",
                    beforeCrash, total, resent);
            assertThat(resent).isLessThanOrEqualTo(CONCURRENCY * CLAIM_SIZE);
        }
    }

    private static long acked(String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "postgres", "");
                ResultSet rs = c.createStatement().executeQuery(
                        "select count(*) from uplink_record where state = 'ACKED'")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

package energyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import energyhub.e2e.support.FerryPackage;
import energyhub.e2e.support.FreePort;
import energyhub.e2e.support.HubProcess;
import energyhub.e2e.support.HubTest;
import energyhub.e2e.support.PlatformClient;
import energyhub.e2e.support.RunningHub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Operations (issue 10 items 13 and 16), on the packaged hub as its own process with its first-run
 * embedded PostgreSQL (no spring.datasource.url): that database runs durable, and a second hub
 * started on the same data directory refuses at once with one line naming the running hub, exits
 * non-zero, and leaves the running hub (and its PostgreSQL) alone.
 */
class SecondHubOnOneDataDirTest {

    private static String show(Connection c, String setting) throws Exception {
        try (ResultSet rs = c.createStatement().executeQuery("show " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long postmasterPid(Path dataDir) throws Exception {
        return Long.parseLong(Files.readAllLines(dataDir.resolve("postgres/postmaster.pid")).get(0).trim());
    }

    @Test
    void aSecondHubRefusesToStartAndTheFirstKeepsDelivering() throws Exception {
        Path dataDir = RunningHub.tempDir("hub-one-dir");
        int brokerPort = FreePort.next();
        int pgPort = FreePort.next();
        Map<String, String> props = new HashMap<>(HubTest.hubProperties(dataDir, brokerPort));
        props.put("hub.embedded-db.port", String.valueOf(pgPort)); // the embedded database: no spring.datasource.url

        try (HubProcess first = HubProcess.start(props, HubProcess.logFile("one-dir-first").toPath())) {
            long postgres = postmasterPid(dataDir);
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres", "postgres", "")) {
                assertThat(show(c, "fsync")).isEqualTo("on");
                assertThat(show(c, "synchronous_commit")).isEqualTo("on");
                assertThat(show(c, "full_page_writes")).isEqualTo("on");
            }

            HubProcess.Ended second = HubProcess.runExpectingExit(props, HubProcess.logFile("one-dir-second").toPath(),
                    Duration.ofSeconds(180)); // it refuses before its database starts; the bound is for a loaded machine

            assertThat(second.exitCode()).isNotZero();
            String firstLine = second.output().stream().filter(l -> !l.isBlank()).findFirst().orElse("");
            assertThat(firstLine).contains("hub.data-dir " + dataDir.toAbsolutePath().normalize()
                    + " is in use by another hub (pid " + first.pid() + " on host ").contains(", started 20")
                    .contains("this hub does not start");
            assertThat(String.join("\n", second.output())).doesNotContain("Caused by").doesNotContain("\tat ")
                    .doesNotContain("stopping PostgreSQL");

            // the running hub's PostgreSQL was left alone, and the hub keeps delivering
            assertThat(postmasterPid(dataDir)).isEqualTo(postgres);
            assertThat(ProcessHandle.of(postgres).map(ProcessHandle::isAlive)).contains(true);
            FerryPackage pkg = FerryPackage.of().name("after-refusal").records(FerryPackage.ENTERPRISE, 3)
                    .dropInto(dataDir.resolve("ferry/inbox"));
            assertThat(RunningHub.awaitAckIn(dataDir.resolve("ferry/outbox"), pkg).get("status").asText())
                    .isEqualTo("ACCEPTED");
            try (PlatformClient national = PlatformClient.national(brokerPort);
                    PlatformClient provincial = PlatformClient.provincial(brokerPort)) {
                for (PlatformClient platform : List.of(national, provincial)) {
                    assertThat(platform.browse(pkg.batchId()).stream().mapToInt(PlatformClient.Received::records).sum())
                            .isEqualTo(3);
                }
            }
        }
    }
}

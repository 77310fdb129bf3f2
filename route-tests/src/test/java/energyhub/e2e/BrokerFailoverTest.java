package energyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import energyhub.e2e.support.ArtemisPair;
import energyhub.e2e.support.ExactlyOnce;
import energyhub.e2e.support.FerryPackage;
import energyhub.e2e.support.HubProcess;
import energyhub.e2e.support.PlatformClient;
import energyhub.e2e.support.ProductionProfile;
import energyhub.e2e.support.TestDatabase;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * The hub as a province runs it (profile prod, deployment/config/application-prod.yml; external
 * PostgreSQL; the external Artemis pair of deployment/broker started from the distribution): the
 * primary broker is killed with SIGKILL while packages flow. The hub, never restarted, continues
 * on the backup: every package is answered ACCEPTED once, and each record is once in each platform
 * queue, read from the backup with the platforms' own accounts. Then no broker at all: the hub's
 * broker health goes DOWN, and UP again when a broker is back, still without a restart.
 */
class BrokerFailoverTest {

    private static final int PACKAGES = 60;
    private static final int RECORDS = 120;
    private static final String VIEWER_PASSWORD = "failover-viewer-pw";

    @Test
    void theHubContinuesOnTheBackupWhenThePrimaryBrokerIsKilledMidFlow() throws Exception {
        String database = TestDatabase.create().orElse(null);
        Assumptions.assumeTrue(database != null, "needs the PostgreSQL at 127.0.0.1:5432");
        Path dir = Files.createTempDirectory("hub-broker-failover");
        Path dataDir = dir.resolve("hub");
        Path inbox = dir.resolve("gate/inbound");
        Path outbox = dir.resolve("gate/outbound");
        Path log = HubProcess.logFile("broker-failover").toPath();
        Files.deleteIfExists(log);

        try (ArtemisPair pair = ArtemisPair.start(dir.resolve("artemis"))) {
            Path users = dir.resolve("users");
            Files.writeString(users, "viewer=" + new BCryptPasswordEncoder(4).encode(VIEWER_PASSWORD) + ",viewer\n");
            ProductionProfile.Certificate cockpit = ProductionProfile.Certificate.create(dir);
            Map<String, String> env = ProductionProfile.environment(pair.url(), pair.hubPassword(), database, users,
                    "broker-failover-audit-key", cockpit);
            Map<String, String> props = ProductionProfile.properties(dataDir, inbox, outbox);
            props.put("hub.ferry.poll-interval", "200ms");
            props.put("hub.ferry.stale-scan-interval", "500ms");
            props.put("hub.routing.sweep-interval", "1s");
            props.put("hub.routing.retry-initial-delay", "1s");
            props.put("hub.routing.claim-lease", "15s");
            // the broker group also holds the journal's disk, which warns from 75 % used by default: on a shared
            // CI machine that is the machine's state, not the failover's; it warns only where the broker blocks
            props.put("hub.monitoring.disk-warn-margin", "0");

            List<FerryPackage> packages = new ArrayList<>();
            try (HubProcess hub = HubProcess.start(props, env, log, cockpit.trust())) {
                long pid = hub.pid();
                assertThat(brokerHealth(hub)).isEqualTo("UP 200");
                Files.createDirectories(inbox);
                for (int i = 0; i < PACKAGES; i++) {
                    packages.add(FerryPackage.of().name(String.format("failover-%02d", i)).signedBy(ProductionProfile.EXCHANGE)
                            .records(i % 2 == 0 ? FerryPackage.ENTERPRISE : FerryPackage.OTHER_ENTERPRISE, RECORDS)
                            .dropInto(inbox));
                }
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20))
                        .until(() -> ExactlyOnce.acks(outbox) >= 3);
                pair.killPrimary();
                long answeredAtKill = ExactlyOnce.acks(outbox);
                assertThat(answeredAtKill).as("killed while packages flow").isLessThan(PACKAGES);
                pair.awaitBackupActive();

                try {
                    await().atMost(Duration.ofSeconds(120)).until(() -> ExactlyOnce.acks(outbox) == PACKAGES);
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    Files.writeString(log.resolveSibling("broker-failover-threads.txt"), hub.threadDump());
                    throw e;
                }
                assertThat(hub.isAlive()).as("never restarted").isTrue();
                assertThat(hub.pid()).isEqualTo(pid);
                await().atMost(Duration.ofSeconds(30)).until(() -> brokerHealth(hub).equals("UP 200"));
                try (PlatformClient national = pair.national(); PlatformClient provincial = pair.provincial()) {
                    ExactlyOnce.assertAcceptedOnceInEachQueue(outbox, packages, RECORDS, national, provincial);
                }

                // no broker at all: the broker health is DOWN while the hub keeps running ...
                pair.killBackup();
                await().atMost(Duration.ofSeconds(30)).until(() -> brokerHealth(hub).equals("DOWN 503"));
                // ... and UP again when a broker answers, without a restart
                pair.restartPrimary();
                await().atMost(Duration.ofSeconds(60)).until(() -> brokerHealth(hub).equals("UP 200"));
                assertThat(hub.pid()).isEqualTo(pid);
                assertThat(hub.isAlive()).isTrue();
                hub.kill(); // its graceful stop is not under test here
            }
        }
        // passed: the two journals (some 70 MB) go; a failed run keeps them and the brokers' logs
        org.springframework.util.FileSystemUtils.deleteRecursively(dir);
    }

    /** The hub's broker health group as a viewer sees it: its status and the HTTP status, e.g. "DOWN 503". */
    private static String brokerHealth(HubProcess hub) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(hub.uri("/actuator/health/broker"))
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString(("viewer:" + VIEWER_PASSWORD).getBytes(StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(20)).build();
        HttpResponse<String> response = hub.http().send(request, HttpResponse.BodyHandlers.ofString());
        java.util.regex.Matcher status = java.util.regex.Pattern.compile("^\\{\"status\":\"(\\w+)\"")
                .matcher(response.body());
        return (status.find() ? status.group(1) : response.body()) + " " + response.statusCode();
    }
}

package energyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import energyhub.e2e.support.ExchangeHubTest;
import energyhub.e2e.support.FerryPackage;
import energyhub.e2e.support.PlatformClient.Received;
import energyhub.ferry.FerrySourcesHealth;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

/** Ferry packages polled from exchange servers over SFTP (real MINA SSHD servers on loopback, host keys pinned). */
class SftpIntakeTest extends ExchangeHubTest {

    @Autowired
    FerrySourcesHealth health;
    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;
    @Autowired
    @org.springframework.beans.factory.annotation.Qualifier("intakePolls")
    org.springframework.boot.actuate.health.HealthIndicator intakePolls;

    @Test
    void packageIsPickedUpDeliveredToBothQueuesAndItsAckUploadedBack() throws Exception {
        FerryPackage pkg = FerryPackage.of().records(FerryPackage.ENTERPRISE, 3).gzip().dropInto(SERVER_A.inbound());

        JsonNode ack = awaitRemoteAck(SERVER_A, pkg);

        assertThat(ack.get("batchId").asText()).isEqualTo(pkg.batchId());
        assertThat(ack.get("status").asText()).isEqualTo("ACCEPTED");
        assertThat(ack.get("accepted").asInt()).isEqualTo(3);
        for (var platform : List.of(national, provincial)) {
            List<Received> messages = platform.browse(pkg.batchId());
            assertThat(messages).hasSize(1);
            assertThat(messages.get(0).records()).isEqualTo(3);
            assertThat(messages.get(0).source()).isEqualTo("ferry-exchange-a");
        }
        Map<String, Object> batch = ledger.batch(pkg.batchId());
        assertThat(batch).containsEntry("status", "ACCEPTED").containsEntry("source", "ferry-exchange-a")
                .containsEntry("file_name", pkg.dataFileName());
        // only after the answer: both remote files leave the inbound folder for the remote archive
        Path data = SERVER_A.inbound().resolve(pkg.dataFileName());
        Path manifest = SERVER_A.inbound().resolve(pkg.dataFileName() + ".manifest");
        await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(data) && !Files.exists(manifest));
        try (Stream<Path> archived = Files.walk(SERVER_A.archive())) {
            assertThat(archived.map(p -> p.getFileName().toString()))
                    .contains(pkg.dataFileName(), pkg.dataFileName() + ".manifest");
        }
        // only ACK files go out, and no half-written one is left behind
        try (Stream<Path> out = Files.list(SERVER_A.outbound())) {
            assertThat(out.map(p -> p.getFileName().toString())).allMatch(n -> n.endsWith(".ack.json"))
                    .noneMatch(n -> n.startsWith(".writing-"));
        }
    }

    @Test
    void partialPackageIsLeftAloneUntilItsManifestArrives() throws Exception {
        FerryPackage partial = FerryPackage.of().records(FerryPackage.ENTERPRISE, 2);
        Path data = partial.dropDataOnly(SERVER_A.inbound());
        // a complete package dropped after it is processed: the server has been polled since
        awaitRemoteAck(SERVER_A, FerryPackage.of().records(FerryPackage.ENTERPRISE, 1).dropInto(SERVER_A.inbound()));

        assertThat(data).exists();
        assertThat(ledger.batches(partial.batchId())).isEmpty();
        assertThat(SERVER_A.outbound().resolve(partial.dataFileName() + ".ack.json")).doesNotExist();

        partial.writeManifest(SERVER_A.inbound());
        assertThat(awaitRemoteAck(SERVER_A, partial).get("status").asText()).isEqualTo("ACCEPTED");
        await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(data));
        assertThat(national.browse(partial.batchId()).get(0).records()).isEqualTo(2);
        assertThat(provincial.browse(partial.batchId()).get(0).records()).isEqualTo(2);
    }

    /**
     * On commit the data file's remote move runs before the manifest's: a hub stopped between the two leaves the
     * remote manifest alone. The next reading answers it again with the same ACK and moves it, as for the local
     * inbox (FerryInboxTest), instead of waiting for a data file that is already archived.
     */
    @Test
    void aRemoteManifestLeftAloneByAHubStoppedWhileMovingIsAnsweredAgainAsBefore() throws Exception {
        FerryPackage pkg = FerryPackage.of().records(FerryPackage.ENTERPRISE, 2).dropInto(SERVER_A.inbound());
        JsonNode first = awaitRemoteAck(SERVER_A, pkg);
        assertThat(first.get("status").asText()).isEqualTo("ACCEPTED");
        Path manifest = SERVER_A.inbound().resolve(pkg.dataFileName() + ".manifest");
        await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(manifest));
        Path archivedManifest;
        try (Stream<Path> archived = Files.walk(SERVER_A.archive())) {
            archivedManifest = archived.filter(f -> f.getFileName().toString().equals(pkg.dataFileName() + ".manifest"))
                    .findFirst().orElseThrow();
        }
        Files.delete(SERVER_A.outbound().resolve(pkg.dataFileName() + ".ack.json"));
        Files.move(archivedManifest, manifest);

        assertThat(awaitRemoteAck(SERVER_A, pkg)).isEqualTo(first);
        await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(manifest));
        assertThat(SERVER_A.inbound().resolve(pkg.dataFileName())).doesNotExist();
        assertThat(ledger.batches(pkg.batchId())).extracting(b -> b.get("status")).containsExactly("ACCEPTED");
        assertThat(national.browse(pkg.batchId())).hasSize(1);
        assertThat(provincial.browse(pkg.batchId())).hasSize(1);
    }

    @Test
    void serverPresentingAnotherHostKeyIsRefusedAndReported() throws Exception {
        FerryPackage pkg = FerryPackage.of().records(FerryPackage.ENTERPRISE, 1).dropInto(IMPOSTOR.inbound());

        await().atMost(Duration.ofSeconds(30)).until(() -> health.watchdog("impostor").hostKeyProblem() != null);

        Health h = health.health();
        assertThat(h.getStatus()).isEqualTo(Status.DOWN);
        Map<?, ?> impostor = (Map<?, ?>) h.getDetails().get("ferry-impostor");
        assertThat(impostor.get("status")).isEqualTo("DOWN");
        assertThat((String) impostor.get("hostKey")).startsWith("REFUSED").containsIgnoringCase("hostkey");
        assertThat(((Map<?, ?>) h.getDetails().get("ferry-exchange-a")).get("status")).isEqualTo("UP");
        // nothing was taken from the impostor
        assertThat(IMPOSTOR.inbound().resolve(pkg.dataFileName())).exists();
        assertThat(IMPOSTOR.inbound().resolve(pkg.dataFileName() + ".manifest")).exists();
        assertThat(IMPOSTOR.outbound().resolve(pkg.dataFileName() + ".ack.json")).doesNotExist();
        assertThat(ledger.batches(pkg.batchId())).isEmpty();
    }

    @Test
    void twoSftpSourcesInOneConfigurationBothWork() throws Exception {
        FerryPackage a = FerryPackage.of().records(FerryPackage.ENTERPRISE, 2).dropInto(SERVER_A.inbound());
        FerryPackage b = FerryPackage.of().records(FerryPackage.OTHER_ENTERPRISE, 4).sm3().dropInto(SERVER_B.inbound());

        assertThat(awaitRemoteAck(SERVER_A, a).get("status").asText()).isEqualTo("ACCEPTED");
        assertThat(awaitRemoteAck(SERVER_B, b).get("status").asText()).isEqualTo("ACCEPTED");

        assertThat(SERVER_A.outbound().resolve(b.dataFileName() + ".ack.json")).doesNotExist();
        assertThat(national.browse(a.batchId()).get(0).source()).isEqualTo("ferry-exchange-a");
        assertThat(national.browse(b.batchId()).get(0).source()).isEqualTo("ferry-exchange-b");
        assertThat(provincial.browse(b.batchId()).get(0).records()).isEqualTo(4);
        assertThat(camel.getRoute("ferry-exchange-a")).isNotNull();
        assertThat(camel.getRoute("ferry-exchange-b")).isNotNull();
        assertThat(health.watchdog("exchange-b").lastSuccess()).isNotNull();
        // sessions do not pile up per package: the poller's, the ACK uploader's and at most one data fetch
        // (this server has carried several packages by now, so a session per package would exceed it)
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(SERVER_A.activeSessions()).isLessThanOrEqualTo(3));
        // the watchdog's gauge: seconds since the source's last successful poll
        assertThat(meters.get("hub.ferry.source.poll.age").tag("source", "ferry-exchange-b").gauge().value())
                .isLessThan(30);
        // one record of the last successful poll: the intakes health and the ferry sources' health say the
        // same time (taken together between two polls of the 300 ms poller)
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            Map<?, ?> intake = (Map<?, ?>) intakePolls.health().getDetails().get("ferry-exchange-b");
            Map<?, ?> source = (Map<?, ?>) health.health().getDetails().get("ferry-exchange-b");
            assertThat(source.get("lastSuccessfulPoll")).isEqualTo(intake.get("lastSuccessfulPoll"));
        });
    }

    @Test
    void furtherLocalInboxFromTheSameListWorksToo() throws Exception {
        Path inbox = DATA_DIR.resolve("gate-2/inbox");
        FerryPackage pkg = FerryPackage.of().records(FerryPackage.ENTERPRISE, 2).dropInto(inbox);

        Path ack = DATA_DIR.resolve("gate-2/outbox").resolve(pkg.dataFileName() + ".ack.json");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(ack));

        assertThat(JSON.readTree(Files.readString(ack)).get("status").asText()).isEqualTo("ACCEPTED");
        assertThat(national.browse(pkg.batchId()).get(0).source()).isEqualTo("ferry-gate-2");
        assertThat(provincial.browse(pkg.batchId()).get(0).records()).isEqualTo(2);
        // the ACK is written before the package is filed (archived once it is answered): wait for the filing
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(inbox.resolve(pkg.dataFileName())));
        try (Stream<Path> archived = Files.walk(DATA_DIR.resolve("ferry/archive/gate-2"))) {
            assertThat(archived.map(p -> p.getFileName().toString())).contains(pkg.dataFileName());
        }
    }
}

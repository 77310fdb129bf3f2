package energyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import energyhub.e2e.support.FerryPackage;
import energyhub.e2e.support.HubTest;
import energyhub.e2e.support.PlatformClient.Received;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Ferry packages dropped into the local inbox, through to both platform queues, the ACK and the ledger. */
class FerryInboxTest extends HubTest {

    @org.springframework.beans.factory.annotation.Autowired
    energyhub.ferry.StaleFileReport staleFiles;
    @org.springframework.beans.factory.annotation.Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    @Test
    void validPackageReachesBothQueuesAndIsAcceptedAndArchived() throws Exception {
        FerryPackage pkg = FerryPackage.of().records(FerryPackage.ENTERPRISE, 3).dropInto(inbox());

        JsonNode ack = awaitAck(pkg);

        assertThat(ack.get("batchId").asText()).isEqualTo(pkg.batchId());
        assertThat(ack.get("status").asText()).isEqualTo("ACCEPTED");
        assertThat(ack.get("received").asInt()).isEqualTo(3);
        assertThat(ack.get("accepted").asInt()).isEqualTo(3);
        assertThat(ack.get("rejected").asInt()).isZero();
        assertThat(ack.get("errors")).isEmpty();
        assertThat(ack.get("processedAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\+08:00");

        for (var platform : List.of(national, provincial)) {
            List<Received> messages = platform.browse(pkg.batchId());
            assertThat(messages).hasSize(1);
            Received m = messages.get(0);
            assertThat(m.records()).isEqualTo(3);
            assertThat(m.recordCount()).isEqualTo(3);
            assertThat(m.enterpriseCode()).isEqualTo(FerryPackage.ENTERPRISE);
            assertThat(m.source()).isEqualTo("ferry-inbox");
            assertThat(m.json().get("messageId").asText()).isEqualTo(pkg.batchId() + "-0001");
            assertThat(m.duplicateId()).isEqualTo(pkg.batchId() + "-0001:" + m.target());
            // convertRation filled from the energy-type table (3300 电力)
            assertThat(m.json().get("records").get(0).get("convertRation").asText()).isEqualTo("1.229");
        }
        assertThat(national.browse(pkg.batchId()).get(0).target()).isEqualTo("national");
        assertThat(provincial.browse(pkg.batchId()).get(0).target()).isEqualTo("provincial");

        Map<String, Object> batch = ledger.batch(pkg.batchId());
        assertThat(batch).containsEntry("status", "ACCEPTED").containsEntry("source", "ferry-inbox")
                .containsEntry("file_name", pkg.dataFileName()).containsEntry("received", 3)
                .containsEntry("accepted", 3).containsEntry("rejected", 0).containsEntry("digest_alg", "SHA-256");
        assertThat(batch.get("settled_at")).isNotNull();
        assertThat(batch.get("acked_at")).isNotNull();
        assertThat(ledger.deliveries((Long) batch.get("id")))
                .extracting(d -> d.get("target") + ":" + d.get("status"))
                .containsExactly("national:DELIVERED", "provincial:DELIVERED");

        // the package is filed right after its answer
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(inbox().resolve(pkg.dataFileName())));
        try (Stream<Path> archived = Files.walk(DATA_DIR.resolve("ferry/archive"))) {
            assertThat(archived.map(p -> p.getFileName().toString()))
                    .contains(pkg.dataFileName(), pkg.dataFileName() + ".manifest");
        }
    }

    @Test
    void gzipPackageWithBomAndCrlfAndSm3DigestIsAccepted() throws Exception {
        FerryPackage pkg = FerryPackage.of().records(FerryPackage.ENTERPRISE, 40).line("").gzip().bomAndCrlf().sm3()
                .dropInto(inbox());

        JsonNode ack = awaitAck(pkg);

        assertThat(ack.get("status").asText()).isEqualTo("ACCEPTED");
        assertThat(ack.get("accepted").asInt()).isEqualTo(40);
        assertThat(national.browse(pkg.batchId()).stream().mapToInt(Received::records).sum()).isEqualTo(40);
        assertThat(provincial.browse(pkg.batchId()).stream().mapToInt(Received::records).sum()).isEqualTo(40);
        assertThat(ledger.batch(pkg.batchId())).containsEntry("digest_alg", "SM3");
    }

    @Test
    void packageWithoutManifestIsLeftAlone() throws Exception {
        FerryPackage partial = FerryPackage.of().records(FerryPackage.ENTERPRISE, 2);
        Path data = partial.dropDataOnly(inbox());
        // a complete package dropped after it is processed: the inbox has been polled since
        awaitAck(FerryPackage.of().records(FerryPackage.ENTERPRISE, 1).dropInto(inbox()));

        assertThat(data).exists();
        assertThat(ledger.batches(partial.batchId())).isEmpty();
        assertThat(outbox().resolve(partial.dataFileName() + ".ack.json")).doesNotExist();

        partial.writeManifest(inbox()); // the manifest arrives: now it is processed
        assertThat(awaitAck(partial).get("status").asText()).isEqualTo("ACCEPTED");
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(data));
    }

    @Test
    @SuppressWarnings("unchecked")
    void dataFileWaitingTooLongForItsManifestIsReportedNotProcessed() throws Exception {
        FerryPackage orphan = FerryPackage.of().records(FerryPackage.ENTERPRISE, 1);
        Path data = orphan.dropDataOnly(inbox());
        Files.setLastModifiedTime(data, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(3600)));
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> staleFiles.count() > 0);
            var health = staleFiles.health();
            assertThat(health.getStatus().getCode()).isEqualTo("WARNING");
            assertThat((List<Object>) health.getDetails().get("files")).contains((Object) "ferry-inbox:" + orphan.dataFileName());
            assertThat(meters.get("hub.ferry.stale.files").gauge().value()).isGreaterThanOrEqualTo(1);
            assertThat(data).exists();
            assertThat(ledger.batches(orphan.batchId())).isEmpty();
        } finally {
            Files.delete(data);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> staleFiles.count() == 0);
        assertThat(staleFiles.health().getStatus().getCode()).isEqualTo("UP");
    }

    @Test
    void wrongDigestIsQuarantinedAndRejected() throws Exception {
        FerryPackage pkg = FerryPackage.of().records(FerryPackage.ENTERPRISE, 2).wrongDigest().dropInto(inbox());

        JsonNode ack = awaitAck(pkg);

        assertThat(ack.get("status").asText()).isEqualTo("REJECTED");
        assertThat(ack.get("errors").get(0).get("code").asText()).isEqualTo("DIGEST_MISMATCH");
        assertThat(ack.get("errors").get(0).get("field").asText()).isEqualTo("sha256");
        assertThat(ack.get("errors").get(0).get("line").asInt()).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(quarantine().resolve(pkg.dataFileName() + ".reason.txt")));
        assertThat(quarantine().resolve(pkg.dataFileName())).exists();
        assertThat(quarantine().resolve(pkg.dataFileName() + ".manifest")).exists();
        assertThat(Files.readString(quarantine().resolve(pkg.dataFileName() + ".reason.txt")))
                .contains("DIGEST_MISMATCH").contains(pkg.dataFileName());
        assertThat(national.browse(pkg.batchId())).isEmpty();
        assertThat(provincial.browse(pkg.batchId())).isEmpty();
        Map<String, Object> batch = ledger.batch(pkg.batchId());
        assertThat(batch).containsEntry("status", "REJECTED");
        assertThat((String) batch.get("reason")).startsWith("DIGEST_MISMATCH");
        assertThat(ledger.deliveries((Long) batch.get("id"))).isEmpty();
        // the package is checked in the same pass as it is staged: what was staged before the digest was
        // known is rolled back, chunks included, and the rejection is the batch's only row
        assertThat(ledger.batches(pkg.batchId())).hasSize(1);
        assertThat(ledger.jdbc().queryForObject("select count(*) from chunk where batch_pk = ?", Long.class,
                batch.get("id"))).isZero();
        assertThat(batch).containsEntry("received", 0).containsEntry("accepted", 0);
    }

    @Test
    void truncatedPackageIsRejected() throws Exception {
        FerryPackage pkg = FerryPackage.of().records(FerryPackage.ENTERPRISE, 5).declaredCount(6).dropInto(inbox());

        JsonNode ack = awaitAck(pkg);

        assertThat(ack.get("status").asText()).isEqualTo("REJECTED");
        assertThat(ack.get("errors").get(0).get("code").asText()).isEqualTo("TRUNCATED");
        assertThat(national.browse(pkg.batchId())).isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(quarantine().resolve(pkg.dataFileName())));
    }

    @Test
    void replayedBatchIdIsAnsweredDuplicateAndNothingIsDeliveredTwice() throws Exception {
        FerryPackage first = FerryPackage.of().records(FerryPackage.ENTERPRISE, 4).dropInto(inbox());
        assertThat(awaitAck(first).get("status").asText()).isEqualTo("ACCEPTED");

        FerryPackage replay = FerryPackage.of().records(FerryPackage.ENTERPRISE, 4).batchId(first.batchId())
                .dropInto(inbox());
        JsonNode ack = awaitAck(replay);

        assertThat(ack.get("status").asText()).isEqualTo("DUPLICATE");
        assertThat(ack.get("batchId").asText()).isEqualTo(first.batchId());
        // the first answer is not overwritten
        assertThat(awaitAck(first).get("status").asText()).isEqualTo("ACCEPTED");
        assertThat(national.browse(first.batchId()).stream().mapToInt(Received::records).sum()).isEqualTo(4);
        assertThat(provincial.browse(first.batchId()).stream().mapToInt(Received::records).sum()).isEqualTo(4);
        assertThat(ledger.batches(first.batchId())).extracting(b -> b.get("status"))
                .containsExactly("ACCEPTED", "DUPLICATE");
        assertThat((String) ledger.batches(first.batchId()).get(1).get("reason"))
                .contains("processed before").contains(first.dataFileName());
    }

    /**
     * A hub stopped (killed, power lost) between filing a package's data file and its manifest leaves the manifest in
     * the inbox, alone. Read again (by the restarted hub, or by another hub once the claim lapsed), it is the package
     * the ledger already has: answered again with the same ACK and filed, never answered MISSING_DATA_FILE after its
     * ACCEPTED, and nothing is delivered twice. (TwoHubsSharedInboxTest's SIGKILL once landed in that gap.)
     */
    @Test
    void aManifestLeftAloneByAHubStoppedWhileFilingIsAnsweredAgainAsBefore() throws Exception {
        FerryPackage pkg = FerryPackage.of().records(FerryPackage.ENTERPRISE, 3).dropInto(inbox());
        JsonNode first = awaitAck(pkg);
        assertThat(first.get("status").asText()).isEqualTo("ACCEPTED");
        Path manifest = inbox().resolve(pkg.dataFileName() + ".manifest");
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(manifest));
        Path archivedManifest;
        try (Stream<Path> archived = Files.walk(DATA_DIR.resolve("ferry/archive"))) {
            archivedManifest = archived.filter(f -> f.getFileName().toString().equals(pkg.dataFileName() + ".manifest"))
                    .findFirst().orElseThrow();
        }
        // the gate has taken the ACK; the stopped hub's manifest is back where it was, its data file archived
        Files.delete(outbox().resolve(pkg.dataFileName() + ".ack.json"));
        Files.move(archivedManifest, manifest);

        JsonNode again = awaitAck(pkg);

        assertThat(again).isEqualTo(first);
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(manifest));
        assertThat(inbox().resolve(pkg.dataFileName())).doesNotExist();
        assertThat(ledger.batches(pkg.batchId())).extracting(b -> b.get("status")).containsExactly("ACCEPTED");
        assertThat(national.browse(pkg.batchId()).stream().mapToInt(Received::records).sum()).isEqualTo(3);
        assertThat(provincial.browse(pkg.batchId()).stream().mapToInt(Received::records).sum()).isEqualTo(3);
        try (Stream<Path> archived = Files.walk(DATA_DIR.resolve("ferry/archive"))) {
            assertThat(archived.map(f -> f.getFileName().toString()))
                    .contains(pkg.dataFileName(), pkg.dataFileName() + ".manifest");
        }
    }

    @Test
    void invalidRecordsArePartialWithLineFieldAndCode() throws Exception {
        FerryPackage pkg = FerryPackage.of()
                .line(FerryPackage.record(FerryPackage.ENTERPRISE, 1, "10.5"))
                .line(FerryPackage.record(FerryPackage.ENTERPRISE, 2, "10.5").replace("00:00:00\",\"upload",
                        "00:05:00\",\"upload"))
                .line("{not json")
                .line(FerryPackage.record("91530100MA6NX4QW2H", 3, "1,000"))
                .line(FerryPackage.record(FerryPackage.ENTERPRISE, 4, "7"))
                .dropInto(inbox());

        JsonNode ack = awaitAck(pkg);

        assertThat(ack.get("status").asText()).isEqualTo("PARTIAL");
        assertThat(ack.get("received").asInt()).isEqualTo(5);
        assertThat(ack.get("accepted").asInt()).isEqualTo(2);
        assertThat(ack.get("rejected").asInt()).isEqualTo(3);
        List<String> errors = JSON.convertValue(ack.get("errors"), List.class).stream()
                .map(e -> ((Map<?, ?>) e).get("line") + ":" + ((Map<?, ?>) e).get("field") + ":" + ((Map<?, ?>) e).get("code"))
                .toList();
        assertThat(errors).containsExactly("2:statDate:NOT_PERIOD_START", "3::BAD_JSON",
                "4:dataValue:BAD_FORMAT", "4:enterpriseCode:BAD_CHECK_DIGIT");
        assertThat(national.browse(pkg.batchId()).get(0).records()).isEqualTo(2);
        assertThat(provincial.browse(pkg.batchId()).get(0).records()).isEqualTo(2);
        Map<String, Object> batch = ledger.batch(pkg.batchId());
        assertThat(batch).containsEntry("status", "PARTIAL").containsEntry("rejected", 3);
        assertThat(ledger.errors((Long) batch.get("id"))).extracting(e -> e.get("line") + ":" + e.get("code"))
                .containsExactly("2:NOT_PERIOD_START", "3:BAD_JSON", "4:BAD_FORMAT", "4:BAD_CHECK_DIGIT");
    }

    @Test
    void recordsAreChunkedPerEnterpriseAtFiveHundred() throws Exception {
        FerryPackage pkg = FerryPackage.of().records(FerryPackage.ENTERPRISE, 1100)
                .records(FerryPackage.OTHER_ENTERPRISE, 30).dropInto(inbox());

        assertThat(awaitAck(pkg).get("accepted").asInt()).isEqualTo(1130);

        for (var platform : List.of(national, provincial)) {
            List<Received> chunks = platform.browse(pkg.batchId());
            assertThat(chunks).extracting(c -> c.enterpriseCode() + ":" + c.chunk() + ":" + c.records())
                    .containsExactlyInAnyOrder(FerryPackage.ENTERPRISE + ":1:500", FerryPackage.ENTERPRISE + ":2:500",
                            FerryPackage.ENTERPRISE + ":3:100", FerryPackage.OTHER_ENTERPRISE + ":4:30");
        }
    }
}

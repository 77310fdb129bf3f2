package energyhub.ferry;

import static org.assertj.core.api.Assertions.assertThat;

import energyhub.routing.BatchLedger;
import energyhub.routing.BatchSubmission;
import energyhub.standard.RecordCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A manifest is read as soon as it is complete JSON; one that is not (still being written) waits until it is
 * hub.ferry.manifest-min-age old, then it is BAD_MANIFEST.
 */
class ManifestReadinessTest {

    @TempDir
    Path inbox;

    static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

    FerryPackages packages() {
        return packages(null); // every data file is there: the ledger is not asked
    }

    FerryPackages packages(BatchLedger ledger) {
        FerryProperties properties = new FerryProperties();
        properties.setManifestMinAge(Duration.ofSeconds(1));
        return new FerryPackages(new RecordCodec(16384), properties, Clock.fixed(NOW, ZoneOffset.UTC),
                null, ledger); // signatures off: no verifier asked
    }

    /** A ledger that knows one batch, staged from ferry-inbox as p.jsonl with COMPLETE's digest, or none. */
    static BatchLedger ledgerKnowing(boolean staged) {
        return new BatchLedger(null, null, null) {
            @Override
            public Optional<ProcessedBatch> readAgain(BatchSubmission s) {
                ProcessedBatch b = new ProcessedBatch(7, "ferry-inbox", "p.jsonl",
                        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
                return staged && b.isReadAgainBy(s) ? Optional.of(b) : Optional.empty();
            }
        };
    }

    Path manifestAlone(Duration age) throws Exception {
        Path m = Files.writeString(inbox.resolve("p.jsonl.manifest"), COMPLETE, StandardCharsets.UTF_8);
        Files.setLastModifiedTime(m, FileTime.from(NOW.minus(age)));
        return m;
    }

    @Test
    void aManifestAloneWhoseBatchTheLedgerHasIsSubmittedAtOnceToBeAnsweredAgain() throws Exception {
        Optional<BatchSubmission> s = packages(ledgerKnowing(true)).prepare(manifestAlone(Duration.ZERO), "ferry-inbox",
                "direct:ack");
        assertThat(s).isPresent();
        assertThat(s.get().rejection()).isNull();
        assertThat(s.get().fileName()).isEqualTo("p.jsonl");
        // the same manifest read by another source is not that batch: it waits for its data file
        assertThat(packages(ledgerKnowing(true)).prepare(manifestAlone(Duration.ZERO), "ferry-exchange-a", "direct:ack"))
                .isEmpty();
    }

    @Test
    void aManifestAloneTheLedgerDoesNotKnowWaitsForItsDataThenIsMissingData() throws Exception {
        assertThat(packages(ledgerKnowing(false)).prepare(manifestAlone(Duration.ofMinutes(5)), "ferry-inbox",
                "direct:ack")).isEmpty();
        Optional<BatchSubmission> stale = packages(ledgerKnowing(false)).prepare(manifestAlone(Duration.ofMinutes(31)),
                "ferry-inbox", "direct:ack");
        assertThat(stale).isPresent();
        assertThat(stale.get().rejection().code()).isEqualTo("MISSING_DATA_FILE");
    }

    Path manifest(String text, Duration age) throws Exception {
        Files.writeString(inbox.resolve("p.jsonl"), "", StandardCharsets.UTF_8);
        Path m = Files.writeString(inbox.resolve("p.jsonl.manifest"), text, StandardCharsets.UTF_8);
        Files.setLastModifiedTime(m, FileTime.from(NOW.minus(age)));
        return m;
    }

    static final String COMPLETE = "{\"batchId\":\"b-1\",\"sender\":\"x\",\"kind\":\"DATA\",\"recordCount\":0,\"byteSize\":0,"
            + "\"sha256\":\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\",\"schemaVersion\":\"1.0\"}";

    @Test
    void aCompleteManifestIsReadAtOnce() throws Exception {
        Optional<BatchSubmission> s = packages().prepare(manifest(COMPLETE, Duration.ZERO), "ferry-inbox", "direct:ack");
        assertThat(s).isPresent();
        assertThat(s.get().rejection()).isNull();
        assertThat(s.get().batchId()).isEqualTo("b-1");
    }

    @Test
    void aManifestCutOffInTheMiddleWaitsWhileYoungAndIsRefusedOnceOld() throws Exception {
        String half = COMPLETE.substring(0, COMPLETE.length() / 2);
        assertThat(packages().prepare(manifest(half, Duration.ofMillis(300)), "ferry-inbox", "direct:ack")).isEmpty();
        assertThat(packages().prepare(manifest("", Duration.ofMillis(300)), "ferry-inbox", "direct:ack")).isEmpty();

        Optional<BatchSubmission> old = packages().prepare(manifest(half, Duration.ofSeconds(2)), "ferry-inbox", "direct:ack");
        assertThat(old).isPresent();
        assertThat(old.get().rejection().code()).isEqualTo("BAD_MANIFEST");
    }

    @Test
    void aCompleteButWrongManifestIsRefusedAtOnce() throws Exception {
        Optional<BatchSubmission> s = packages().prepare(manifest("{\"batchId\":\"../x\"}", Duration.ZERO), "ferry-inbox", "direct:ack");
        assertThat(s).isPresent();
        assertThat(s.get().rejection().code()).isEqualTo("BAD_MANIFEST");
    }
}

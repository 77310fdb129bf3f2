package energyhub.ferry;

import com.fasterxml.jackson.databind.ObjectMapper;
import energyhub.routing.BatchLedger;
import energyhub.routing.BatchSubmission;
import energyhub.routing.IntakeOutcome;
import energyhub.routing.inbox.IntakeFiles;
import energyhub.routing.inbox.IntakeNames;
import energyhub.routing.inbox.UntrustedFileFilter;
import energyhub.standard.RecordCodec;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The receiver duties of contracts section 2 for a package lying in a local directory: decide
 * whether it is ready, check it against its manifest, turn it into a {@link BatchSubmission},
 * and afterwards archive or quarantine both files.
 */
@Component
public class FerryPackages {

    private static final Logger log = LoggerFactory.getLogger(FerryPackages.class);
    private static final ZoneId CST = ZoneId.of("Asia/Shanghai");
    private static final int MAX_MANIFEST_BYTES = 64 * 1024;
    private static final Pattern BATCH_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]{64}");

    private final ObjectMapper mapper;
    private final FerryProperties properties;
    private final Clock clock;
    private final energyhub.ferry.signing.ManifestVerifier verifier;
    private final BatchLedger ledger;

    public FerryPackages(RecordCodec codec, FerryProperties properties, Clock clock,
            energyhub.ferry.signing.ManifestVerifier verifier, BatchLedger ledger) {
        this.mapper = codec.mapper();
        this.properties = properties;
        this.clock = clock;
        this.verifier = verifier;
        this.ledger = ledger;
    }

    /** A manifest read and checked: for a signed one (v2), also the enterprises its records may name (null: any). */
    private record Read(FerryManifest manifest, java.util.Set<String> recordSenders) {
    }

    /**
     * The submission for the package whose manifest this is, or empty while it is not complete
     * yet (its data file has not arrived, or is still shorter than the manifest says and growing).
     */
    public Optional<BatchSubmission> prepare(Path manifestFile, String source, String ackEndpoint) throws IOException {
        String manifestName = manifestFile.getFileName().toString();
        if (!IntakeNames.acceptable(manifestName) || !manifestName.endsWith(FerryManifest.SUFFIX)) {
            // the inbox filter lets no such name through; never build a path or an ACK name from one
            throw new IllegalArgumentException("not a checked manifest name: " + IntakeNames.escape(manifestName));
        }
        String dataName = manifestName.substring(0, manifestName.length() - FerryManifest.SUFFIX.length());
        Path dataFile = manifestFile.resolveSibling(dataName);
        String ackName = dataName + ".ack.json";
        FerryManifest manifest;
        java.util.Set<String> recordSenders;
        try {
            Read read = readManifest(manifestFile);
            manifest = read.manifest();
            recordSenders = read.recordSenders();
        } catch (PackageProblem p) {
            if (p.unfinished() && age(manifestFile).compareTo(properties.getManifestMinAge()) < 0) {
                return Optional.empty(); // still being written, most likely: looked at again on the next poll
            }
            return Optional.of(submission(dataName, source, ackEndpoint, ackName, null, null, null).rejected(p.field(), p.code(),
                    manifestName + ": " + p.getMessage()));
        }
        BatchSubmission submission = submission(dataName, source, ackEndpoint, ackName, manifest, dataFile,
                recordSenders);
        if (!dataName.endsWith(".jsonl") && !dataName.endsWith(".jsonl.gz")) {
            return Optional.of(submission.rejected("file", "BAD_NAME",
                    dataName + " is neither NAME.jsonl nor NAME.jsonl.gz"));
        }
        IntakeFiles.Kind kind = IntakeFiles.kind(dataFile);
        if (kind == IntakeFiles.Kind.MISSING) {
            // filing moves the data file first, then the manifest: a hub stopped between the two leaves the manifest
            // of a package it staged and answered. Read again, it is answered RESUMED with the batch's own answer
            // (nothing is read: the ledger has the batch) and filed; never MISSING_DATA_FILE after an ACCEPTED.
            var staged = ledger.readAgain(submission);
            if (staged.isPresent()) {
                log.info("{}: {} is not beside its manifest, which batch #{} staged before (a hub stopped between filing"
                        + " the two): answered again as before, and the manifest is filed", manifestName, dataName,
                        staged.get().pk());
                return Optional.of(submission);
            }
            if (age(manifestFile).compareTo(properties.getStaleAfter()) < 0) {
                return Optional.empty();
            }
            return Optional.of(submission.rejected("file", "MISSING_DATA_FILE", "the manifest came "
                    + age(manifestFile).toMinutes() + " minutes ago but " + dataName + " never did"));
        }
        if (kind != IntakeFiles.Kind.REGULAR) {
            // a link is never followed, a FIFO or device never opened: refused at once
            return Optional.of(submission.rejected("file", UntrustedFileFilter.NOT_REGULAR_FILE,
                    dataName + " is " + kind.description() + ", not a regular file; it is not opened"));
        }
        if (IntakeFiles.size(dataFile) < manifest.byteSize()
                && age(dataFile).compareTo(properties.getSettleTime()) < 0) {
            return Optional.empty();
        }
        try {
            new PackageReader(dataFile, properties).check(manifest); // the rest is checked as it is staged
        } catch (PackageProblem p) {
            return Optional.of(submission.rejected(p.field(), p.code(), dataName + ": " + p.getMessage()));
        }
        return Optional.of(submission);
    }

    /**
     * Answers an inbox entry the filter refused (a bad name, or a manifest that is a link, FIFO,
     * directory...) without opening it: the entry (and, for an acceptable manifest name, its data file)
     * is renamed into quarantine, under a generated name ({@link IntakeNames#safeName}) when its own is
     * not acceptable, with a reason file quoting the original name escaped; the routing core records it
     * REJECTED (batchId empty: nothing was read) and the ACK goes out as {@code KEPT_NAME.ack.json}
     * (the data file's name for a manifest with an acceptable name).
     */
    public void refuse(UntrustedFileFilter.Refusal r, String where, String ackEndpoint, Path quarantine,
            org.apache.camel.ProducerTemplate core) throws IOException {
        String kept = r.keptName();
        String dataName = kept.endsWith(FerryManifest.SUFFIX)
                ? kept.substring(0, kept.length() - FerryManifest.SUFFIX.length()) : kept;
        Path moved = null;
        if (r.localPath() != null) {
            Path entry = r.localPath();
            moved = IntakeFiles.moveInto(entry, quarantine, kept); // null: a name that cannot be addressed again
            if (IntakeNames.acceptable(r.name()) && !dataName.equals(kept)) {
                IntakeFiles.moveInto(entry.resolveSibling(dataName), quarantine, dataName);
            }
            String base = moved != null ? moved.getFileName().toString() : kept;
            Files.writeString(quarantine.resolve(base + ".reason.txt"), "refused " + r.code() + ": " + r.reason()
                    + System.lineSeparator() + "original name: " + IntakeNames.escape(r.name())
                    + System.lineSeparator() + "not opened, not read" + System.lineSeparator(), StandardCharsets.UTF_8);
        }
        String message = IntakeNames.escape(r.name()) + ": " + r.reason() + "; refused unread"
                + (kept.equals(r.name()) ? "" : ", kept as " + kept);
        BatchSubmission answer = new BatchSubmission("", r.intake(), kept, null, null, null, null, null, ackEndpoint,
                dataName + ".ack.json", null).rejected("file", r.code(), message);
        core.requestBody(energyhub.routing.BatchIntakeRoute.ENDPOINT, answer);
        log.warn("{}: {} refused ({}: {}); {}, answered in {}.ack.json", where, IntakeNames.escape(r.name()),
                r.code(), r.reason(), moved != null ? "quarantined as " + moved
                        : r.localPath() == null ? "left on the server" : "left in place", dataName);
    }

    private BatchSubmission submission(String dataName, String source, String ackEndpoint, String ackName,
            FerryManifest m, Path dataFile, java.util.Set<String> recordSenders) {
        String batchId = m == null || m.batchId() == null ? "" : m.batchId();
        return new BatchSubmission(batchId, source, dataName, m == null ? null : m.digestAlgorithm(),
                m == null ? null : m.digest(), m == null ? null : m.byteSize(),
                m == null ? null : Math.toIntExact(m.recordCount()),
                dataFile == null ? null : () -> new PackageReader(dataFile, properties).lines(m, recordSenders),
                ackEndpoint, ackName, null, m == null ? null : m.sender());
    }

    private Read readManifest(Path file) throws IOException, PackageProblem {
        byte[] bytes;
        try (var in = IntakeFiles.openRegular(file)) {
            bytes = in.readNBytes(MAX_MANIFEST_BYTES + 1); // never more than the limit is read
        } catch (IntakeFiles.NotRegularFile e) {
            throw new PackageProblem("manifest", UntrustedFileFilter.NOT_REGULAR_FILE, e.getMessage());
        }
        boolean signing = properties.getSignatures() != FerryProperties.Signatures.OFF;
        if (bytes.length > MAX_MANIFEST_BYTES) {
            // before any parsing or cryptography: a 10 MB envelope or a thousand signatures end here
            throw new PackageProblem("manifest", signing ? "ENVELOPE_MALFORMED" : "BAD_MANIFEST",
                    "larger than " + MAX_MANIFEST_BYTES + " bytes");
        }
        energyhub.ferry.signing.ManifestVerifier.Verified signed = null;
        if (signing) {
            signed = verifier.envelope(file.getFileName().toString(), bytes); // null: v1 (warn) or not JSON
            if (signed != null) {
                bytes = signed.payload(); // the exact bytes signed; a BOM or whitespace in them was signed too
            }
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new PackageProblem("manifest", "BAD_MANIFEST", "not UTF-8 (UTF-16 or another encoding?)", true);
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1); // a BOM is tolerated, as in data files
        }
        FerryManifest m;
        try {
            m = mapper.readValue(text, FerryManifest.class);
            if (m == null) {
                throw new PackageProblem("manifest", "BAD_MANIFEST", "empty", true);
            }
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new PackageProblem("manifest", "BAD_MANIFEST", "not a JSON manifest: " + e.getOriginalMessage(), true);
        }
        if (m.batchId() == null || !BATCH_ID.matcher(m.batchId()).matches()) {
            throw new PackageProblem("batchId", "BAD_MANIFEST", "batchId is missing or not 1-64 of [A-Za-z0-9._:-]");
        }
        if (m.recordCount() == null || m.recordCount() < 0 || m.recordCount() > Integer.MAX_VALUE) {
            throw new PackageProblem("recordCount", "BAD_MANIFEST", "recordCount is missing or out of range");
        }
        if (m.byteSize() == null || m.byteSize() < 0) {
            throw new PackageProblem("byteSize", "BAD_MANIFEST", "byteSize is missing or negative");
        }
        if (m.digestAlgorithm() == null || !HEX.matcher(m.digest()).matches()) {
            throw new PackageProblem("sha256", "BAD_MANIFEST", "neither sha256 nor sm3 is given as 64 hex digits");
        }
        if (signed != null) {
            java.util.Set<String> recordSenders = verifier.payload(m, signed);
            return new Read(m.checkedBySm3(), recordSenders);
        }
        return new Read(m, null);
    }

    /** Moves both files out of the inbox: to the dated archive when taken, to quarantine with a reason file when not. */
    public void file(Path manifestFile, IntakeOutcome outcome) throws IOException {
        file(manifestFile, outcome, Path.of(properties.getArchive()), Path.of(properties.getQuarantine()));
    }

    /**
     * The same for a source with folders of its own (an SFTP source files the local copies it
     * downloaded under {@code archive/<id>} and {@code quarantine/<id>}).
     */
    public void file(Path manifestFile, IntakeOutcome outcome, Path archive, Path quarantine) throws IOException {
        String manifestName = manifestFile.getFileName().toString();
        String dataName = manifestName.substring(0, manifestName.length() - FerryManifest.SUFFIX.length());
        Path dataFile = manifestFile.resolveSibling(dataName);
        if (outcome.taken()) {
            Path day = archive
                    .resolve(LocalDate.now(clock.withZone(CST)).format(DateTimeFormatter.ofPattern("yyyy/MM/dd")));
            // the data file first: a hub stopped between the two moves leaves the manifest, which is answered
            // again as before when it is read again (prepare); the other order would leave a data file nobody answers
            Path archived = IntakeFiles.moveInto(dataFile, day, dataName);
            Path archivedManifest = IntakeFiles.moveInto(manifestFile, day, manifestName);
            log.info("{} {} (batch #{}), archived as {}{}", dataName, outcome.disposition(), outcome.batchPk(),
                    archived != null ? archived : archivedManifest,
                    archived != null ? "" : " (its data file was archived when it was first filed)");
        } else {
            Path kept = IntakeFiles.moveInto(dataFile, quarantine, dataName);
            Path keptManifest = IntakeFiles.moveInto(manifestFile, quarantine, manifestName);
            String base = (kept != null ? kept : keptManifest != null ? keptManifest : quarantine.resolve(dataName))
                    .getFileName().toString();
            Files.createDirectories(quarantine);
            Files.writeString(quarantine.resolve(base + ".reason.txt"), "batch #" + outcome.batchPk() + " rejected: "
                    + outcome.reason() + System.lineSeparator(), StandardCharsets.UTF_8);
            log.warn("{} rejected and quarantined (batch #{}): {}", dataName, outcome.batchPk(), outcome.reason());
        }
    }

    private Duration age(Path file) throws IOException {
        Instant modified = IntakeFiles.modified(file).toInstant();
        return Duration.between(modified, clock.instant());
    }
}

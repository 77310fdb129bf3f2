package energyhub.ferry;

import com.fasterxml.jackson.databind.ObjectMapper;
import energyhub.routing.BatchSubmission;
import energyhub.routing.IntakeOutcome;
import energyhub.standard.RecordCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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

    public FerryPackages(RecordCodec codec, FerryProperties properties, Clock clock) {
        this.mapper = codec.mapper();
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * The submission for the package whose manifest this is, or empty while it is not complete
     * yet (its data file has not arrived, or is still shorter than the manifest says and growing).
     */
    public Optional<BatchSubmission> prepare(Path manifestFile, String source, String ackEndpoint) throws IOException {
        String dataName = manifestFile.getFileName().toString();
        dataName = dataName.substring(0, dataName.length() - FerryManifest.SUFFIX.length());
        Path dataFile = manifestFile.resolveSibling(dataName);
        String ackName = dataName + ".ack.json";
        FerryManifest manifest;
        try {
            manifest = readManifest(manifestFile);
        } catch (PackageProblem p) {
            return Optional.of(submission(dataName, source, ackEndpoint, ackName, null, null).rejected(p.field(), p.code(),
                    dataName + FerryManifest.SUFFIX + ": " + p.getMessage()));
        }
        BatchSubmission submission = submission(dataName, source, ackEndpoint, ackName, manifest, dataFile);
        if (!dataName.endsWith(".jsonl") && !dataName.endsWith(".jsonl.gz")) {
            return Optional.of(submission.rejected("file", "BAD_NAME",
                    dataName + " is neither NAME.jsonl nor NAME.jsonl.gz"));
        }
        if (!Files.exists(dataFile)) {
            if (age(manifestFile).compareTo(properties.getStaleAfter()) < 0) {
                return Optional.empty();
            }
            return Optional.of(submission.rejected("file", "MISSING_DATA_FILE", "the manifest came "
                    + age(manifestFile).toMinutes() + " minutes ago but " + dataName + " never did"));
        }
        if (Files.size(dataFile) < manifest.byteSize()
                && age(dataFile).compareTo(properties.getSettleTime()) < 0) {
            return Optional.empty();
        }
        try {
            new PackageReader(dataFile, properties).inspect(manifest);
        } catch (PackageProblem p) {
            return Optional.of(submission.rejected(p.field(), p.code(), dataName + ": " + p.getMessage()));
        }
        return Optional.of(submission);
    }

    private BatchSubmission submission(String dataName, String source, String ackEndpoint, String ackName,
            FerryManifest m, Path dataFile) {
        String batchId = m == null || m.batchId() == null ? "" : m.batchId();
        return new BatchSubmission(batchId, source, dataName, m == null ? null : m.digestAlgorithm(),
                m == null ? null : m.digest(), m == null ? null : m.byteSize(),
                m == null ? null : Math.toIntExact(m.recordCount()),
                dataFile == null ? null : () -> new PackageReader(dataFile, properties).lines(),
                ackEndpoint, ackName, null);
    }

    private FerryManifest readManifest(Path file) throws IOException, PackageProblem {
        if (Files.size(file) > MAX_MANIFEST_BYTES) {
            throw new PackageProblem("manifest", "BAD_MANIFEST", "larger than " + MAX_MANIFEST_BYTES + " bytes");
        }
        FerryManifest m;
        try {
            m = mapper.readValue(Files.readString(file, StandardCharsets.UTF_8).replace("\uFEFF", ""),
                    FerryManifest.class);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new PackageProblem("manifest", "BAD_MANIFEST", "not a JSON manifest: " + e.getOriginalMessage());
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
        if (m.digestAlgorithm() == null || !HEX.matcher(m.digest().trim()).matches()) {
            throw new PackageProblem("sha256", "BAD_MANIFEST", "neither sha256 nor sm3 is given as 64 hex digits");
        }
        return m;
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
            Path archived = moveUnique(dataFile, day);
            moveUnique(manifestFile, day);
            log.info("{} {} (batch #{}), archived as {}", dataName, outcome.disposition(), outcome.batchPk(), archived);
        } else {
            Path kept = moveUnique(dataFile, quarantine);
            Path keptManifest = moveUnique(manifestFile, quarantine);
            String base = (kept != null ? kept : keptManifest).getFileName().toString();
            Files.writeString(quarantine.resolve(base + ".reason.txt"), "batch #" + outcome.batchPk() + " rejected: "
                    + outcome.reason() + System.lineSeparator(), StandardCharsets.UTF_8);
            log.warn("{} rejected and quarantined (batch #{}): {}", dataName, outcome.batchPk(), outcome.reason());
        }
    }

    /** Moves a file into dir, keeping its name unless one is there already (a gate retry): then NAME.2, NAME.3... */
    private static Path moveUnique(Path file, Path dir) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        Files.createDirectories(dir);
        String name = file.getFileName().toString();
        Path target = dir.resolve(name);
        for (int i = 2; Files.exists(target); i++) {
            target = dir.resolve(name + "." + i);
        }
        try {
            return Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (java.nio.file.AtomicMoveNotSupportedException e) {
            return Files.move(file, target); // archive on another file system
        }
    }

    private Duration age(Path file) throws IOException {
        Instant modified = Files.getLastModifiedTime(file).toInstant();
        return Duration.between(modified, clock.instant());
    }
}

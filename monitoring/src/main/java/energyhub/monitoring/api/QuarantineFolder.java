package energyhub.monitoring.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The ferry quarantine as the operator sees it: each rejected package (data file, manifest, reason
 * file) and a replay that moves both files back into the inbox, where the ferry route reads them
 * again. Known by its configured path only: the cockpit does not depend on the ferry module.
 */
@Component
public class QuarantineFolder {

    /** A kept data file: NAME.jsonl or NAME.jsonl.gz, with .N when the quarantine had one by that name already. */
    private static final Pattern DATA = Pattern.compile("(.+\\.jsonl(?:\\.gz)?)(\\.\\d+)?");
    private static final int MAX_REASON_CHARS = 4000;

    private final Path quarantine;
    private final Path inbox;

    public QuarantineFolder(@Value("${hub.ferry.quarantine:${hub.data-dir:./data}/ferry/quarantine}") String quarantine,
            @Value("${hub.ferry.inbox:${hub.data-dir:./data}/ferry/inbox}") String inbox) {
        this.quarantine = Path.of(quarantine).toAbsolutePath().normalize();
        this.inbox = Path.of(inbox).toAbsolutePath().normalize();
    }

    /** One quarantined package; {@code name} is its key in the API (the data file's name as kept). */
    public record Package(String name, String dataFile, String manifest, Long bytes, Instant quarantinedAt,
            String reason) {
    }

    public List<Package> list() throws IOException {
        List<Package> out = new ArrayList<>();
        if (!Files.isDirectory(quarantine)) {
            return out;
        }
        List<String> names;
        try (Stream<Path> files = Files.list(quarantine)) {
            names = files.map(p -> p.getFileName().toString()).sorted().toList();
        }
        for (String name : names) {
            if (name.endsWith(".reason.txt")) {
                String key = name.substring(0, name.length() - ".reason.txt".length());
                out.add(describe(key));
            }
        }
        out.sort(Comparator.comparing(Package::quarantinedAt, Comparator.nullsLast(Comparator.reverseOrder())));
        return out;
    }

    public Package describe(String key) throws IOException {
        Path data = resolve(key);
        Path manifest = manifestOf(key);
        Path reasonFile = quarantine.resolve(key + ".reason.txt");
        String reason = Files.exists(reasonFile) ? Files.readString(reasonFile, StandardCharsets.UTF_8).trim() : null;
        if (reason != null && reason.length() > MAX_REASON_CHARS) {
            reason = reason.substring(0, MAX_REASON_CHARS) + "...";
        }
        Instant at = Files.exists(reasonFile) ? Files.getLastModifiedTime(reasonFile).toInstant() : null;
        return new Package(key, Files.exists(data) ? data.getFileName().toString() : null,
                manifest != null && Files.exists(manifest) ? manifest.getFileName().toString() : null,
                Files.exists(data) ? Files.size(data) : null, at, reason);
    }

    /**
     * Moves a quarantined package back into the inbox under its original names: the data file
     * first, the manifest last (its arrival is the signal), then drops the reason file (the batch
     * ledger keeps the reason). Refused when the inbox already holds a file of that name.
     */
    public String replay(String key) throws IOException {
        Path data = resolve(key);
        Path manifest = manifestOf(key);
        Matcher m = DATA.matcher(key);
        if (!m.matches()) {
            throw new IllegalArgumentException(key + " is not a ferry data file name (NAME.jsonl or NAME.jsonl.gz)");
        }
        String original = m.group(1);
        if (!Files.exists(manifest)) {
            throw new IllegalArgumentException(key + " has no manifest in quarantine: place one there first");
        }
        Path inboxData = inbox.resolve(original);
        Path inboxManifest = inbox.resolve(original + ".manifest");
        if (Files.exists(inboxData) || Files.exists(inboxManifest)) {
            throw new IllegalStateException("the inbox already holds " + original + ": replay it later");
        }
        Files.createDirectories(inbox);
        if (Files.exists(data)) {
            Files.move(data, inboxData);
        }
        Files.move(manifest, inboxManifest);
        Files.deleteIfExists(quarantine.resolve(key + ".reason.txt"));
        return original;
    }

    /** The manifest kept beside a data file: NAME.jsonl.manifest, or NAME.jsonl.manifest.N for NAME.jsonl.N. */
    private Path manifestOf(String key) {
        Matcher m = DATA.matcher(key);
        if (!m.matches()) {
            return resolve(key + ".manifest");
        }
        Path withSuffix = resolve(m.group(1) + ".manifest" + (m.group(2) == null ? "" : m.group(2)));
        return Files.exists(withSuffix) ? withSuffix : resolve(m.group(1) + ".manifest");
    }

    /** A name from a request, refused unless it is a plain file name inside the quarantine. */
    private Path resolve(String name) {
        if (name == null || name.isBlank() || name.contains("/") || name.contains("\\") || name.startsWith(".")
                || name.length() > 255) {
            throw new IllegalArgumentException("not a quarantined file name: " + name);
        }
        Path p = quarantine.resolve(name).normalize();
        if (!p.getParent().equals(quarantine)) {
            throw new IllegalArgumentException("not a quarantined file name: " + name);
        }
        return p;
    }
}

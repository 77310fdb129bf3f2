package energyhub.routing.inbox;

import java.io.File;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file filter of every file intake (Camel's {@code filter=#bean} option): it runs while Camel
 * lists the folder, before any read lock, marker file or read, and lets through only entries whose
 * name passes {@link IntakeNames}, that the intake wants ({@code wanted}, e.g. {@code *.manifest}),
 * that are regular files (seen without following links) and that are not held back by the intake's
 * back-off ({@code held}). An entry it refuses for its name or type is handed to the intake's
 * {@link Refusals} once per poll it is seen: the intake answers it (quarantine, ACK, report) and
 * takes it out of the folder, so it is not refused again. Names starting with '.' are left alone
 * (transfer temp files of the sender): the intake's scan reports them when they grow stale.
 *
 * @param <T> Camel's file type: {@link File} for local folders, the remote entry for SFTP
 */
public class UntrustedFileFilter<T> implements GenericFileFilter<T> {

    private static final Logger log = LoggerFactory.getLogger(UntrustedFileFilter.class);

    /** An entry as the filter judges it: its raw name (as listed, before Camel normalises it) and its kind. */
    public record Entry(String name, IntakeFiles.Kind kind, Path localPath) {
    }

    /** What the filter refused, for the intake to answer. {@code localPath} is null for a remote entry. */
    public record Refusal(String intake, String name, String code, String reason, Path localPath, Object remote) {
        /** The name the refused entry is kept and answered under: its own when acceptable, else a generated one. */
        public String keptName() {
            return IntakeNames.acceptable(name) ? name : IntakeNames.safeName(name);
        }
    }

    /** The intake's answer to a refused entry. */
    @FunctionalInterface
    public interface Refusals {
        void refuse(Refusal refusal) throws Exception;
    }

    /** Refusal codes (also in the ACK's error code and the reason file). */
    public static final String BAD_NAME = "BAD_NAME";
    public static final String NOT_REGULAR_FILE = "NOT_REGULAR_FILE";

    private final String intake;
    private final Predicate<String> wanted;
    private final Predicate<String> held;
    private final Refusals refusals;
    private final Function<GenericFile<T>, Entry> inspector;

    public UntrustedFileFilter(String intake, Predicate<String> wanted, Predicate<String> held, Refusals refusals,
            Function<GenericFile<T>, Entry> inspector) {
        this.intake = intake;
        this.wanted = wanted;
        this.held = held;
        this.refusals = refusals;
        this.inspector = inspector;
    }

    /** The filter of a local folder: the listed {@link File}'s own name, its kind by {@code lstat}. */
    public static UntrustedFileFilter<File> local(String intake, Predicate<String> wanted, Predicate<String> held,
            Refusals refusals) {
        return new UntrustedFileFilter<>(intake, wanted, held, refusals, UntrustedFileFilter::localEntry);
    }

    /** The filter of an SFTP folder: the listed name as the server gave it, the kind from the listing's own attributes. */
    public static UntrustedFileFilter<Object> sftp(String intake, Predicate<String> wanted, Predicate<String> held,
            Refusals refusals) {
        return new UntrustedFileFilter<>(intake, wanted, held, refusals, UntrustedFileFilter::remoteEntry);
    }

    /**
     * A listed remote entry. SFTP's readdir gives the entry's own attributes (a link is reported as a
     * link, not as its target); an entry whose attributes are unknown counts as a special file.
     */
    public static Entry remoteEntry(GenericFile<Object> file) {
        Object f = file.getFile();
        if (f instanceof org.apache.camel.component.file.remote.SftpRemoteFile<?> remote) {
            IntakeFiles.Kind kind = IntakeFiles.Kind.OTHER;
            if (remote.getRemoteFile() instanceof com.jcraft.jsch.ChannelSftp.LsEntry entry) {
                com.jcraft.jsch.SftpATTRS a = entry.getAttrs();
                kind = a.isLink() ? IntakeFiles.Kind.LINK : a.isDir() ? IntakeFiles.Kind.DIRECTORY
                        : a.isReg() ? IntakeFiles.Kind.REGULAR : IntakeFiles.Kind.OTHER;
            } else if (remote.isDirectory()) {
                kind = IntakeFiles.Kind.DIRECTORY;
            }
            return new Entry(remote.getFilename(), kind, null);
        }
        return new Entry(file.getFileNameOnly(), IntakeFiles.Kind.OTHER, null);
    }

    static Entry localEntry(GenericFile<File> file) {
        Path path = file.getFile().toPath();
        return new Entry(file.getFile().getName(), IntakeFiles.kind(path), path);
    }

    @Override
    public boolean accept(GenericFile<T> file) {
        Entry e;
        try {
            e = inspector.apply(file);
        } catch (RuntimeException ex) {
            log.warn("{}: cannot look at {}: {}; it is not read", intake, IntakeNames.escape(file.getFileName()),
                    ex.toString());
            return false;
        }
        if (e.kind() == IntakeFiles.Kind.DIRECTORY) {
            return false; // sub-folders are not read; the intake's scan reports what stays
        }
        if (e.name().startsWith(".") && e.name().indexOf('/') < 0 && e.name().indexOf('\\') < 0) {
            return false; // a sender's temp file: reported by the scan if it stays
        }
        var problem = IntakeNames.problem(e.name());
        if (problem.isPresent()) {
            // also when the entry cannot be looked at by that name (bytes that are not UTF-8 come back as
            // U+FFFD and name no file): answered all the same, never skipped in silence
            refuse(new Refusal(intake, e.name(), BAD_NAME, problem.get(), e.localPath(), file.getFile()));
            return false;
        }
        if (e.kind() == IntakeFiles.Kind.MISSING) {
            return false; // gone since the listing
        }
        if (!wanted.test(e.name())) {
            return false; // not this intake's kind of file (a data file waits for its manifest)
        }
        if (e.kind() != IntakeFiles.Kind.REGULAR) {
            refuse(new Refusal(intake, e.name(), NOT_REGULAR_FILE, e.kind().description() + ", not a regular file",
                    e.localPath(), file.getFile()));
            return false;
        }
        return !held.test(e.name());
    }

    /**
     * Names refused and answered whose entry could not be taken out of the folder (a remote entry, a
     * name whose bytes are not UTF-8 and cannot be addressed again): answered once, not every poll.
     */
    private final java.util.Set<String> answered = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private void refuse(Refusal r) {
        if (answered.contains(r.name())) {
            return;
        }
        try {
            refusals.refuse(r);
            // still there, or not addressable by its name (it looks gone but is listed again next poll): answered once
            if (r.localPath() == null || IntakeFiles.present(r.localPath()) || IntakeNames.undecodable(r.name())) {
                if (answered.size() > 10_000) {
                    answered.clear();
                }
                answered.add(r.name());
            }
        } catch (Exception ex) {
            log.warn("{}: {} is refused ({}: {}) but answering it failed: {}; tried again next poll", intake,
                    IntakeNames.escape(r.name()), r.code(), r.reason(), ex.toString());
        }
    }
}

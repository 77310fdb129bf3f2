package energyhub.routing.inbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Set;

/**
 * Looks at an inbox entry the way an untrusted one must be looked at: by its own attributes, never
 * through a link ({@code lstat}, not {@code stat}), and opens it only when it is a regular file, with
 * {@code O_NOFOLLOW}. A FIFO or device is never opened (opening a FIFO blocks until someone writes).
 */
public final class IntakeFiles {

    /** What an inbox entry is, seen without following links. */
    public enum Kind {
        REGULAR("a regular file"), LINK("a symbolic link"), DIRECTORY("a directory"),
        OTHER("a special file (FIFO, socket or device)"), MISSING("missing");

        private final String description;

        Kind(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    private IntakeFiles() {
    }

    public static Kind kind(Path path) {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return Kind.MISSING;
        }
        if (a.isSymbolicLink()) {
            return Kind.LINK;
        }
        if (a.isDirectory()) {
            return Kind.DIRECTORY;
        }
        return a.isRegularFile() ? Kind.REGULAR : Kind.OTHER;
    }

    /** True when the entry is there, whatever it is (a dangling link is there). */
    public static boolean present(Path path) {
        return Files.exists(path, LinkOption.NOFOLLOW_LINKS);
    }

    /** Size of a regular file, without following a link. */
    public static long size(Path path) throws IOException {
        return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).size();
    }

    /** Last change of the entry itself (of a link, the link's own time). */
    public static FileTime modified(Path path) throws IOException {
        return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).lastModifiedTime();
    }

    /**
     * Moves an inbox entry into {@code dir} under the given (checked) name, or NAME.2, NAME.3... when
     * one is there already (a sender's retry). The entry itself is moved: a link stays a link and its
     * target is never touched, nothing is opened (a rename, or a move to another file system). Null
     * when the entry is not there (gone, or a name whose bytes are not UTF-8 and cannot be addressed).
     */
    public static Path moveInto(Path entry, Path dir, String name) throws IOException {
        if (!present(entry)) {
            return null;
        }
        Files.createDirectories(dir);
        Path target = dir.resolve(name);
        for (int i = 2; present(target); i++) {
            target = dir.resolve(name + "." + i);
        }
        try {
            return Files.move(entry, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (java.nio.file.AtomicMoveNotSupportedException e) {
            return Files.move(entry, target, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /**
     * Opens a regular file for reading, refusing anything else before it is opened, and opening it
     * with {@code O_NOFOLLOW} so a link swapped in after the check is refused by the kernel.
     *
     * @throws NotRegularFile when the entry is a link, directory or special file
     */
    public static InputStream openRegular(Path path) throws IOException {
        Kind kind = kind(path);
        if (kind == Kind.MISSING) {
            throw new NoSuchFileException(path.toString());
        }
        if (kind != Kind.REGULAR) {
            throw new NotRegularFile(path, kind);
        }
        Set<OpenOption> options = Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        return Channels.newInputStream(Files.newByteChannel(path, options));
    }

    /** An inbox entry that is not a regular file: the hub does not open it. */
    public static final class NotRegularFile extends IOException {
        private final Kind kind;

        public NotRegularFile(Path path, Kind kind) {
            super(IntakeNames.escape(path.getFileName().toString()) + " is " + kind.description()
                    + ", not a regular file");
            this.kind = kind;
        }

        public Kind kind() {
            return kind;
        }
    }
}

package energyhub.deployment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;

/**
 * One hub per data directory: an exclusive lock on {@code {hub.data-dir}/hub.lock}, held for the
 * life of the hub and taken before its database or broker start (DataDirLockListener). The file
 * says who holds it (pid, host, start time), so a second hub can name the running one when it
 * refuses to start. The operating system releases the lock when the process ends, however it ends,
 * so a lock that can be taken means no hub is running on the directory: whatever PostgreSQL is left
 * there is an orphan and may be stopped.
 */
public final class DataDirLock implements AutoCloseable {

    public static final String FILE_NAME = "hub.lock";

    private final Path dataDir;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(Path dataDir, FileChannel channel, FileLock lock) {
        this.dataDir = dataDir;
        this.channel = channel;
        this.lock = lock;
    }

    /** Another hub holds the data directory; the message names it and is the one line an operator needs. */
    public static final class DataDirInUseException extends RuntimeException {
        private final Path dataDir;
        private final String holder;

        DataDirInUseException(Path dataDir, String holder) {
            super("hub.data-dir " + dataDir + " is in use by another hub (" + holder + "): this hub does not start");
            this.dataDir = dataDir;
            this.holder = holder;
        }

        public Path dataDir() {
            return dataDir;
        }

        public String holder() {
            return holder;
        }
    }

    /** Takes the lock of a data directory (created if missing), or says who holds it. */
    public static DataDirLock acquire(Path dataDir) {
        Path dir = dataDir.toAbsolutePath().normalize();
        Path file = dir.resolve(FILE_NAME);
        FileChannel channel = null;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by this very process (another hub context in the same JVM)
            }
            if (lock == null) {
                String holder = describeHolder(file);
                channel.close();
                throw new DataDirInUseException(dir, holder);
            }
            ProcessHandle self = ProcessHandle.current();
            String text = "pid=" + self.pid() + "\nhost=" + host() + "\nstarted="
                    + OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS) + "\ndata-dir=" + dir + "\n";
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(true);
            return new DataDirLock(dir, channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot lock " + file, e);
        }
    }

    /** "pid 1234 on host h, started 2026-11-30T10:00:00Z", from the lock file the holder wrote. */
    static String describeHolder(Path file) {
        try {
            String pid = "?";
            String host = "?";
            String started = "?";
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                int eq = line.indexOf('=');
                if (eq < 0) {
                    continue;
                }
                String value = line.substring(eq + 1).replaceAll("[^\\p{Alnum}.:+_-]", "?");
                switch (line.substring(0, eq)) {
                    case "pid" -> pid = value;
                    case "host" -> host = value;
                    case "started" -> started = value;
                    default -> { }
                }
            }
            return "pid " + pid + " on host " + host + ", started " + started;
        } catch (IOException e) {
            return "its lock file cannot be read: " + e.getMessage();
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    public Path dataDir() {
        return dataDir;
    }

    public boolean isHeld() {
        return lock.isValid();
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // the channel's close below releases it as well
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing left to do
            }
        }
    }
}

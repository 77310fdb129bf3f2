package energyhub.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirLockTest {

    @TempDir
    Path dir;

    @Test
    void theLockFileNamesItsHolderAndASecondHubIsRefusedWithIt() throws Exception {
        try (DataDirLock lock = DataDirLock.acquire(dir.resolve("data"))) {
            assertThat(lock.isHeld()).isTrue();
            String text = Files.readString(dir.resolve("data").resolve(DataDirLock.FILE_NAME));
            assertThat(text).contains("pid=" + ProcessHandle.current().pid()).contains("started=").contains("host=");

            assertThatThrownBy(() -> DataDirLock.acquire(dir.resolve("data")))
                    .isInstanceOf(DataDirLock.DataDirInUseException.class)
                    .hasMessageStartingWith("hub.data-dir " + dir.resolve("data").toAbsolutePath())
                    .hasMessageContaining("in use by another hub (pid " + ProcessHandle.current().pid() + " on host ")
                    .hasMessageContaining(", started 20")
                    .hasMessageEndingWith("this hub does not start");
            // the refused attempt leaves the holder's lock and its description alone
            assertThat(lock.isHeld()).isTrue();
            assertThat(Files.readString(dir.resolve("data").resolve(DataDirLock.FILE_NAME))).isEqualTo(text);
        }
        // released with the hub: the next one takes it
        try (DataDirLock again = DataDirLock.acquire(dir.resolve("data"))) {
            assertThat(again.isHeld()).isTrue();
        }
    }

    @Test
    void aLockFileLeftByAHubThatIsGoneDoesNotStopTheNextOne() throws Exception {
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("data").resolve(DataDirLock.FILE_NAME), "pid=999999\nhost=old\nstarted=2026-01-01T00:00Z\n");
        try (DataDirLock lock = DataDirLock.acquire(dir.resolve("data"))) {
            assertThat(Files.readString(dir.resolve("data").resolve(DataDirLock.FILE_NAME)))
                    .startsWith("pid=" + ProcessHandle.current().pid()).doesNotContain("999999");
        }
    }

    @Test
    void theFailureReportSaysWhatToDoWithoutAStackTrace() {
        var e = new DataDirLock.DataDirInUseException(dir, "pid 42 on host h, started 2026-11-30T10:00:00Z");
        var analysis = new DataDirInUseFailureAnalyzer().analyze(new IllegalStateException("wrapped", e), e);
        assertThat(analysis.getDescription()).contains("pid 42").contains("does not start");
        assertThat(analysis.getAction()).contains("Stop the running hub (pid 42");
    }
}

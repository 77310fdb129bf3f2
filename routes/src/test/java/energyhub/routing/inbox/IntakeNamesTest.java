package energyhub.routing.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.component.file.GenericFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IntakeNamesTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"91530100MA6NX4QW2G_DATA_20261124101500123_000001.jsonl.manifest", "a.jsonl",
            "pkg-1.jsonl.gz", "能耗_数据.jsonl", "A_b-c.1"})
    void plainNamesPass(String name) {
        assertThat(IntakeNames.problem(name)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\..\\..\\tmp\\x\\victim.jsonl.manifest", "x\\..\\..", "../x.jsonl", "a/b.jsonl",
            "a..b.jsonl", ".hidden.jsonl", "-rf.jsonl", "a\nb.jsonl", "a\rb.jsonl", "a\u0000b", "a\u0007b",
            "a\u0085b", "a b.jsonl", "a:b.jsonl", "a\uFFFDb.jsonl", "a*b", "a$b", "", "a\u202Eb.jsonl"})
    void hostileNamesAreRefused(String name) {
        assertThat(IntakeNames.problem(name)).isPresent();
    }

    @Test
    void theLengthIsCountedInBytes() {
        assertThat(IntakeNames.problem("a".repeat(200))).isEmpty();
        assertThat(IntakeNames.problem("a".repeat(201))).get().asString().contains("201 bytes");
        assertThat(IntakeNames.problem("能".repeat(67))).get().asString().contains("201 bytes"); // 3 bytes each
    }

    @Test
    void safeNamesAreStableAndPlain() {
        String safe = IntakeNames.safeName("\\..\\..\\tmp\\x\\victim.jsonl.manifest");
        assertThat(safe).matches("refused-[0-9a-f]{16}").isEqualTo(IntakeNames.safeName("\\..\\..\\tmp\\x\\victim.jsonl.manifest"));
        assertThat(IntakeNames.problem(safe)).isEmpty();
        assertThat(IntakeNames.escape("a\\b\nc\"d")).isEqualTo("\"a\\\\b\\u000ac\\\"d\"");
    }

    @Test
    void theFilterRefusesBadNamesAndNonRegularFilesBeforeAnythingIsRead() throws Exception {
        Path outside = Files.writeString(dir.resolve("outside-secret"), "secret");
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        Path good = Files.writeString(inbox.resolve("ok.jsonl.manifest"), "{}");
        Path link = Files.createSymbolicLink(inbox.resolve("link.jsonl.manifest"), outside);
        Path bad = Files.writeString(inbox.resolve("x\\..\\..\\victim.jsonl.manifest"), "{}");
        Path data = Files.writeString(inbox.resolve("ok.jsonl"), "");
        Path fifo = inbox.resolve("fifo.jsonl.manifest");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        List<UntrustedFileFilter.Refusal> refused = new ArrayList<>();
        UntrustedFileFilter<File> filter = UntrustedFileFilter.local("test", n -> n.endsWith(".manifest"),
                n -> n.startsWith("held"), refused::add);

        assertThat(filter.accept(file(good))).isTrue();
        assertThat(filter.accept(file(data))).isFalse();
        assertThat(filter.accept(file(link))).isFalse();
        assertThat(filter.accept(file(bad))).isFalse();
        assertThat(filter.accept(file(fifo))).isFalse();
        assertThat(filter.accept(file(Files.writeString(inbox.resolve("held.jsonl.manifest"), "")))).isFalse();

        assertThat(refused).extracting(r -> r.name() + ":" + r.code()).containsExactly(
                "link.jsonl.manifest:NOT_REGULAR_FILE", "x\\..\\..\\victim.jsonl.manifest:BAD_NAME",
                "fifo.jsonl.manifest:NOT_REGULAR_FILE");
        assertThat(refused.get(1).keptName()).startsWith("refused-");
        assertThat(refused.get(0).keptName()).isEqualTo("link.jsonl.manifest");
        assertThat(Files.readString(outside)).isEqualTo("secret");
    }

    @Test
    void aNameThatIsNotUtf8IsAnsweredOnceNotOnEveryPoll() throws Exception {
        Path inbox = Files.createDirectories(dir.resolve("bytes-inbox"));
        // a name with the byte 0xFF: Java lists it with U+FFFD, a name that addresses no file
        assertThat(new ProcessBuilder("sh", "-c", "touch \"$(printf 'bad\\377name.jsonl.manifest')\"")
                .directory(inbox.toFile()).start().waitFor()).isZero();
        File[] listed = inbox.toFile().listFiles();
        assertThat(listed).hasSize(1);
        assertThat(IntakeNames.undecodable(listed[0].getName())).isTrue();
        assertThat(IntakeNames.undecodable("ok.jsonl.manifest")).isFalse();
        List<UntrustedFileFilter.Refusal> refused = new ArrayList<>();
        UntrustedFileFilter<File> filter = UntrustedFileFilter.local("test", n -> n.endsWith(".manifest"), n -> false,
                refused::add);

        for (int poll = 0; poll < 3; poll++) {
            assertThat(filter.accept(file(listed[0].toPath()))).isFalse();
        }
        assertThat(refused).extracting(UntrustedFileFilter.Refusal::code).containsExactly("BAD_NAME");
    }

    private static GenericFile<File> file(Path p) {
        GenericFile<File> f = new GenericFile<>();
        f.setFile(p.toFile());
        f.setFileName(p.getFileName().toString());
        f.setFileNameOnly(p.getFileName().toString());
        return f;
    }
}

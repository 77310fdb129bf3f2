package energyhub.ferry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energyhub.routing.NumberedLine;
import energyhub.routing.UnreadableBatchException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageReaderTest {

    @TempDir
    Path dir;

    private final FerryProperties limits = new FerryProperties();

    @Test
    void countsRecordsSkippingBlankLinesWithBomAndCrlf() throws Exception {
        byte[] data = "\uFEFF{\"a\":\"1\"}\r\n\r\n{\"a\":\"2\"}\r\n   \r\n{\"a\":\"3\"}".getBytes(StandardCharsets.UTF_8);
        Path file = write("p.jsonl", data);

        assertThat(inspect(file, manifest(data, 3))).isEqualTo(3);
        try (Stream<NumberedLine> lines = new PackageReader(file, limits).lines(manifest(data, 3))) {
            assertThat(lines.toList()).containsExactly(new NumberedLine(1, "{\"a\":\"1\"}"),
                    new NumberedLine(3, "{\"a\":\"2\"}"), new NumberedLine(5, "{\"a\":\"3\"}"));
        }
    }

    @Test
    void gzipIsDigestedAsTransferredAndReadUncompressed() throws Exception {
        byte[] data = gzip("{\"a\":\"1\"}\n{\"a\":\"2\"}\n".getBytes(StandardCharsets.UTF_8));
        Path file = write("p.jsonl.gz", data);

        assertThat(inspect(file, manifest(data, 2))).isEqualTo(2);
        try (Stream<NumberedLine> lines = new PackageReader(file, limits).lines(manifest(data, 2))) {
            assertThat(lines.map(NumberedLine::json).toList()).containsExactly("{\"a\":\"1\"}", "{\"a\":\"2\"}");
        }
    }

    @Test
    void sizeDigestAndCountMismatchesAreNamed() throws Exception {
        byte[] data = "{\"a\":\"1\"}\n".getBytes(StandardCharsets.UTF_8);
        Path file = write("p.jsonl", data);
        FerryManifest good = manifest(data, 1);

        assertProblem(file, new FerryManifest("b", null, null, null, 1L, 99L, good.sha256(), null, null),
                "byteSize", "SIZE_MISMATCH");
        assertProblem(file, new FerryManifest("b", null, null, null, 1L, (long) data.length, "ab".repeat(32), null, null),
                "sha256", "DIGEST_MISMATCH");
        assertProblem(file, new FerryManifest("b", null, null, null, 2L, (long) data.length, good.sha256(), null, null),
                "recordCount", "TRUNCATED");
    }

    @Test
    void theRecordsComeFirstAndAMismatchEndsTheStreamNamingTheFile() throws Exception {
        // one pass: the records are handed out as they are read, the digest is only known at the end, so
        // the routing core stages them and then rolls them back (BatchStager)
        byte[] data = "{\"a\":\"1\"}\n{\"a\":\"2\"}\n".getBytes(StandardCharsets.UTF_8);
        Path file = write("p.jsonl", data);
        FerryManifest wrong = new FerryManifest("b", null, null, null, 2L, (long) data.length, "cd".repeat(32), null, null);
        List<String> seen = new java.util.ArrayList<>();
        try (Stream<NumberedLine> lines = new PackageReader(file, limits).lines(wrong)) {
            assertThatThrownBy(() -> lines.forEach(l -> seen.add(l.json())))
                    .isInstanceOf(UnreadableBatchException.class)
                    .hasMessageStartingWith("p.jsonl: SHA-256 of the data file is ")
                    .hasMessageEndingWith("the manifest says " + "cd".repeat(32));
        }
        assertThat(seen).containsExactly("{\"a\":\"1\"}", "{\"a\":\"2\"}");
    }

    @Test
    void anEndedStreamStaysEndedWhenAskedAgain() throws Exception {
        // an iterator asks the spliterator again on every hasNext(): the end checks (digest, count) run once,
        // and a second digest of nothing must not turn a good package into a mismatch
        byte[] data = "{\"a\":\"1\"}\n".getBytes(StandardCharsets.UTF_8);
        Path file = write("p.jsonl", data);
        try (Stream<NumberedLine> lines = new PackageReader(file, limits).lines(manifest(data, 1))) {
            var it = lines.iterator();
            assertThat(it.next().json()).isEqualTo("{\"a\":\"1\"}");
            assertThat(it.hasNext()).isFalse();
            assertThat(it.hasNext()).isFalse();
        }
    }

    @Test
    void invalidUtf8IsRejectedWithItsLine() throws Exception {
        byte[] data = "{\"a\":\"1\"}\n{\"a\":\"\u00e9\"}\n".getBytes(StandardCharsets.ISO_8859_1);
        assertProblemMessage(write("p.jsonl", data), manifest(data, 2), "BAD_ENCODING", "line 2");
    }

    @Test
    void overlongLineIsRejectedBeforeItIsHeldInMemory() throws Exception {
        limits.setMaxLineChars(20);
        byte[] data = ("{\"a\":\"1\"}\n{\"a\":\"" + "x".repeat(50) + "\"}\n").getBytes(StandardCharsets.UTF_8);
        assertProblemMessage(write("p.jsonl", data), manifest(data, 2), "LINE_TOO_LONG", "line 2");
    }

    @Test
    void gzipBombIsStoppedAtTheUncompressedLimit() throws Exception {
        limits.setMaxUncompressedBytes(10_000);
        byte[] data = gzip(("{\"a\":\"1\"}\n").repeat(5_000).getBytes(StandardCharsets.UTF_8));
        assertProblemMessage(write("p.jsonl.gz", data), manifest(data, 5_000), "TOO_LARGE", "after decompression");
    }

    @Test
    void brokenGzipIsRejected() throws Exception {
        byte[] data = "not gzip at all".getBytes(StandardCharsets.UTF_8);
        assertProblemMessage(write("p.jsonl.gz", data), manifest(data, 1), "BAD_GZIP", "gzip");
    }

    @Test
    void loneCrIsPartOfItsLineInBothPassesAndCrlfIsStripped() throws Exception {
        // record 1 holds a lone CR between tokens (whitespace to JSON), record 2 ends CRLF
        byte[] data = "{\"a\":\"1\",\r\"b\":\"2\"}\n{\"a\":\"3\"}\r\n".getBytes(StandardCharsets.UTF_8);
        Path file = write("p.jsonl", data);

        assertThat(inspect(file, manifest(data, 2))).isEqualTo(2);
        try (Stream<NumberedLine> lines = new PackageReader(file, limits).lines(manifest(data, 2))) {
            assertThat(lines.toList()).containsExactly(new NumberedLine(1, "{\"a\":\"1\",\r\"b\":\"2\"}"),
                    new NumberedLine(2, "{\"a\":\"3\"}"));
        }
    }

    @Test
    void theConfiguredLineLimitIsTheLimitAndLinesUpToItPass() throws Exception {
        assertThat(limits.getMaxLineChars()).isEqualTo(16384);
        String longLine = "{\"a\":\"" + "x".repeat(16384 - 8) + "\"}";
        assertThat(longLine).hasSize(16384);
        byte[] data = (longLine + "\r\n").getBytes(StandardCharsets.UTF_8);
        assertThat(inspect(write("p.jsonl", data), manifest(data, 1))).isEqualTo(1);
        byte[] tooLong = ("{\"a\":\"" + "x".repeat(16384 - 7) + "\"}\n").getBytes(StandardCharsets.UTF_8);
        assertProblemMessage(write("q.jsonl", tooLong), manifest(tooLong, 1), "LINE_TOO_LONG", "16384");
        // and the record codec of the hub is built with the same limit (RoutingConfiguration)
        assertThat(new energyhub.standard.RecordCodec(16384).parse(longLine).errors())
                .noneMatch(e -> e.code().equals("LINE_TOO_LONG"));
    }

    @Test
    void gzipBombIsStoppedByItsRatioLongBeforeTheSizeLimit() throws Exception {
        byte[] data = gzip("\n".repeat(64 * 1024 * 1024).getBytes(StandardCharsets.UTF_8)); // ~64 KiB -> 64 MiB
        assertThat(limits.getMaxUncompressedBytes()).isGreaterThan(1L << 30);
        long t0 = System.nanoTime();
        assertProblemMessage(write("p.jsonl.gz", data), manifest(data, 0), "TOO_LARGE", "compressed more than 200 to 1");
        assertThat(System.nanoTime() - t0).isLessThan(2_000_000_000L);
    }

    @Test
    void aDataFileThatIsALinkIsNotFollowed() throws Exception {
        Path outside = Files.writeString(dir.resolve("outside.txt"), "root:x:0:0:root:/root:/bin/bash\n");
        Path link = Files.createSymbolicLink(dir.resolve("p.jsonl"), outside);
        byte[] data = Files.readAllBytes(outside);
        assertProblemMessage(link, manifest(data, 1), "NOT_REGULAR_FILE", "symbolic link");
    }

    @Test
    void aFifoIsNeverOpened() throws Exception {
        Path fifo = dir.resolve("p.jsonl");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        // opening it would block this test for ever: the reader must refuse it by its type
        assertProblemMessage(fifo, manifest(new byte[0], 0), "NOT_REGULAR_FILE", "FIFO");
    }

    private void assertProblem(Path file, FerryManifest m, String field, String code) {
        assertThatThrownBy(() -> inspect(file, m)).satisfies(e -> {
            assertThat(field(e)).isEqualTo(field);
            assertThat(code(e)).isEqualTo(code);
        });
    }

    private void assertProblemMessage(Path file, FerryManifest m, String code, String text) {
        assertThatThrownBy(() -> inspect(file, m)).hasMessageContaining(text)
                .satisfies(e -> assertThat(code(e)).isEqualTo(code));
    }

    /**
     * What the ferry does with a package: the checks before reading (a {@link PackageProblem}), then one
     * pass over the records that checks the rest (an {@link UnreadableBatchException} at the end or at the
     * first bad line); returns the number of records read.
     */
    private long inspect(Path file, FerryManifest m) throws Exception {
        PackageReader reader = new PackageReader(file, limits);
        reader.check(m);
        try (Stream<NumberedLine> lines = reader.lines(m)) {
            return lines.count();
        }
    }

    private static String field(Throwable e) {
        return e instanceof PackageProblem p ? p.field() : ((UnreadableBatchException) e).field();
    }

    private static String code(Throwable e) {
        return e instanceof PackageProblem p ? p.code() : ((UnreadableBatchException) e).code();
    }

    private Path write(String name, byte[] data) throws Exception {
        return Files.write(dir.resolve(name), data);
    }

    private static FerryManifest manifest(byte[] data, long count) throws Exception {
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        return new FerryManifest("b", "s", "DATA", null, count, (long) data.length, sha, null, "1.0");
    }

    private static byte[] gzip(byte[] plain) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        }
        return out.toByteArray();
    }
}

package energyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import energyhub.e2e.support.ExchangeHubTest;
import energyhub.e2e.support.FerryPackage;
import energyhub.e2e.support.PlatformClient;
import energyhub.e2e.support.SftpServer;
import energyhub.routing.IntakeBacklog;
import energyhub.routing.inbox.IntakeNames;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Hostile ferry input against ONE running hub (issue 10): names, links, special files, manifests and
 * data written by an attacker, in the local inbox and on an SFTP exchange server. Every case asserts
 * its exact answer (ACK status and code, quarantine reason file, or waiting listing) and that a valid
 * package dropped beside it is ACCEPTED with each record exactly once in each queue. Afterwards:
 * nothing outside the data directory was read into an answer, written, moved or deleted (a sentinel
 * tree with link targets, compared by content and mtime), and no hub log event carried a stack trace.
 * docs/reliability.md, "Ferry inbox and SFTP sources (hostile input)", lists the cases and answers.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FerryHostileTest extends ExchangeHubTest {

    /** Outside the data directory, beside it in the same temp folder: what the escapes aim at. */
    static final Path SENTINEL = tempDir("hub-sentinel");
    static final String PASSWD = "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n";
    static Map<String, String> before;
    static ListAppender<ILoggingEvent> logEvents;

    @Autowired
    List<IntakeBacklog> backlogs;

    /** A hostile case: drops its input and returns the check of its answer. */
    @FunctionalInterface
    interface Case {
        Check drop(FerryHostileTest t) throws Exception;
    }

    @FunctionalInterface
    interface Check {
        void verify() throws Exception;
    }

    @BeforeAll
    static void sentinelAndLogCapture() throws Exception {
        Path victimData = Files.write(SENTINEL.resolve("victim.jsonl"),
                (FerryPackage.record(FerryPackage.ENTERPRISE, 1, "99.5") + "\n").getBytes(StandardCharsets.UTF_8));
        Files.writeString(SENTINEL.resolve("victim.jsonl.manifest"),
                manifestFor(Files.readAllBytes(victimData), 1, "victim-batch"));
        Files.writeString(SENTINEL.resolve("passwd"), PASSWD);
        Files.createDirectories(SENTINEL.resolve("tmp/x"));
        Files.writeString(SENTINEL.resolve("tmp/x/keep.txt"), "keep");
        Files.setLastModifiedTime(SENTINEL.resolve("victim.jsonl.manifest"),
                FileTime.from(Instant.now().minusSeconds(60)));
        before = snapshot(SENTINEL);

        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        logEvents = new ListAppender<>();
        logEvents.setContext(context);
        logEvents.start();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(logEvents);
    }

    /**
     * The hub's test context may be made after {@code @BeforeAll} (when this class is the first to use
     * it), and Spring Boot's logging set-up then drops every appender: attach the capture again.
     */
    @org.junit.jupiter.api.BeforeEach
    void keepLogCapture() {
        ch.qos.logback.classic.Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory())
                .getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (!root.isAttached(logEvents)) {
            logEvents.start(); // a reset stops the appenders it drops
            root.addAppender(logEvents);
        }
    }

    @AfterAll
    static void stopLogCapture() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(logEvents);
    }

    static Stream<Arguments> cases() {
        List<Arguments> c = new ArrayList<>();
        // ---- names (local inbox) ----
        c.add(Arguments.of("backslash escape to a package outside", (Case) t -> t.refusedName(
                "\\..\\..\\..\\" + SENTINEL.getFileName() + "\\victim.jsonl.manifest", "BAD_NAME")));
        c.add(Arguments.of("x\\..\\..", (Case) t -> t.refusedName("x\\..\\..", "BAD_NAME")));
        c.add(Arguments.of("name of 246 bytes", (Case) t -> t.refusedName("n".repeat(231) + ".jsonl.manifest", "BAD_NAME")));
        c.add(Arguments.of("newline in the name", (Case) t -> t.refusedName("a\nb.jsonl.manifest", "BAD_NAME")));
        c.add(Arguments.of("control character in the name", (Case) t -> t.refusedName("a\u0001b.jsonl.manifest", "BAD_NAME")));
        c.add(Arguments.of("carriage return in the name", (Case) t -> t.refusedName("a\rb.jsonl.manifest", "BAD_NAME")));
        c.add(Arguments.of("'..' in the name", (Case) t -> t.refusedName("a..b.jsonl.manifest", "BAD_NAME")));
        c.add(Arguments.of("space in the name", (Case) t -> t.refusedName("a b.jsonl.manifest", "BAD_NAME")));
        c.add(Arguments.of("right-to-left override in the name", (Case) t -> t.refusedName("a\u202Egpj.jsonl.manifest", "BAD_NAME")));
        c.add(Arguments.of("bad name data file beside a good manifest", (Case) t -> t.refusedName("c\\d.jsonl", "BAD_NAME")));
        c.add(Arguments.of("non-UTF-8 bytes in the name", (Case) FerryHostileTest::nonUtf8Name));
        c.add(Arguments.of("leading dot (hidden) is listed, not read", (Case) t -> t.listed(".hidden-" + uuid() + ".jsonl.manifest", "NOTHING", false)));
        // ---- links and special files (local inbox) ----
        c.add(Arguments.of("data file linked to a package outside", (Case) t -> t.linkedData(SENTINEL.resolve("victim.jsonl"))));
        c.add(Arguments.of("data file linked to a passwd-like file", (Case) t -> t.linkedData(SENTINEL.resolve("passwd"))));
        c.add(Arguments.of("dangling data file link", (Case) t -> t.linkedData(SENTINEL.resolve("does-not-exist"))));
        c.add(Arguments.of("manifest linked to a manifest outside", (Case) FerryHostileTest::linkedManifest));
        c.add(Arguments.of("FIFO as data file", (Case) FerryHostileTest::fifoData));
        c.add(Arguments.of("FIFO as manifest", (Case) FerryHostileTest::fifoManifest));
        c.add(Arguments.of("directory named like a manifest", (Case) FerryHostileTest::directoryManifest));
        // ---- manifests ----
        c.add(Arguments.of("UTF-16 manifest", (Case) t -> t.badManifest(m -> m.getBytes(StandardCharsets.UTF_16), "BAD_MANIFEST")));
        c.add(Arguments.of("manifest with BOM is accepted", (Case) t -> t.manifestAccepted(m -> ("\uFEFF" + m).getBytes(StandardCharsets.UTF_8))));
        c.add(Arguments.of("garbage manifest", (Case) t -> t.badManifest(m -> new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2}, "BAD_MANIFEST")));
        c.add(Arguments.of("empty manifest", (Case) t -> t.badManifest(m -> new byte[0], "BAD_MANIFEST")));
        c.add(Arguments.of("huge manifest", (Case) t -> t.badManifest(m -> (m.substring(0, m.length() - 1) + ",\"pad\":\"" + "x".repeat(70_000) + "\"}").getBytes(StandardCharsets.UTF_8), "BAD_MANIFEST")));
        c.add(Arguments.of("JSON nesting bomb manifest", (Case) t -> t.badManifest(m -> ("{\"batchId\":" + "[".repeat(3_000) + "]".repeat(3_000) + "}").getBytes(StandardCharsets.UTF_8), "BAD_MANIFEST")));
        c.add(Arguments.of("manifest is a JSON array", (Case) t -> t.badManifest(m -> "[]".getBytes(StandardCharsets.UTF_8), "BAD_MANIFEST")));
        c.add(Arguments.of("recordCount of the wrong type", (Case) t -> t.badManifest(m -> m.replaceFirst("\"recordCount\":\\d+", "\"recordCount\":\"three\"").getBytes(StandardCharsets.UTF_8), "BAD_MANIFEST")));
        c.add(Arguments.of("negative byteSize", (Case) t -> t.badManifest(m -> m.replaceFirst("\"byteSize\":\\d+", "\"byteSize\":-5").getBytes(StandardCharsets.UTF_8), "BAD_MANIFEST")));
        c.add(Arguments.of("huge recordCount", (Case) t -> t.badManifest(m -> m.replaceFirst("\"recordCount\":\\d+", "\"recordCount\":99999999999999999999999").getBytes(StandardCharsets.UTF_8), "BAD_MANIFEST")));
        c.add(Arguments.of("missing batchId", (Case) t -> t.badManifest(m -> m.replaceFirst("\"batchId\":\"[^\"]*\",", "").getBytes(StandardCharsets.UTF_8), "BAD_MANIFEST")));
        c.add(Arguments.of("batchId with path characters", (Case) t -> t.badManifest(m -> m.replaceFirst("\"batchId\":\"[^\"]*\"", "\"batchId\":\"../../x\"").getBytes(StandardCharsets.UTF_8), "BAD_MANIFEST")));
        c.add(Arguments.of("missing digest", (Case) t -> t.badManifest(m -> m.replaceFirst(",\"sha256\":\"[^\"]*\"", "").getBytes(StandardCharsets.UTF_8), "BAD_MANIFEST")));
        c.add(Arguments.of("digest not hex", (Case) t -> t.badManifest(m -> m.replaceFirst("\"sha256\":\"[^\"]*\"", "\"sha256\":\"" + "zz".repeat(32) + "\"").getBytes(StandardCharsets.UTF_8), "BAD_MANIFEST")));
        // ---- data ----
        c.add(Arguments.of("bad UTF-8 in the data", (Case) t -> t.badData((rec1 + "\n" + rec2 + "\n").replace("10.5", "\u00e9").getBytes(StandardCharsets.ISO_8859_1), false, 2, "BAD_ENCODING")));
        c.add(Arguments.of("lone CR inside a record", (Case) FerryHostileTest::loneCr));
        c.add(Arguments.of("CRLF, BOM and blank lines are accepted", (Case) t -> t.dataAccepted(("\uFEFF" + rec1 + "\r\n\r\n   \n" + rec2 + "\r\n").getBytes(StandardCharsets.UTF_8), false, 2)));
        c.add(Arguments.of("line too long", (Case) t -> t.badData((rec1 + "\n" + "{\"x\":\"" + "y".repeat(17_000) + "\"}\n").getBytes(StandardCharsets.UTF_8), false, 2, "LINE_TOO_LONG")));
        c.add(Arguments.of("line of 10,000 characters passes the line limit", (Case) FerryHostileTest::longValidLine));
        c.add(Arguments.of("gzip bomb (ratio)", (Case) t -> t.badData(gzip("\n".repeat(64 * 1024 * 1024).getBytes(StandardCharsets.UTF_8)), true, 0, "TOO_LARGE")));
        c.add(Arguments.of("truncated gzip", (Case) t -> { byte[] g = gzip((rec1 + "\n").getBytes(StandardCharsets.UTF_8)); return t.badData(java.util.Arrays.copyOf(g, g.length - 12), true, 1, "BAD_GZIP"); }));
        c.add(Arguments.of("not gzip", (Case) t -> t.badData((rec1 + "\n").getBytes(StandardCharsets.UTF_8), true, 1, "BAD_GZIP")));
        c.add(Arguments.of("size mismatch", (Case) t -> t.lyingManifest(m -> m.replaceFirst("\"byteSize\":(\\d+)", "\"byteSize\":1"), "SIZE_MISMATCH")));
        c.add(Arguments.of("digest mismatch", (Case) t -> t.lyingManifest(m -> m.replaceFirst("\"sha256\":\"[^\"]*\"", "\"sha256\":\"" + "0".repeat(64) + "\""), "DIGEST_MISMATCH")));
        c.add(Arguments.of("recordCount says more", (Case) t -> t.lyingManifest(m -> m.replaceFirst("\"recordCount\":\\d+", "\"recordCount\":3"), "TRUNCATED")));
        c.add(Arguments.of("recordCount says fewer", (Case) t -> t.lyingManifest(m -> m.replaceFirst("\"recordCount\":\\d+", "\"recordCount\":1"), "TRUNCATED")));
        c.add(Arguments.of("replayed batchId under another name", (Case) FerryHostileTest::replayedBatchId));
        c.add(Arguments.of("same file twice", (Case) FerryHostileTest::sameFileTwice));
        c.add(Arguments.of("manifest waiting for its data file is listed", (Case) t -> t.listed("waits-" + uuid() + ".jsonl.manifest", "DATA_FILE", true)));
        c.add(Arguments.of("data file waiting for its manifest is listed", (Case) t -> t.listed("orphan-" + uuid() + ".jsonl", "MANIFEST", true)));
        // ---- every invalid field of a record ----
        c.add(Arguments.of("record not JSON", (Case) t -> t.badRecord("{not json", "BAD_JSON")));
        c.add(Arguments.of("record value not a string", (Case) t -> t.badRecord(rec2.replace("\"dataValue\":\"10.5\"", "\"dataValue\":10.5"), "NOT_A_STRING")));
        c.add(Arguments.of("record field missing", (Case) t -> t.badRecord(rec2.replace("\"regVersion\":\"1.0\",", ""), "MISSING")));
        c.add(Arguments.of("enterpriseCode too short", (Case) t -> t.badRecord(rec2.replace(FerryPackage.ENTERPRISE, "91530100MA6NX4QW2"), "BAD_LENGTH")));
        c.add(Arguments.of("enterpriseCode bad charset", (Case) t -> t.badRecord(rec2.replace(FerryPackage.ENTERPRISE, "91530100ma6nx4qw2g"), "BAD_CHARSET")));
        c.add(Arguments.of("enterpriseCode bad check digit", (Case) t -> t.badRecord(rec2.replace(FerryPackage.ENTERPRISE, "91530100MA6NX4QW2H"), "BAD_CHECK_DIGIT")));
        c.add(Arguments.of("dataValue bad format", (Case) t -> t.badRecord(rec2.replace("\"10.5\"", "\"1,000\""), "BAD_FORMAT")));
        c.add(Arguments.of("valid flag bad code", (Case) t -> t.badRecord(rec2.replace("\"valid\":\"1\"", "\"valid\":\"7\""), "BAD_CODE")));
        c.add(Arguments.of("statDate not a period start", (Case) t -> t.badRecord(rec2.replace("00:00:00\",\"upload", "00:05:00\",\"upload"), "NOT_PERIOD_START")));
        c.add(Arguments.of("uploadDate in the future", (Case) t -> t.badRecord(rec2.replace("2026-11-01 01:10:05", "2099-01-01 00:00:00"), "IN_FUTURE")));
        c.add(Arguments.of("uploadDate before statDate", (Case) t -> t.badRecord(rec2.replace("2026-11-01 01:10:05", "2026-09-01 00:00:00"), "BEFORE_STAT_DATE")));
        // ---- SFTP exchange server ----
        c.add(Arguments.of("SFTP: backslash name", (Case) t -> t.remoteRefusedName("\\..\\..\\..\\" + SENTINEL.getFileName() + "\\victim.jsonl.manifest", "BAD_NAME")));
        c.add(Arguments.of("SFTP: newline in the name", (Case) t -> t.remoteRefusedName("r\nq.jsonl.manifest", "BAD_NAME")));
        c.add(Arguments.of("SFTP: manifest is a link", (Case) FerryHostileTest::remoteLinkedManifest));
        c.add(Arguments.of("SFTP: data file is a link", (Case) FerryHostileTest::remoteLinkedData));
        c.add(Arguments.of("SFTP: UTF-16 manifest", (Case) FerryHostileTest::remoteUtf16Manifest));
        c.add(Arguments.of("SFTP: FIFO as manifest", (Case) FerryHostileTest::remoteFifoManifest));
        c.add(Arguments.of("SFTP: manifest waiting for its data file is listed", (Case) FerryHostileTest::remoteWaiting));
        return c.stream();
    }

    static final String rec1 = FerryPackage.record(FerryPackage.ENTERPRISE, 1, "10.5");
    static final String rec2 = FerryPackage.record(FerryPackage.ENTERPRISE, 2, "10.5");

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void hostileInputIsAnsweredAndValidDataBesideItArrivesOnce(String title, Case hostile) throws Exception {
        boolean remote = title.startsWith("SFTP");
        FerryPackage valid = FerryPackage.of().records(FerryPackage.OTHER_ENTERPRISE, 3);
        Check check = hostile.drop(this);
        valid.dropInto(remote ? SERVER_A.inbound() : inbox());

        JsonNode ack = remote ? awaitRemoteAck(SERVER_A, valid) : awaitAck(valid);
        assertThat(ack.get("status").asText()).isEqualTo("ACCEPTED");
        assertArrivedOnce(valid.batchId(), 3);
        check.verify();
    }

    @Order(2)
    @Test
    void nothingOutsideTheDataDirectoryWasTouched() throws Exception {
        assertThat(snapshot(SENTINEL)).isEqualTo(before);
        assertThat(ledger.batches("victim-batch")).isEmpty();
    }

    @Order(3)
    @Test
    void noStackTraceWasLoggedForAnyAnsweredCase() throws Exception {
        // the hub's own lines of the run, kept as target/hostile-suite.log (docs/hostile-suite-run.log is one)
        Files.write(Path.of("target", "hostile-suite.log"), logEvents.list.stream()
                .filter(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.INFO))
                .filter(e -> e.getLoggerName().startsWith("energyhub") || e.getLoggerName().startsWith("org.apache.camel"))
                .map(e -> java.time.Instant.ofEpochMilli(e.getTimeStamp()) + " " + e.getLevel() + " ["
                        + e.getThreadName() + "] " + e.getLoggerName() + ": " + e.getFormattedMessage()
                        + (e.getThrowableProxy() == null ? "" : " | STACK TRACE: " + e.getThrowableProxy().getClassName()))
                .toList());
        String impostor = String.valueOf(IMPOSTOR.port());
        List<String> traced = logEvents.list.stream()
                .filter(e -> e.getThrowableProxy() != null)
                .filter(e -> e.getLoggerName().startsWith("energyhub") || e.getLoggerName().startsWith("org.apache.camel"))
                .filter(e -> !e.getThreadName().contains(impostor) && !e.getFormattedMessage().contains("impostor"))
                .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage())
                .toList();
        assertThat(traced).isEmpty();
        // the capture saw the run: the refusals' own WARN lines are there
        assertThat(logEvents.list.stream().filter(e -> e.getLoggerName().startsWith("energyhub.ferry")
                && e.getLevel() == ch.qos.logback.classic.Level.WARN)).hasSizeGreaterThan(40);
    }

    // ------------------------------------------------------------------ the cases

    Check refusedName(String name, String code) throws Exception {
        Path p = inbox().resolve(name);
        Files.write(p, "{\"batchId\":\"x\"}".getBytes(StandardCharsets.UTF_8));
        Files.setLastModifiedTime(p, FileTime.from(Instant.now().minusSeconds(5)));
        String safe = IntakeNames.safeName(name);
        return () -> {
            JsonNode ack = awaitAckNamed(outbox(), safe + ".ack.json");
            assertRejected(ack, code);
            assertThat(ack.get("errors").get(0).get("message").asText()).contains(IntakeNames.escape(name));
            Path reason = quarantine().resolve(safe + ".reason.txt");
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(reason));
            assertThat(Files.readString(reason)).contains(code).contains("original name: " + IntakeNames.escape(name));
            assertThat(quarantine().resolve(safe)).exists();
            assertThat(IntakeFilesPresent(p)).isFalse();
        };
    }

    static Check nonUtf8Name(FerryHostileTest t) throws Exception {
        Path dir = t.inbox();
        int rc = new ProcessBuilder("sh", "-c", "cd \"$1\" && : > \"$(printf 'bad\\377name.jsonl.manifest')\"", "sh",
                dir.toString()).start().waitFor();
        assertThat(rc).isZero();
        return () -> {
            String seen; // how Java lists the undecodable byte
            try (Stream<Path> files = Files.list(dir)) {
                seen = files.map(f -> f.getFileName().toString())
                        .filter(n -> n.startsWith("bad") && n.endsWith("name.jsonl.manifest")).findFirst().orElseThrow();
            }
            JsonNode ack = awaitAckNamed(t.outbox(), IntakeNames.safeName(seen) + ".ack.json");
            assertRejected(ack, "BAD_NAME");
            new ProcessBuilder("sh", "-c", "cd \"$1\" && rm -f \"$(printf 'bad\\377name.jsonl.manifest')\"", "sh",
                    dir.toString()).start().waitFor();
        };
    }

    Check listed(String name, String waitsFor, boolean remove) throws Exception {
        Path p = inbox().resolve(name);
        // a manifest that is valid in itself: it only lacks its data file
        Files.writeString(p, name.endsWith(".manifest") ? manifestFor(new byte[] {'x'}, 1, UUID.randomUUID().toString()) : "{}");
        Files.setLastModifiedTime(p, FileTime.from(Instant.now().minusSeconds(5)));
        return () -> {
            await().atMost(Duration.ofSeconds(30)).until(() -> waiting().stream()
                    .anyMatch(w -> w.name().equals(name) && w.waitsFor().equals(waitsFor) && !w.stale()));
            assertThat(Files.list(outbox()).map(f -> f.getFileName().toString())).noneMatch(n -> n.startsWith(name));
            assertThat(p).exists();
            Files.delete(p);
            await().atMost(Duration.ofSeconds(30)).until(() -> waiting().stream().noneMatch(w -> w.name().equals(name)));
        };
    }

    Check linkedData(Path target) throws Exception {
        FerryPackage pkg = FerryPackage.of().records(FerryPackage.ENTERPRISE, 1);
        Files.createSymbolicLink(inbox().resolve(pkg.dataFileName()), target);
        byte[] targetBytes = Files.exists(target) ? Files.readAllBytes(target) : new byte[0];
        writeManifest(inbox(), pkg.dataFileName(), manifestFor(targetBytes, 1, pkg.batchId()));
        return () -> {
            JsonNode ack = awaitAck(pkg);
            assertRejected(ack, "NOT_REGULAR_FILE");
            assertThat(ack.toString()).doesNotContain("root:").doesNotContain("99.5");
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.isSymbolicLink(quarantine().resolve(pkg.dataFileName())));
            assertThat(national.browse(pkg.batchId())).isEmpty();
        };
    }

    static Check linkedManifest(FerryHostileTest t) throws Exception {
        String name = "lm-" + uuid() + ".jsonl";
        Files.write(t.inbox().resolve(name), (rec1 + "\n").getBytes(StandardCharsets.UTF_8));
        Files.createSymbolicLink(t.inbox().resolve(name + ".manifest"), SENTINEL.resolve("victim.jsonl.manifest"));
        return () -> {
            JsonNode ack = awaitAckNamed(t.outbox(), name + ".ack.json");
            assertRejected(ack, "NOT_REGULAR_FILE");
            assertThat(ack.toString()).doesNotContain("victim-batch");
            assertThat(ack.get("batchId").asText()).isEmpty();
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.isSymbolicLink(t.quarantine().resolve(name + ".manifest")));
            assertThat(t.quarantine().resolve(name)).exists();
        };
    }

    static Check fifoData(FerryHostileTest t) throws Exception {
        FerryPackage pkg = FerryPackage.of().records(FerryPackage.ENTERPRISE, 1);
        mkfifo(t.inbox().resolve(pkg.dataFileName()));
        writeManifest(t.inbox(), pkg.dataFileName(), manifestFor(new byte[0], 0, pkg.batchId()));
        return () -> {
            assertRejected(t.awaitAck(pkg), "NOT_REGULAR_FILE");
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(t.quarantine().resolve(pkg.dataFileName()),
                    LinkOption.NOFOLLOW_LINKS));
        };
    }

    static Check fifoManifest(FerryHostileTest t) throws Exception {
        String name = "fm-" + uuid() + ".jsonl";
        mkfifo(t.inbox().resolve(name + ".manifest"));
        return () -> assertRejected(awaitAckNamed(t.outbox(), name + ".ack.json"), "NOT_REGULAR_FILE");
    }

    static Check directoryManifest(FerryHostileTest t) throws Exception {
        String name = "dir-" + uuid() + ".jsonl.manifest";
        Files.createDirectories(t.inbox().resolve(name));
        return () -> {
            await().atMost(Duration.ofSeconds(30)).until(() -> t.waiting().stream()
                    .anyMatch(w -> w.name().equals(name) && w.waitsFor().equals("NOTHING")));
            Files.delete(t.inbox().resolve(name));
        };
    }

    Check badManifest(java.util.function.Function<String, byte[]> mangle, String code) throws Exception {
        FerryPackage pkg = FerryPackage.of().records(FerryPackage.ENTERPRISE, 2);
        Files.write(inbox().resolve(pkg.dataFileName()), pkg.dataBytes());
        Path m = Files.write(inbox().resolve(pkg.dataFileName() + ".manifest"), mangle.apply(pkg.manifest()));
        Files.setLastModifiedTime(m, FileTime.from(Instant.now().minusSeconds(5)));
        return () -> {
            assertRejected(awaitAck(pkg), code);
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(quarantine().resolve(pkg.dataFileName() + ".reason.txt")));
            assertThat(national.browse(pkg.batchId())).isEmpty();
        };
    }

    Check manifestAccepted(java.util.function.Function<String, byte[]> mangle) throws Exception {
        FerryPackage pkg = FerryPackage.of().records(FerryPackage.ENTERPRISE, 2);
        Files.write(inbox().resolve(pkg.dataFileName()), pkg.dataBytes());
        Path m = Files.write(inbox().resolve(pkg.dataFileName() + ".manifest"), mangle.apply(pkg.manifest()));
        Files.setLastModifiedTime(m, FileTime.from(Instant.now().minusSeconds(5)));
        return () -> {
            assertThat(awaitAck(pkg).get("status").asText()).isEqualTo("ACCEPTED");
            assertArrivedOnce(pkg.batchId(), 2);
        };
    }

    Check badData(byte[] data, boolean gz, long count, String code) throws Exception {
        String name = "bd-" + uuid() + (gz ? ".jsonl.gz" : ".jsonl");
        String batchId = UUID.randomUUID().toString();
        Files.write(inbox().resolve(name), data);
        writeManifest(inbox(), name, manifestFor(data, count, batchId));
        return () -> {
            assertRejected(awaitAckNamed(outbox(), name + ".ack.json"), code);
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(quarantine().resolve(name + ".reason.txt")));
            assertThat(national.browse(batchId)).isEmpty();
            assertThat(provincial.browse(batchId)).isEmpty();
        };
    }

    Check dataAccepted(byte[] data, boolean gz, int count) throws Exception {
        String name = "da-" + uuid() + (gz ? ".jsonl.gz" : ".jsonl");
        String batchId = UUID.randomUUID().toString();
        Files.write(inbox().resolve(name), data);
        writeManifest(inbox(), name, manifestFor(data, count, batchId));
        return () -> {
            JsonNode ack = awaitAckNamed(outbox(), name + ".ack.json");
            assertThat(ack.get("status").asText()).isEqualTo("ACCEPTED");
            assertThat(ack.get("received").asInt()).isEqualTo(count);
            assertArrivedOnce(batchId, count);
        };
    }

    static Check loneCr(FerryHostileTest t) throws Exception {
        // record 2 has a lone CR inside a string value: one line, one record, BAD_JSON on its own merits
        String broken = rec2.replace("\"dataValue\":\"10.5\"", "\"dataValue\":\"10\r5\"");
        byte[] data = (rec1 + "\n" + broken + "\n").getBytes(StandardCharsets.UTF_8);
        String name = "cr-" + uuid() + ".jsonl";
        String batchId = UUID.randomUUID().toString();
        Files.write(t.inbox().resolve(name), data);
        writeManifest(t.inbox(), name, manifestFor(data, 2, batchId));
        return () -> {
            JsonNode ack = awaitAckNamed(t.outbox(), name + ".ack.json");
            assertThat(ack.get("status").asText()).isEqualTo("PARTIAL");
            assertThat(ack.get("received").asInt()).isEqualTo(2);
            assertThat(ack.get("accepted").asInt()).isEqualTo(1);
            assertThat(ack.get("errors")).hasSize(1);
            assertThat(ack.get("errors").get(0).get("line").asInt()).isEqualTo(2);
            assertThat(ack.get("errors").get(0).get("code").asText()).isEqualTo("BAD_JSON");
            t.assertArrivedOnce(batchId, 1);
        };
    }

    static Check longValidLine(FerryHostileTest t) throws Exception {
        // 10,000 characters: over the codec's old 8,192 default, under hub.ferry.max-line-chars (16,384)
        String longRecord = rec1.substring(0, rec1.length() - 1) + ",\"note\":\"" + "n".repeat(10_000 - rec1.length() - 10) + "\"}";
        assertThat(longRecord.length()).isBetween(9_990, 10_010);
        return t.dataAccepted((longRecord + "\n" + rec2 + "\n").getBytes(StandardCharsets.UTF_8), false, 2);
    }

    Check lyingManifest(java.util.function.UnaryOperator<String> lie, String code) throws Exception {
        byte[] data = (rec1 + "\n" + rec2 + "\n").getBytes(StandardCharsets.UTF_8);
        String name = "lie-" + uuid() + ".jsonl";
        String batchId = UUID.randomUUID().toString();
        Files.write(inbox().resolve(name), data);
        writeManifest(inbox(), name, lie.apply(manifestFor(data, 2, batchId)));
        return () -> {
            assertRejected(awaitAckNamed(outbox(), name + ".ack.json"), code);
            assertThat(national.browse(batchId)).isEmpty();
        };
    }

    static Check replayedBatchId(FerryHostileTest t) throws Exception {
        FerryPackage first = FerryPackage.of().records(FerryPackage.ENTERPRISE, 2).dropInto(t.inbox());
        return () -> {
            assertThat(t.awaitAck(first).get("status").asText()).isEqualTo("ACCEPTED");
            FerryPackage replay = FerryPackage.of().records(FerryPackage.ENTERPRISE, 2).batchId(first.batchId())
                    .dropInto(t.inbox());
            assertThat(t.awaitAck(replay).get("status").asText()).isEqualTo("DUPLICATE");
            t.assertArrivedOnce(first.batchId(), 2);
        };
    }

    static Check sameFileTwice(FerryHostileTest t) throws Exception {
        FerryPackage pkg = FerryPackage.of().records(FerryPackage.ENTERPRISE, 2).dropInto(t.inbox());
        return () -> {
            assertThat(t.awaitAck(pkg).get("status").asText()).isEqualTo("ACCEPTED");
            await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(t.inbox().resolve(pkg.dataFileName())));
            Files.delete(t.outbox().resolve(pkg.dataFileName() + ".ack.json"));
            pkg.dropInto(t.inbox()); // the gate sends the very same package again
            assertThat(t.awaitAck(pkg).get("status").asText()).isEqualTo("ACCEPTED");
            await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(t.inbox().resolve(pkg.dataFileName())));
            t.assertArrivedOnce(pkg.batchId(), 2);
        };
    }

    Check badRecord(String bad, String code) throws Exception {
        FerryPackage pkg = FerryPackage.of().line(rec1).line(bad).dropInto(inbox());
        return () -> {
            JsonNode ack = awaitAck(pkg);
            assertThat(ack.get("status").asText()).isEqualTo("PARTIAL");
            assertThat(ack.get("accepted").asInt()).isEqualTo(1);
            assertThat(ack.get("errors")).isNotEmpty();
            assertThat(ack.get("errors").get(0).get("line").asInt()).isEqualTo(2);
            assertThat(ack.get("errors").get(0).get("code").asText()).isEqualTo(code);
            assertArrivedOnce(pkg.batchId(), 1);
        };
    }

    Check remoteRefusedName(String name, String code) throws Exception {
        Path p = SERVER_A.inbound().resolve(name);
        Files.writeString(p, "{}");
        Files.setLastModifiedTime(p, FileTime.from(Instant.now().minusSeconds(5)));
        return () -> {
            JsonNode ack = awaitAckNamed(SERVER_A.outbound(), IntakeNames.safeName(name) + ".ack.json");
            assertRejected(ack, code);
            Files.delete(p);
        };
    }

    static Check remoteLinkedManifest(FerryHostileTest t) throws Exception {
        String name = "rlm-" + uuid() + ".jsonl";
        Files.write(SERVER_A.inbound().resolve(name), (rec1 + "\n").getBytes(StandardCharsets.UTF_8));
        Files.createSymbolicLink(SERVER_A.inbound().resolve(name + ".manifest"), SENTINEL.resolve("victim.jsonl.manifest"));
        return () -> {
            JsonNode ack = awaitAckNamed(SERVER_A.outbound(), name + ".ack.json");
            assertRejected(ack, "NOT_REGULAR_FILE");
            assertThat(ack.toString()).doesNotContain("victim-batch");
            Files.delete(SERVER_A.inbound().resolve(name + ".manifest"));
            Files.delete(SERVER_A.inbound().resolve(name));
        };
    }

    static Check remoteLinkedData(FerryHostileTest t) throws Exception {
        FerryPackage pkg = FerryPackage.of().records(FerryPackage.ENTERPRISE, 1);
        Files.createSymbolicLink(SERVER_A.inbound().resolve(pkg.dataFileName()), SENTINEL.resolve("passwd"));
        writeManifest(SERVER_A.inbound(), pkg.dataFileName(),
                manifestFor(PASSWD.getBytes(StandardCharsets.UTF_8), 2, pkg.batchId()));
        return () -> {
            JsonNode ack = awaitRemoteAck(SERVER_A, pkg);
            assertRejected(ack, "NOT_REGULAR_FILE");
            assertThat(ack.toString()).doesNotContain("root:");
        };
    }

    static Check remoteUtf16Manifest(FerryHostileTest t) throws Exception {
        FerryPackage pkg = FerryPackage.of().records(FerryPackage.ENTERPRISE, 1);
        Files.write(SERVER_A.inbound().resolve(pkg.dataFileName()), pkg.dataBytes());
        Path m = Files.write(SERVER_A.inbound().resolve(pkg.dataFileName() + ".manifest"),
                pkg.manifest().getBytes(StandardCharsets.UTF_16));
        Files.setLastModifiedTime(m, FileTime.from(Instant.now().minusSeconds(5)));
        return () -> assertRejected(awaitRemoteAck(SERVER_A, pkg), "BAD_MANIFEST");
    }

    static Check remoteFifoManifest(FerryHostileTest t) throws Exception {
        String name = "rfm-" + uuid() + ".jsonl";
        Path fifo = SERVER_A.inbound().resolve(name + ".manifest");
        mkfifo(fifo);
        return () -> {
            assertRejected(awaitAckNamed(SERVER_A.outbound(), name + ".ack.json"), "NOT_REGULAR_FILE");
            Files.delete(fifo);
        };
    }

    static Check remoteWaiting(FerryHostileTest t) throws Exception {
        FerryPackage pkg = FerryPackage.of().records(FerryPackage.ENTERPRISE, 1);
        pkg.writeManifest(SERVER_A.inbound());
        String manifest = pkg.dataFileName() + ".manifest";
        return () -> {
            await().atMost(Duration.ofSeconds(30)).until(() -> t.waiting().stream().anyMatch(w ->
                    w.source().equals("ferry-exchange-a") && w.name().equals(manifest) && w.waitsFor().equals("DATA_FILE")));
            assertThat(SERVER_A.outbound().resolve(pkg.dataFileName() + ".ack.json")).doesNotExist();
            // the data file arrives: the package is taken, and no longer listed
            pkg.dropDataOnly(SERVER_A.inbound());
            assertThat(awaitRemoteAck(SERVER_A, pkg).get("status").asText()).isEqualTo("ACCEPTED");
            await().atMost(Duration.ofSeconds(30)).until(() -> t.waiting().stream().noneMatch(w -> w.name().equals(manifest)));
            t.assertArrivedOnce(pkg.batchId(), 1);
        };
    }

    // ------------------------------------------------------------------ helpers

    List<IntakeBacklog.Waiting> waiting() {
        List<IntakeBacklog.Waiting> all = new ArrayList<>();
        backlogs.forEach(b -> all.addAll(b.waiting()));
        return all;
    }

    void assertArrivedOnce(String batchId, int records) throws Exception {
        for (PlatformClient platform : List.of(national, provincial)) {
            List<String> keys = new ArrayList<>();
            for (var m : platform.browse(batchId)) {
                m.json().get("records").forEach(r -> keys.add(r.get("enterpriseCode").asText() + "|"
                        + r.get("dataCode").asText() + "|" + r.get("statDate").asText()));
            }
            assertThat(keys).hasSize(records).doesNotHaveDuplicates();
        }
    }

    static void assertRejected(JsonNode ack, String code) {
        assertThat(ack.get("status").asText()).isEqualTo("REJECTED");
        assertThat(ack.get("errors").get(0).get("code").asText()).isEqualTo(code);
        assertThat(ack.get("errors").get(0).get("line").asInt()).isZero();
    }

    static JsonNode awaitAckNamed(Path outbox, String name) throws Exception {
        Path ack = outbox.resolve(name);
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(ack));
        return JSON.readTree(Files.readString(ack));
    }

    static boolean IntakeFilesPresent(Path p) {
        return Files.exists(p, LinkOption.NOFOLLOW_LINKS);
    }

    static void writeManifest(Path dir, String dataName, String json) throws Exception {
        Path tmp = Files.createTempFile("manifest", ".tmp");
        Files.writeString(tmp, json);
        Files.setLastModifiedTime(tmp, FileTime.from(Instant.now().minusSeconds(5)));
        Files.move(tmp, dir.resolve(dataName + ".manifest"));
    }

    static String manifestFor(byte[] data, long count, String batchId) throws Exception {
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        return "{\"batchId\":\"" + batchId + "\",\"sender\":\"" + FerryPackage.ENTERPRISE + "\",\"kind\":\"DATA\","
                + "\"createdAt\":\"2026-11-24T10:15:00.123+08:00\",\"recordCount\":" + count + ",\"byteSize\":"
                + data.length + ",\"sha256\":\"" + sha + "\",\"schemaVersion\":\"1.0\"}";
    }

    static byte[] gzip(byte[] plain) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                gz.write(plain);
            }
            return out.toByteArray();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static void mkfifo(Path p) throws Exception {
        assertThat(new ProcessBuilder("mkfifo", p.toString()).start().waitFor()).isZero();
    }

    static String uuid() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /** Every entry under root, not following links: kind, size, mtime and content hash (links: their target). */
    static Map<String, String> snapshot(Path root) throws Exception {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                String content = a.isSymbolicLink() ? "->" + Files.readSymbolicLink(p)
                        : a.isRegularFile() ? HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                                .digest(Files.readAllBytes(p))) : a.isDirectory() ? "dir" : "other";
                m.put(root.relativize(p).toString(), content + " " + a.size() + " " + a.lastModifiedTime().toMillis());
            }
        }
        return m;
    }
}

package energyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import energyhub.e2e.support.FreePort;
import energyhub.e2e.support.HubProcess;
import energyhub.e2e.support.RunningHub;
import energyhub.e2e.support.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A newcomer's first run as README.md tells it (issue 24 item 3): the packaged hub with the {@code dev}
 * profile started in a fresh folder (its data under ./data, a fresh ledger database), then the commands of
 * the README's "Try it" section, read from README.md and run by bash as they stand, in that folder: they sign
 * the package with ferry-signer and the dev exchange server key the hub made (the dev profile requires
 * signatures, issue 22), and verify the hub's signed ACK with its published key.
 * <p>
 * The README's commands name no port, so the hub gets free ones here (web, broker, TCP intake) instead of
 * 8080, 61616 and 7070, which another hub on the machine may hold; the commands are the README's own.
 * With a PostgreSQL at 127.0.0.1:5432 the ledger is a fresh database there, as in the other tests (the
 * embedded one refuses to run as root, as the test machines run).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public class ReadmeTryItTest {

    private Path folder;
    private Path log;
    private HubProcess hub;

    @BeforeAll
    void startTheHubAsTheReadmeDoes() throws Exception {
        folder = RunningHub.tempDir("hub-readme");
        // the folder stands for the repository's root, where the README's first command built both jars: the
        // Try it commands run the signing command as ferry-signer/target/ferry-signer.jar
        linkSigner(folder);
        log = HubProcess.logFile("readme-try-it").toPath().toAbsolutePath();
        Files.deleteIfExists(log);
        Map<String, String> props = new LinkedHashMap<>();
        props.put("spring.profiles.active", "dev");
        props.put("hub.broker.port", String.valueOf(FreePort.next()));
        props.put("hub.tcp.port", String.valueOf(FreePort.next()));
        TestDatabase.create().ifPresent(url -> props.put("spring.datasource.url", url));
        hub = HubProcess.start(props, Map.of(), log, folder);
    }

    @AfterAll
    void stop() throws Exception {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void theTryItCommandsAsWrittenSignThePackageAndPrintTheAcceptedAckVerified() throws Exception {
        String commands = tryItCommands();
        assertThat(commands).contains("data/ferry/inbox").contains("demo.jsonl.ack.json")
                .contains("ferry-signer.jar sign --key data/dev-exchange-key.pem").contains("ferry-signer.jar verify-ack");
        Path output = folder.resolve("try-it.out");
        Process bash = new ProcessBuilder("bash", "-c", commands).directory(folder.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        // the commands wait up to 30 s for the ACK themselves; the bound here is theirs plus a loaded machine's slack
        assertThat(bash.waitFor(90, TimeUnit.SECONDS)).as("the Try it commands end").isTrue();
        String printed = Files.readString(output, StandardCharsets.UTF_8);

        assertThat(bash.exitValue()).as("exit code of the Try it commands; they printed:%n%s", printed).isZero();
        List<String> lines = printed.lines().toList();
        assertThat(lines).as("what the Try it commands print").hasSize(3);
        // the package signed with the dev exchange server key ...
        java.util.regex.Matcher signed = java.util.regex.Pattern.compile("^signed (?:.*/)?data/ferry/inbox/demo\\.jsonl -> "
                + "demo\\.jsonl\\.manifest \\(batchId ([0-9a-f-]{36}), key dev-exchange\\)$").matcher(lines.get(0));
        assertThat(signed.matches()).as("the sign command's line: %s", lines.get(0)).isTrue();
        // ... answered ACCEPTED (a signed v2 manifest, checked against the registry: SM3 of the data file) ...
        JsonNode ack = new ObjectMapper().readTree(lines.get(1));
        assertThat(ack.path("status").asText()).isEqualTo("ACCEPTED");
        assertThat(ack.path("received").asInt()).isEqualTo(1);
        assertThat(ack.path("accepted").asInt()).isEqualTo(1);
        assertThat(ack.path("rejected").asInt()).isZero();
        assertThat(ack.path("batchId").asText()).isEqualTo(signed.group(1));
        // ... and the answer verified with the hub's published key (exit status 0 above, and its line)
        assertThat(lines.get(2)).isEqualTo("verified ACK data/ferry/outbox/demo.jsonl.ack.json (hub key province-hub)");
        Path ackFile = folder.resolve("data/ferry/outbox/demo.jsonl.ack.json");
        assertThat(folder.resolve("data/ferry/outbox/demo.jsonl.ack.json.sig")).isRegularFile();

        // the dev profile made the exchange server key owner-only, beside the dev secrets
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(
                folder.resolve("data/dev-exchange-key.pem")))).isEqualTo("rw-------");
        // what the check is worth: the same command refuses the answer once a byte of it is changed
        Files.writeString(ackFile, Files.readString(ackFile).replace("\"accepted\":1", "\"accepted\":2"));
        Process tampered = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                "ferry-signer/target/ferry-signer.jar", "verify-ack", "--pub",
                "data/dev-ack-key.pub.pem", "--ack", "data/ferry/outbox/demo.jsonl.ack.json").directory(folder.toFile())
                .redirectErrorStream(true).start();
        String refusal = new String(tampered.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tampered.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(tampered.exitValue()).isEqualTo(1);
        assertThat(refusal).contains("REFUSED SIGNATURE_INVALID");
    }

    @Test
    void aFirstStartOnAFreshDatabaseHasNoFlywayWarning() throws Exception {
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).as("the hub's log").anyMatch(l -> l.contains("Successfully applied"));
        assertThat(lines).noneMatch(l -> l.contains("outOfOrder"))
                .noneMatch(l -> l.matches(".* (WARN|ERROR) .*(o\\.f\\.|org\\.flywaydb\\.).*"));
    }

    /**
     * Makes {@code folder} stand for the repository's root as the Try it commands expect it: they run the signing
     * command as ferry-signer/target/ferry-signer.jar, built by the README's first command.
     */
    public static void linkSigner(Path folder) throws java.io.IOException {
        Path signer = Path.of("..", "ferry-signer").toAbsolutePath().normalize();
        assertThat(signer.resolve("target/ferry-signer.jar")).as("the signing command, built by mvn package").isRegularFile();
        Files.createSymbolicLink(folder.resolve("ferry-signer"), signer);
    }

    /** The indented block of README.md's section "Try it", without its indentation. */
    public static String tryItCommands() throws java.io.IOException {
        List<String> readme = Files.readAllLines(Path.of("..", "README.md"));
        int section = readme.indexOf("## Try it");
        assertThat(section).as("README.md has a section 'Try it'").isNotNegative();
        List<String> block = new ArrayList<>();
        for (String line : readme.subList(section + 1, readme.size())) {
            if (line.startsWith("    ")) {
                block.add(line.substring(4));
            } else if (!block.isEmpty() || line.startsWith("## ")) {
                break;
            }
        }
        assertThat(block).as("the commands of README.md's 'Try it'").isNotEmpty();
        return String.join("\n", block) + "\n";
    }
}

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
 * the README's "Try it" section, read from README.md and run by bash as they stand, in that folder.
 * <p>
 * The README's commands name no port, so the hub gets free ones here (web, broker, TCP intake) instead of
 * 8080, 61616 and 7070, which another hub on the machine may hold; the commands are the README's own.
 * With a PostgreSQL at 127.0.0.1:5432 the ledger is a fresh database there, as in the other tests (the
 * embedded one refuses to run as root, as the test machines run).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadmeTryItTest {

    private Path folder;
    private Path log;
    private HubProcess hub;

    @BeforeAll
    void startTheHubAsTheReadmeDoes() throws Exception {
        folder = RunningHub.tempDir("hub-readme");
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
    void theTryItCommandsAsWrittenPrintTheAcceptedAck() throws Exception {
        String commands = tryItCommands();
        assertThat(commands).contains("data/ferry/inbox").contains("demo.jsonl.ack.json");
        Path output = folder.resolve("try-it.out");
        Process bash = new ProcessBuilder("bash", "-c", commands).directory(folder.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        // the commands wait up to 30 s for the ACK themselves; the bound here is theirs plus a loaded machine's slack
        assertThat(bash.waitFor(90, TimeUnit.SECONDS)).as("the Try it commands end").isTrue();
        String printed = Files.readString(output, StandardCharsets.UTF_8);

        assertThat(bash.exitValue()).as("exit code of the Try it commands; they printed:%n%s", printed).isZero();
        List<String> lines = printed.lines().toList();
        assertThat(lines).as("what the Try it commands print").hasSize(1);
        JsonNode ack = new ObjectMapper().readTree(lines.get(0));
        assertThat(ack.path("status").asText()).isEqualTo("ACCEPTED");
        assertThat(ack.path("received").asInt()).isEqualTo(1);
        assertThat(ack.path("accepted").asInt()).isEqualTo(1);
        assertThat(ack.path("rejected").asInt()).isZero();
        assertThat(ack.path("batchId").asText()).matches("[0-9a-f-]{36}");
    }

    @Test
    void aFirstStartOnAFreshDatabaseHasNoFlywayWarning() throws Exception {
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).as("the hub's log").anyMatch(l -> l.contains("Successfully applied"));
        assertThat(lines).noneMatch(l -> l.contains("outOfOrder"))
                .noneMatch(l -> l.matches(".* (WARN|ERROR) .*(o\\.f\\.|org\\.flywaydb\\.).*"));
    }

    /** The indented block of README.md's section "Try it", without its indentation. */
    static String tryItCommands() throws Exception {
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

package energyhub.e2e.uplink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import energyhub.e2e.ReadmeTryItTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import energyhub.e2e.support.FreePort;
import energyhub.e2e.support.HubProcess;
import energyhub.e2e.support.RunningHub;
import energyhub.e2e.support.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * README.md's "Try the national uplink" as a newcomer runs it, in a fresh folder: the simulator started by the
 * README's first command (its demo PKI made under data/national-simulator on that first start), the hub by its
 * second (the dev profile, which imports the simulator's settings, with the uplink on), then README's "Try it"
 * commands, then README's curl, which must count the demo record ACKED; the simulator says it received it.
 * <p>
 * The commands are README's own. Only what they cannot choose is added: free ports instead of 8443, 8080, 61616 and
 * 7070 (another hub on the machine may hold them), the jar's absolute path, and a fresh database on the PostgreSQL
 * at 127.0.0.1:5432 (the embedded one refuses to run as root, as the test machines run).
 */
class UplinkReadmeTest {

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stopWhatWasStarted() throws InterruptedException {
        for (Process p : started) {
            p.destroy();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void theReadmeCommandsShowTheDemoRecordAckedByTheSimulator() throws Exception {
        List<String> start = block(0);
        assertThat(start).as("README's two start commands").hasSize(2);
        assertThat(start.get(0)).contains("--national-platform-simulator");
        assertThat(start.get(1)).contains("--spring.profiles.active=dev").contains("--hub.uplink.enabled=true");
        List<String> check = block(1);
        assertThat(check).hasSize(1);
        assertThat(check.get(0)).contains("127.0.0.1:8080/api/operator/uplink/summary");

        Path folder = RunningHub.tempDir("hub-readme-uplink");
        String jar = Path.of(System.getProperty("hub.jar", "../deployment/target/exchange-hub.jar")).toAbsolutePath()
                .normalize().toString();
        int simulatorPort = FreePort.next();
        int httpPort = FreePort.next();

        Path simulatorOut = folder.resolve("simulator.out");
        started.add(run(folder, asHere(start.get(0), jar) + " port=" + simulatorPort, simulatorOut));
        Path settings = folder.resolve("data/national-simulator/hub-uplink.properties");
        // keytool makes the demo PKI on the first start: a few seconds, more on a loaded machine
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                .until(() -> Files.exists(settings) || !started.get(0).isAlive());
        assertThat(started.get(0).isAlive()).as("the simulator runs; it printed:%n%s", read(simulatorOut)).isTrue();
        // the demo PKI and the hub's settings (passwords) are the owner's only
        assertThat(Files.getPosixFilePermissions(settings)).containsOnly(PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE);
        assertThat(Files.getPosixFilePermissions(settings.getParent())).doesNotContain(
                PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);

        StringBuilder hub = new StringBuilder(asHere(start.get(1), jar)).append(" --server.port=").append(httpPort)
                .append(" --hub.broker.port=").append(FreePort.next()).append(" --hub.tcp.port=").append(FreePort.next());
        TestDatabase.create().ifPresent(url -> hub.append(" --spring.datasource.url=").append(url));
        Path hubLog = HubProcess.logFile("readme-uplink").toPath().toAbsolutePath();
        Files.deleteIfExists(hubLog);
        started.add(run(folder, hub.toString(), hubLog));
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                + "/actuator/health/readiness")).timeout(Duration.ofSeconds(2)).build();
        await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(500))
                .until(() -> !started.get(1).isAlive() || ready(http, ready));
        assertThat(started.get(1).isAlive()).as("the hub runs (log %s)", hubLog).isTrue();

        ReadmeTryItTest.linkSigner(folder);
        Process tryIt = new ProcessBuilder("bash", "-c", ReadmeTryItTest.tryItCommands()).directory(folder.toFile())
                .redirectErrorStream(true).redirectOutput(folder.resolve("try-it.out").toFile()).start();
        assertThat(tryIt.waitFor(90, TimeUnit.SECONDS)).as("the Try it commands end").isTrue();
        assertThat(read(folder.resolve("try-it.out"))).contains("\"status\":\"ACCEPTED\"");

        String curl = check.get(0).replace("127.0.0.1:8080", "127.0.0.1:" + httpPort);
        JsonNode summary = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> new ObjectMapper().readTree(output(folder, curl)),
                        s -> s.path("counts").path("ACKED").asLong() == 1);
        assertThat(summary.path("counts").path("PENDING").asLong()).isZero();
        assertThat(summary.path("counts").path("REJECTED").asLong()).isZero();
        assertThat(summary.path("link").asText()).isEqualTo("UP");
        // and the simulator says so too (its line comes at most 5 s after the record)
        await().atMost(Duration.ofSeconds(30)).until(() -> read(simulatorOut).contains("1 record identities received"));
        assertThat(Files.readString(hubLog)).contains("national uplink on: route uplink-intake consumes energy.national")
                .contains("send to https://127.0.0.1:" + simulatorPort);
    }

    private static boolean ready(HttpClient http, HttpRequest ready) {
        try {
            return http.send(ready, HttpResponse.BodyHandlers.ofString()).body().contains("\"UP\"");
        } catch (IOException e) {
            return false; // not listening yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** README's command with the jar where the build left it (README's commands run from the repository's root). */
    private static String asHere(String command, String jar) {
        assertThat(command).startsWith("java -jar deployment/target/exchange-hub.jar ");
        return command.replace("deployment/target/exchange-hub.jar", jar);
    }

    private static Process run(Path folder, String command, Path out) throws IOException {
        // exec: the process is java itself, so destroying it stops the simulator or hub
        return new ProcessBuilder("bash", "-c", "exec " + command).directory(folder.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile())).start();
    }

    private static String output(Path folder, String command) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", command).directory(folder.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        p.waitFor(30, TimeUnit.SECONDS);
        return new String(out, StandardCharsets.UTF_8);
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    /** The {@code n}th indented block of README.md's section "Try the national uplink", one command a line. */
    static List<String> block(int n) throws IOException {
        List<String> readme = Files.readAllLines(Path.of("..", "README.md"));
        int section = readme.indexOf("## Try the national uplink");
        assertThat(section).as("README.md has a section 'Try the national uplink'").isNotNegative();
        List<List<String>> blocks = new ArrayList<>();
        List<String> current = null;
        for (String line : readme.subList(section + 1, readme.size())) {
            if (line.startsWith("## ")) {
                break;
            }
            if (line.startsWith("    ")) {
                if (current == null) {
                    current = new ArrayList<>();
                    blocks.add(current);
                }
                current.add(line.substring(4));
            } else {
                current = null;
            }
        }
        assertThat(blocks.size()).as("indented blocks of 'Try the national uplink'").isGreaterThan(n);
        return blocks.get(n);
    }
}

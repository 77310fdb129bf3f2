package energyhub.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.StandardEnvironment;

/**
 * deployment/container/Containerfile, checked without a container engine (none runs here or in CI):
 * its instructions are parsed and held against the settings the hub really has (application.yml,
 * application-prod.yml), so a changed port, probe path or folder cannot leave the image behind.
 */
class ContainerfileTest {

    static final Path CONTAINERFILE = Path.of("container/Containerfile");
    static final Path HEALTH_CHECK = Path.of("container/HealthCheck.java");
    private static final Path DOCKERIGNORE = Path.of("../.dockerignore");

    /** One instruction: keyword and arguments, continuation lines joined. */
    record Instruction(String keyword, String args) {
    }

    private static List<Instruction> instructions;
    private static StandardEnvironment defaults;
    private static StandardEnvironment production;

    @BeforeAll
    static void read() throws IOException {
        instructions = parse(Files.readAllLines(CONTAINERFILE));
        defaults = DeploymentSettings.defaults();
        production = DeploymentSettings.production();
    }

    static List<Instruction> parse(List<String> lines) {
        List<Instruction> result = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.startsWith("#") || (line.isEmpty() && current.isEmpty())) {
                continue; // comments (also between continuation lines) and blank lines
            }
            boolean continues = line.endsWith("\\");
            current.append(continues ? line.substring(0, line.length() - 1) : line).append(' ');
            if (!continues) {
                String text = current.toString().strip();
                int space = text.indexOf(' ');
                result.add(new Instruction(text.substring(0, space).toUpperCase(), text.substring(space + 1).strip()));
                current.setLength(0);
            }
        }
        assertThat(current.toString()).as("a continuation line without its end").isBlank();
        return result;
    }

    /** The instructions of the last stage (after the last FROM). */
    private static List<Instruction> finalStage() {
        int last = 0;
        for (int i = 0; i < instructions.size(); i++) {
            if (instructions.get(i).keyword().equals("FROM")) {
                last = i;
            }
        }
        return instructions.subList(last, instructions.size());
    }

    private static List<Instruction> all(List<Instruction> in, String keyword) {
        return in.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    @Test
    void aBuildStageMakesTheJarWithMavenAndJdk17AndTheRuntimeIsAJre17() {
        List<Instruction> froms = all(instructions, "FROM");
        assertThat(froms).as("multi-stage: a build stage and a runtime stage").hasSizeGreaterThanOrEqualTo(2);
        Matcher build = Pattern.compile("(\\S+)\\s+AS\\s+(\\S+)", Pattern.CASE_INSENSITIVE).matcher(froms.get(0).args());
        assertThat(build.matches()).as("the build stage is named: %s", froms.get(0)).isTrue();
        assertThat(image(build.group(1))).contains("maven").contains("17");
        String runtime = image(froms.get(froms.size() - 1).args());
        assertThat(runtime).contains("17-jre").doesNotContain("jdk");

        List<Instruction> buildStage = instructions.subList(0, instructions.indexOf(froms.get(1)));
        assertThat(all(buildStage, "RUN")).as("the build stage runs Maven's package")
                .anySatisfy(run -> assertThat(run.args()).contains("mvn -B").contains("-DskipTests").contains("package"));

        List<Instruction> copies = all(finalStage(), "COPY");
        assertThat(copies).as("the runtime stage copies the health check's classes, nothing else (the jar is mounted "
                        + "for the step that extracts it: theImageStartsFromAClassDataSharingArchiveMadeByItsOwnJvm)")
                .hasSize(1).allSatisfy(c -> assertThat(c.args()).startsWith("--from=" + build.group(2) + " "));
        // all of javac's output folder (HealthCheck has an inner class), to the folder HEALTHCHECK's -cp names
        Instruction javac = all(buildStage, "RUN").stream().filter(run -> run.args().startsWith("javac ")).findFirst()
                .orElseThrow(() -> new AssertionError("the build stage compiles the health check"));
        assertThat(javac.args()).contains("deployment/container/HealthCheck.java");
        Matcher out = Pattern.compile("-d (\\S+)").matcher(javac.args());
        assertThat(out.find()).isTrue();
        String[] copy = copies.get(0).args().split("\\s+");
        assertThat(Path.of(copy[1])).isEqualTo(Path.of(out.group(1)));
        assertThat(all(finalStage(), "HEALTHCHECK").get(0).args())
                .contains("\"-cp\", \"" + Path.of(copy[2]) + "\", \"HealthCheck\"");
    }

    /**
     * Every base image is pinned by digest: written as image@sha256:..., or as ${IMAGE}@${DIGEST} with build
     * arguments whose digest argument has no default but a sha256 value (so a build without it fails at FROM
     * rather than taking whatever the tag points at that day).
     */
    @Test
    void everyBaseImageIsPinnedByDigest() {
        Map<String, String> args = buildArguments();
        for (Instruction from : all(instructions, "FROM")) {
            String reference = from.args().split("\\s+")[0];
            Matcher pinned = Pattern.compile("(.+)@(sha256:[0-9a-f]{64}|\\$\\{(\\w+)\\})").matcher(reference);
            assertThat(pinned.matches()).as("%s names a digest", from).isTrue();
            if (pinned.group(3) != null) {
                String digestArgument = pinned.group(3);
                assertThat(args).as("ARG %s is declared before the first FROM", digestArgument).containsKey(digestArgument);
                assertThat(args.get(digestArgument)).as("ARG %s has no default: each build names its digest",
                        digestArgument).isNull();
            }
            assertThat(image(reference)).as("%s names a tag as well, for the reader", from).containsPattern(":[\\w.-]+$");
        }
        String text = read(CONTAINERFILE);
        assertThat(text).as("the Containerfile says how to find the digests").contains("skopeo inspect")
                .contains("--build-arg BUILD_IMAGE_DIGEST=sha256:").contains("--build-arg RUNTIME_IMAGE_DIGEST=sha256:");
    }

    /** ARGs before the first FROM: name -> default (null without one). */
    private static Map<String, String> buildArguments() {
        Map<String, String> args = new java.util.HashMap<>();
        for (Instruction i : instructions) {
            if (i.keyword().equals("FROM")) {
                break;
            }
            if (i.keyword().equals("ARG")) {
                String[] nameValue = i.args().split("=", 2);
                args.put(nameValue[0].strip(), nameValue.length == 2 ? nameValue[1].strip() : null);
            }
        }
        return args;
    }

    /** The image a FROM names, with ${ARG} defaults put in and without its digest. */
    private static String image(String reference) {
        String image = reference.split("@")[0];
        for (var arg : buildArguments().entrySet()) {
            image = image.replace("${" + arg.getKey() + "}", String.valueOf(arg.getValue()));
        }
        return image;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theHubRunsAsAFixedNumericUserThatIsNotRoot() {
        List<Instruction> users = all(finalStage(), "USER");
        assertThat(users).isNotEmpty();
        String user = users.get(users.size() - 1).args();
        assertThat(user).matches("\\d+(:\\d+)?");
        assertThat(Integer.parseInt(user.split(":")[0])).isPositive();
        int userAt = finalStage().indexOf(users.get(users.size() - 1));
        assertThat(finalStage().subList(userAt, finalStage().size())).as("nothing after USER runs as root")
                .noneMatch(i -> i.keyword().equals("RUN"));
    }

    @Test
    void theHealthCheckAsksTheActuatorProbesOnTheHttpPort() {
        assertThat(defaults.getProperty("management.endpoint.health.probes.enabled")).isEqualTo("true");
        List<Instruction> checks = all(finalStage(), "HEALTHCHECK");
        assertThat(checks).hasSize(1);
        String check = checks.get(0).args();
        assertThat(check).contains("CMD [\"java\"").contains("\"-cp\", \"/opt/exchange-hub/healthcheck\", \"HealthCheck\"]")
                .containsPattern("--start-period=\\d+s");
        // the class asks both probes on the configured port (HealthCheckProgramTest runs it)
        String source = read(HEALTH_CHECK);
        assertThat(source).contains("\"SERVER_PORT\", \"" + defaults.getProperty("server.port") + "\"")
                .contains("\"liveness\", \"readiness\"").contains("\"/actuator/health/\"");
        // and nothing is installed for it: no curl (nor anything else) in the runtime image
        assertThat(all(finalStage(), "RUN")).noneMatch(run -> run.args().contains("apt-get") || run.args().contains("curl"));
        assertThat(finalStage()).noneMatch(i -> i.args().contains("curl"));
    }

    @Test
    void theExposedPortsAreTheConfiguredOnes() {
        List<String> exposed = all(finalStage(), "EXPOSE").stream()
                .flatMap(i -> Arrays.stream(i.args().split("\\s+"))).map(p -> p.replace("/tcp", "")).toList();
        assertThat(exposed).containsExactlyInAnyOrder(defaults.getProperty("server.port"),
                defaults.getProperty("hub.tcp.port"), defaults.getProperty("hub.broker.port"));
    }

    @Test
    void theDataDirectoryAndTheGatesFoldersAreVolumes() throws IOException {
        String volumes = all(finalStage(), "VOLUME").stream().map(Instruction::args).reduce("", String::concat);
        List<String> declared = Pattern.compile("\"([^\"]+)\"").matcher(volumes).results().map(m -> m.group(1)).toList();
        for (String setting : List.of("hub.data-dir", "hub.ferry.inbox", "hub.ferry.outbox")) {
            assertThat(declared).as("%s of application-prod.yml is a volume", setting)
                    .contains(production.getProperty(setting));
        }
        assertThat(env()).as("the image's data directory is the production profile's")
                .containsEntry("HUB_DATA_DIR", production.getProperty("hub.data-dir"));
        Map<String, String> folders = DeploymentSettings.writableFolders(
                DeploymentSettings.environment(Map.of("HUB_DATA_DIR", env().get("HUB_DATA_DIR"))));
        folders.forEach((setting, folder) -> assertThat(declared).as("%s = %s lies in a volume", setting, folder)
                .anySatisfy(v -> assertThat(Path.of(folder)).startsWithRaw(Path.of(v))));
    }

    @Test
    void theJvmSizesItsHeapFromTheContainerAndStartsAsPidOne() {
        String javaOpts = env().get("JAVA_OPTS");
        assertThat(javaOpts).contains("-XX:MaxRAMPercentage=").contains("-XX:+ExitOnOutOfMemoryError")
                .doesNotContain("-Xmx");
        List<Instruction> entry = all(finalStage(), "ENTRYPOINT");
        assertThat(entry).hasSize(1);
        assertThat(entry.get(0).args()).startsWith("[") // exec form: no shell left between the engine and java
                .contains("\"exec java $JAVA_OPTS ")
                .contains("--spring.config.additional-location=optional:file:" + configDirectory());
    }

    /**
     * The image starts in the time measured with a class-data-sharing archive (docs/benchmarks.md), not the slow
     * way: the runtime stage extracts the jar and records the archive with deployment/bin/cds-archive.sh, and the
     * entry point starts that jar with that archive. The archive is valid only for the JVM that made it, so it
     * is made in the runtime stage (by the image's own JVM), never in the build stage (a JDK of another image).
     */
    @Test
    void theImageStartsFromAClassDataSharingArchiveMadeByItsOwnJvm() {
        String entry = all(finalStage(), "ENTRYPOINT").get(0).args();
        Matcher start = Pattern.compile("exec java \\$JAVA_OPTS -XX:SharedArchiveFile=(\\S+)/exchange-hub\\.jsa -Xshare:auto "
                + "-jar (\\S+)/exchange-hub\\.jar ").matcher(entry);
        assertThat(start.find()).as("the entry point starts the extracted jar with its archive: %s", entry).isTrue();
        String app = start.group(1);
        assertThat(start.group(2)).as("the jar beside its archive").isEqualTo(app);
        assertThat(env().get("JAVA_OPTS")).as("the archive is the entry point's, not in JAVA_OPTS (a deployment replaces "
                + "those)").doesNotContain("Xshare").doesNotContain("SharedArchiveFile");

        List<Instruction> runs = all(finalStage(), "RUN").stream().filter(r -> r.args().contains("cds-archive.sh")).toList();
        assertThat(runs).as("the runtime stage runs deployment/bin/cds-archive.sh").hasSize(1);
        String run = runs.get(0).args();
        String build = Pattern.compile("(\\S+)\\s+AS\\s+(\\S+)", Pattern.CASE_INSENSITIVE)
                .matcher(all(instructions, "FROM").get(0).args()).results().findFirst().orElseThrow().group(2);
        Matcher jar = Pattern.compile("--mount=type=bind,from=" + build + ",source=/src/deployment/target/exchange-hub\\.jar,"
                + "target=(\\S+)").matcher(run);
        Matcher script = Pattern.compile("--mount=type=bind,from=" + build + ",source=/src/deployment/bin/cds-archive\\.sh,"
                + "target=(\\S+)").matcher(run);
        assertThat(jar.find()).as("the build stage's runnable jar is mounted for the step: %s", run).isTrue();
        assertThat(script.find()).as("the script is mounted for the step: %s", run).isTrue();
        assertThat(run).as("the script extracts that jar next to the archive the entry point names")
                .endsWith("bash " + script.group(1) + " " + jar.group(1) + " " + app)
                // the training start's data directory, PostgreSQL binaries and Tomcat work folder are under /tmp
                .contains("--mount=type=tmpfs,target=/tmp");
        assertThat(read(Path.of("bin/cds-archive.sh"))).contains("mktemp -d /tmp/")
                .contains("-XX:ArchiveClassesAtExit=\"$DEST/exchange-hub.jsa\"")
                .contains("--destination \"$DEST\" --application-filename exchange-hub.jar");

        List<Instruction> buildStage = instructions.subList(0, instructions.indexOf(all(instructions, "FROM").get(1)));
        assertThat(buildStage).as("no archive is made by the build stage's JDK")
                .noneMatch(i -> i.args().contains("cds-archive") || i.args().contains("ArchiveClassesAtExit"));
    }

    @Test
    void theBuildContextLeavesOutBuildOutputAndDataDirectories() throws IOException {
        List<String> ignored = Files.readAllLines(DOCKERIGNORE).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        // a data directory can hold dev-secrets.properties, an embedded database and a broker journal
        assertThat(ignored).contains("**/target/", "data/", "**/data/", ".git/");
    }

    /** The folder the image reads profile files from (the Kubernetes ConfigMap is mounted there). */
    static String configDirectory() {
        Matcher m = Pattern.compile("additional-location=optional:file:(\\S+?/)[\\s\"]")
                .matcher(all(finalStage(), "ENTRYPOINT").get(0).args());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    /** The numeric user the image runs as. */
    static long uid() {
        List<Instruction> users = all(finalStage(), "USER");
        return Long.parseLong(users.get(users.size() - 1).args().split(":")[0]);
    }

    /** ENV of the runtime stage (NAME=value, value possibly quoted). */
    static Map<String, String> env() {
        Map<String, String> env = new java.util.TreeMap<>();
        for (Instruction i : all(finalStage(), "ENV")) {
            Matcher m = Pattern.compile("(\\w+)=(\"[^\"]*\"|\\S+)").matcher(i.args());
            while (m.find()) {
                env.put(m.group(1), m.group(2).replaceAll("^\"|\"$", ""));
            }
        }
        return env;
    }

    static void ensureRead() throws IOException {
        if (instructions == null) {
            read();
        }
    }
}

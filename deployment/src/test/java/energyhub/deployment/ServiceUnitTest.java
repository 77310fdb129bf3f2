package energyhub.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.FileSystemResource;

/**
 * The systemd unit (deployment/service/exchange-hub.service) runs the hub with ProtectSystem=strict:
 * the hub can write only under ReadWritePaths. Every folder application-prod.yml gives the hub to
 * write in must be there, or the hub cannot archive packages or write ACKs under that unit.
 */
class ServiceUnitTest {

    private static final Path UNIT = Path.of("service/exchange-hub.service");
    /** Settings that name files the hub only reads (read-only under ProtectSystem=strict is enough). */
    private static final List<String> READ_ONLY = DeploymentSettings.READ_ONLY;

    @Test
    void everyFolderOfTheProductionProfileIsWritableUnderTheUnit() throws IOException {
        List<Path> writable = Arrays.stream(directive("ReadWritePaths").split("\\s+")).map(Path::of).toList();
        assertThat(directive("ProtectSystem")).isEqualTo("strict");

        Map<String, String> folders = productionFolders();
        assertThat(folders).containsKeys("hub.data-dir", "hub.ferry.inbox", "hub.ferry.outbox", "hub.ferry.archive",
                "hub.ferry.quarantine", "hub.ferry.work", "hub.supplier.data-dir");
        folders.forEach((setting, folder) -> assertThat(writable)
                .as("%s = %s is writable under the unit's ReadWritePaths %s", setting, folder, writable)
                .anySatisfy(w -> assertThat(Path.of(folder).normalize()).startsWithRaw(w)));
    }

    @Test
    void theFoldersDerivedFromTheDataDirectoryAreWritableToo() throws IOException {
        // not configured one by one in application-prod.yml: under hub.data-dir unless set (FerryConfiguration,
        // SupplierConfiguration, BrokerConfiguration, EmbeddedDatabaseConfiguration)
        List<Path> writable = Arrays.stream(directive("ReadWritePaths").split("\\s+")).map(Path::of).toList();
        String dataDir = DeploymentSettings.production().getProperty("hub.data-dir");
        for (String derived : List.of("broker", "postgres", "ferry/archive", "ferry/quarantine", "ferry/work", "suppliers")) {
            Path folder = Path.of(dataDir, derived);
            assertThat(writable).as("%s is writable under the unit", folder)
                    .anySatisfy(w -> assertThat(folder).startsWithRaw(w));
        }
        assertThat(DeploymentSettings.production().getProperty("hub.broker.data-dir")).as("the journal's default place")
                .isEmpty();
    }

    @Test
    void everySecretTheProductionProfileReadsFromTheEnvironmentIsNamedForTheEnvironmentFile() throws IOException {
        assertThat(directive("EnvironmentFile")).isEqualTo("/etc/exchange-hub/secrets.env");
        String unit = Files.readString(UNIT);
        Matcher m = Pattern.compile("\\$\\{([A-Z0-9_]+)\\}").matcher(Files.readString(DeploymentSettings.PROD_YML));
        List<String> variables = new ArrayList<>();
        while (m.find()) {
            variables.add(m.group(1));
        }
        assertThat(variables).isNotEmpty().allSatisfy(v -> assertThat(unit)
                .as("the unit's comment above EnvironmentFile names %s (set in secrets.env)", v).contains(v));
    }

    @Test
    void theUnitPassesSystemdAnalyzeVerify() throws Exception {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        assumeTrue(Files.isExecutable(analyze), "systemd-analyze is not installed");
        Path copy = Files.createTempDirectory("unit").resolve("exchange-hub.service");
        Files.copy(UNIT, copy);
        Process p = new ProcessBuilder(analyze.toString(), "verify", copy.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).as("systemd-analyze's complaints").doesNotContain("exchange-hub.service:");
    }

    /**
     * The sandbox, as systemd itself rates it: `systemd-analyze security` scores a unit's exposure from 0 (safe)
     * to 10 (unsafe); below 5.0 is "OK" (2026: the unit before hardening was 8.5 EXPOSED).
     */
    @Test
    void systemdRatesTheUnitsSandboxOkOrBetter() throws Exception {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        assumeTrue(Files.isExecutable(analyze), "systemd-analyze is not installed (Debian package systemd; .ci/run "
                + "installs it): the unit's exposure is NOT checked");
        Path copy = Files.createTempDirectory("unit").resolve("exchange-hub.service");
        Files.copy(UNIT, copy);
        Process p = new ProcessBuilder(analyze.toString(), "security", "--offline=true", "--no-pager", copy.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Matcher overall = Pattern.compile("Overall exposure level for exchange-hub\\.service: (\\d+\\.\\d) (\\w+)").matcher(out);
        assertThat(overall.find()).as(out).isTrue();
        assertThat(Double.parseDouble(overall.group(1))).as("exposure score; systemd-analyze says:%n%s", out).isLessThan(5.0);
        assertThat(overall.group(2)).isIn("OK", "SAFE");
    }

    @Test
    void theSandboxLeavesTheJvmWhatItNeeds() throws IOException {
        // the JIT compiler writes the code it then runs: MemoryDenyWriteExecute would stop the JVM
        assertThat(Files.readAllLines(UNIT)).noneMatch(l -> l.matches("MemoryDenyWriteExecute\\s*=\\s*(true|yes|1)"));
        // /proc/stat, /proc/net and /proc/mounts: CPU metrics, IPv6 and the embedded broker's disk monitor
        assertThat(Files.readAllLines(UNIT)).noneMatch(l -> l.startsWith("ProcSubset="));
        // no capability is needed: every port the hub opens is above 1024
        assertThat(directive("CapabilityBoundingSet")).isEmpty();
        for (String port : List.of("server.port", "hub.tcp.port", "hub.broker.port")) {
            assertThat(Integer.parseInt(DeploymentSettings.production().getProperty(port))).as(port).isGreaterThan(1024);
        }
        assertThat(directive("SystemCallErrorNumber")).as("a call outside the filter fails, it does not kill the JVM")
                .isEqualTo("EPERM");
    }

    /**
     * The unit starts the hub in the time measured with a class-data-sharing archive (docs/benchmarks.md), not the
     * slow way: ExecStart runs the jar deployment/bin/cds-archive.sh extracted, with the archive it recorded
     * (-Xshare:auto: an archive the JVM cannot use only slows the start); the install steps run that script with
     * ExecStart's java (an archive is valid only for the JVM that made it); and a jar installed after the last
     * extraction (an upgrade without the script, which would leave the hub on the old build) stops the start.
     */
    @Test
    void theUnitStartsTheExtractedJarFromItsClassDataSharingArchive() throws IOException {
        String start = execStart();
        Matcher exec = Pattern.compile("^(\\S+) .*-XX:SharedArchiveFile=(\\S+)/exchange-hub\\.jsa -Xshare:auto "
                + "-jar (\\S+)/exchange-hub\\.jar ").matcher(start);
        assertThat(exec.find()).as("ExecStart starts the extracted jar with its archive: %s", start).isTrue();
        String java = exec.group(1);
        String app = exec.group(2);
        assertThat(exec.group(3)).as("the jar beside its archive").isEqualTo(app);

        String unit = Files.readString(UNIT);
        Matcher install = Pattern.compile("^#\\s+install .*deployment/bin/cds-archive\\.sh (\\S+)$", Pattern.MULTILINE)
                .matcher(unit);
        assertThat(install.find()).as("the install steps install cds-archive.sh").isTrue();
        Matcher run = Pattern.compile("^#\\s+JAVA=(\\S+) " + Pattern.quote(install.group(1)) + " (\\S+) (\\S+)$",
                Pattern.MULTILINE).matcher(unit);
        assertThat(run.find()).as("the install steps run it").isTrue();
        assertThat(run.group(1)).as("with ExecStart's java").isEqualTo(java);
        assertThat(run.group(3)).as("into the folder ExecStart runs from").isEqualTo(app);
        String jar = run.group(2);
        assertThat(unit).contains("install -D -o root -g root -m 644 deployment/target/exchange-hub.jar " + jar);
        assertThat(run.results().count()).as("once more, for every upgrade").isEqualTo(1);

        assertThat(directive("ExecStartPre")).as("a jar newer than its extraction stops the start")
                .contains("[ " + jar + " -nt " + app + "/exchange-hub.jar ]").contains("exit 1");
        assertThat(read(Path.of("bin/cds-archive.sh"))).contains("JAVA=${JAVA:-java}")
                .contains("\"$JAVA\" -XX:ArchiveClassesAtExit=\"$DEST/exchange-hub.jsa\"")
                .contains("--destination \"$DEST\" --application-filename exchange-hub.jar");
    }

    /** ExecStart, its continuation lines joined. */
    static String execStart() throws IOException {
        StringBuilder start = new StringBuilder();
        boolean in = false;
        for (String line : Files.readAllLines(UNIT)) {
            if (line.startsWith("ExecStart=")) {
                in = true;
                line = line.substring("ExecStart=".length());
            }
            if (in) {
                boolean continues = line.endsWith("\\");
                start.append(continues ? line.substring(0, line.length() - 1) : line).append(' ');
                if (!continues) {
                    break;
                }
            }
        }
        return start.toString().replaceAll("\\s+", " ").strip();
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file);
    }

    /** The absolute folders the hub writes in with application.yml under application-prod.yml. */
    private static Map<String, String> productionFolders() throws IOException {
        StandardEnvironment env = new StandardEnvironment();
        env.setIgnoreUnresolvableNestedPlaceholders(true); // secrets come from the environment
        YamlPropertySourceLoader yaml = new YamlPropertySourceLoader();
        List<PropertySource<?>> sources = new ArrayList<>();
        sources.addAll(yaml.load("prod", new FileSystemResource("config/application-prod.yml")));
        sources.addAll(yaml.load("defaults", new FileSystemResource("src/main/resources/application.yml")));
        sources.forEach(env.getPropertySources()::addLast);
        Map<String, String> folders = new TreeMap<>();
        for (PropertySource<?> source : sources) {
            for (String name : ((EnumerablePropertySource<?>) source).getPropertyNames()) {
                String value = env.getProperty(name);
                if (name.startsWith("hub.") && value != null && value.startsWith("/")
                        && READ_ONLY.stream().noneMatch(name::endsWith)
                        && !name.startsWith(DeploymentSettings.URL_PATHS)) {
                    folders.putIfAbsent(name, value);
                }
            }
        }
        return folders;
    }

    private static String directive(String name) throws IOException {
        return Files.readAllLines(UNIT).stream().filter(l -> l.startsWith(name + "=")).findFirst()
                .map(l -> l.substring(name.length() + 1).trim()).orElseThrow();
    }
}

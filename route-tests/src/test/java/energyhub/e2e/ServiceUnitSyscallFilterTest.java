package energyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import energyhub.e2e.support.ExactlyOnce;
import energyhub.e2e.support.FerryPackage;
import energyhub.e2e.support.FreePort;
import energyhub.e2e.support.HubProcess;
import energyhub.e2e.support.ProductionProfile;
import energyhub.e2e.support.RunningHub;
import energyhub.e2e.support.TestDatabase;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The systemd unit (deployment/service/exchange-hub.service) filters the hub's system calls
 * (SystemCallFilter) and socket families (RestrictAddressFamilies). No systemd runs here to start the
 * unit itself, so the packaged hub runs as the unit runs it (production profile, HTTPS cockpit, external
 * broker and database) under strace while it starts, takes a ferry package and answers it, serves the
 * cockpit and stops; every system call and socket family it used must be one the unit allows, as
 * {@code systemd-analyze syscall-filter} expands the unit's groups. A call outside would fail with EPERM
 * under the unit (SystemCallErrorNumber), so a newer JDK, Netty or driver needing one shows up here. The JVM
 * starts with ExecStart's options, from the extracted jar and its class-data-sharing archive, prepared by
 * deployment/bin/cds-archive.sh as the unit's install steps do (the archive must map: -Xshare:on).
 */
class ServiceUnitSyscallFilterTest {

    private static final Path UNIT = Path.of(System.getProperty("hub.config.dir", "../deployment/config"))
            .resolveSibling("service").resolve("exchange-hub.service");
    private static final Path STRACE = Path.of("/usr/bin/strace");
    private static final Path ANALYZE = Path.of("/usr/bin/systemd-analyze");
    private static final Pattern CALL = Pattern.compile("^\\d+\\s+([a-z0-9_]+)\\(");
    private static final Pattern SOCKET = Pattern.compile("^\\d+\\s+socket\\((AF_[A-Z0-9]+)");

    @Test
    void theHubMakesOnlySystemCallsTheUnitAllows() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(STRACE), "strace is not installed (.ci/run installs it): the unit's "
                + "system-call filter is NOT checked against the hub");
        Assumptions.assumeTrue(Files.isExecutable(ANALYZE), "systemd-analyze is not installed (.ci/run installs it): "
                + "the unit's system-call filter is NOT checked against the hub");
        String database = TestDatabase.create().orElse(null);
        Assumptions.assumeTrue(database != null, "needs the PostgreSQL at 127.0.0.1:5432");

        Path dir = RunningHub.tempDir("hub-syscalls");
        Path trace = dir.resolve("strace.txt");
        int brokerPort = FreePort.next();
        EmbeddedActiveMQ broker = new EmbeddedActiveMQ();
        broker.setConfiguration(new ConfigurationImpl().setName("syscall-filter").setPersistenceEnabled(false)
                .setSecurityEnabled(false).addAcceptorConfiguration("tcp", "tcp://127.0.0.1:" + brokerPort));
        broker.start();
        try {
            ProductionProfile.Certificate cockpit = ProductionProfile.Certificate.create(dir);
            Files.writeString(dir.resolve("users"), "");
            Map<String, String> env = ProductionProfile.environment("tcp://127.0.0.1:" + brokerPort
                    + "?reconnectAttempts=-1", "syscall-filter", database, dir.resolve("users"), "syscall-filter-key", cockpit);
            Path inbox = dir.resolve("inbound");
            Path outbox = dir.resolve("outbound");
            Map<String, String> props = ProductionProfile.properties(dir.resolve("data"), inbox, outbox);
            int port = FreePort.next();
            List<String> command = new ArrayList<>(List.of(STRACE.toString(), "-f", "-qq", "-o", trace.toString()));
            command.addAll(unitJvm(dir.resolve("app")));
            command.add("--server.port=" + port);
            props.forEach((k, v) -> command.add("--" + k + "=" + v));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(HubProcess.logFile("syscall-filter"));
            builder.environment().putAll(env);
            Process strace = builder.start();
            try {
                HttpClient https = HttpClient.newBuilder().sslContext(cockpit.trust()).build();
                HttpRequest ready = HttpRequest.newBuilder(java.net.URI.create("https://127.0.0.1:" + port
                        + "/actuator/health/readiness")).timeout(Duration.ofSeconds(5)).build();
                await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                        .until(() -> https.send(ready, HttpResponse.BodyHandlers.ofString()).body().contains("\"UP\""));
                Files.createDirectories(inbox);
                FerryPackage.of().name("syscalls").records(FerryPackage.ENTERPRISE, 20).gzip()
                        .signedBy(ProductionProfile.EXCHANGE).dropInto(inbox); // the profile requires signatures
                await().atMost(Duration.ofSeconds(120)).until(() -> ExactlyOnce.acks(outbox) == 1);
                HttpRequest login = HttpRequest.newBuilder(java.net.URI.create("https://127.0.0.1:" + port + "/login"))
                        .timeout(Duration.ofSeconds(10)).build();
                assertThat(https.send(login, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            } finally {
                // SIGTERM to the JVM (strace's child): the graceful stop is traced too
                strace.children().forEach(ProcessHandle::destroy);
                if (!strace.waitFor(120, TimeUnit.SECONDS)) {
                    strace.descendants().forEach(ProcessHandle::destroyForcibly);
                    strace.destroyForcibly();
                }
            }
        } finally {
            broker.stop();
        }

        Set<String> calls = new TreeSet<>();
        Set<String> families = new TreeSet<>();
        for (String line : Files.readAllLines(trace, StandardCharsets.UTF_8)) {
            Matcher call = CALL.matcher(line);
            if (call.find()) {
                calls.add(call.group(1));
            }
            Matcher socket = SOCKET.matcher(line);
            if (socket.find()) {
                families.add(socket.group(1));
            }
        }
        assertThat(calls).as("the trace holds the hub's calls").contains("socket", "connect", "openat", "futex");

        Set<String> allowed = allowedCalls();
        Set<String> outside = new TreeSet<>(calls);
        outside.removeAll(allowed);
        assertThat(outside).as("system calls the hub made that the unit's SystemCallFilter refuses (EPERM); "
                + "the trace is %s", trace).isEmpty();
        assertThat(families).as("socket families the hub opened").isNotEmpty()
                .isSubsetOf(Arrays.asList(directives("RestrictAddressFamilies").get(0).split("\\s+")));
        org.springframework.util.FileSystemUtils.deleteRecursively(dir);
    }

    /**
     * ExecStart's java command up to and with its jar, for a hub in APP: the jar extracted there with its archive
     * by deployment/bin/cds-archive.sh (with this JVM), the unit's folder of both replaced by APP, its heap by a
     * test's, and -Xshare:on last, so that the traced start is one from the archive, as the unit's is.
     */
    private static List<String> unitJvm(Path app) throws Exception {
        // ExecStart= and its continuation lines (ending in a backslash)
        String unit = Files.readString(UNIT).replaceAll("\\\\\n", " ");
        Matcher start = Pattern.compile("^ExecStart=(.+)$", Pattern.MULTILINE).matcher(unit);
        assertThat(start.find()).as("ExecStart in %s", UNIT).isTrue();
        List<String> exec = Arrays.asList(start.group(1).strip().split("\\s+"));
        int jar = exec.indexOf("-jar");
        assertThat(jar).as("ExecStart runs a jar: %s", exec).isPositive();
        Path unitApp = Path.of(exec.get(jar + 1)).getParent();
        assertThat(exec.subList(1, jar)).as("ExecStart starts from the archive beside its jar")
                .contains("-XX:SharedArchiveFile=" + unitApp.resolve("exchange-hub.jsa"), "-Xshare:auto");

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path script = UNIT.getParent().resolveSibling("bin").resolve("cds-archive.sh");
        ProcessBuilder prepare = new ProcessBuilder("bash", script.toString(), Path.of(System.getProperty("hub.jar",
                "../deployment/target/exchange-hub.jar")).toAbsolutePath().toString(), app.toString())
                .redirectErrorStream(true).redirectOutput(HubProcess.logFile("syscall-filter-cds"));
        prepare.environment().put("JAVA", java);
        Process p = prepare.start();
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("cds-archive.sh within 5 minutes").isTrue();
        assertThat(p.exitValue()).as("cds-archive.sh, see its log syscall-filter-cds").isZero();

        List<String> jvm = new ArrayList<>(List.of(java, "-Xmx384m"));
        for (String option : exec.subList(1, jar)) {
            if (!option.startsWith("-Xms") && !option.startsWith("-Xmx")) {
                jvm.add(option.replace(unitApp + "/", app + "/"));
            }
        }
        jvm.addAll(List.of("-Xshare:on", "-jar", app.resolve(Path.of(exec.get(jar + 1)).getFileName()).toString()));
        return jvm;
    }

    /** The calls the unit's SystemCallFilter lines allow: the first an allow list, a line with ~ a deny list. */
    private static Set<String> allowedCalls() throws Exception {
        Set<String> allowed = new TreeSet<>();
        boolean first = true;
        for (String filter : directives("SystemCallFilter")) {
            boolean deny = filter.startsWith("~");
            Set<String> named = new TreeSet<>();
            for (String item : filter.replaceFirst("^~", "").split("\\s+")) {
                named.addAll(expand(item, new HashMap<>()));
            }
            if (deny) {
                allowed.removeAll(named);
            } else {
                assertThat(first).as("one allow list, then deny lists").isTrue();
                allowed.addAll(named);
            }
            first = false;
        }
        assertThat(allowed).as("the filter allows the basics").contains("read", "write", "futex");
        return allowed;
    }

    /** A group (@name) as systemd-analyze lists it, its nested groups expanded; a plain name as itself. */
    private static Set<String> expand(String item, Map<String, Set<String>> cache) throws Exception {
        if (!item.startsWith("@")) {
            return Set.of(item);
        }
        if (cache.containsKey(item)) {
            return cache.get(item);
        }
        Process p = new ProcessBuilder(ANALYZE.toString(), "syscall-filter", "--no-pager", item).redirectErrorStream(true).start();
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("systemd-analyze syscall-filter %s: %s", item, lines).isZero();
        Set<String> calls = new TreeSet<>();
        for (String line : lines.subList(1, lines.size())) {
            String name = line.strip();
            if (!name.isEmpty() && !name.startsWith("#")) {
                calls.addAll(expand(name, cache));
            }
        }
        cache.put(item, calls);
        return calls;
    }

    private static List<String> directives(String name) throws Exception {
        List<String> values = Files.readAllLines(UNIT).stream().filter(l -> l.startsWith(name + "="))
                .map(l -> l.substring(name.length() + 1).strip()).toList();
        assertThat(values).as("%s in %s", name, UNIT).isNotEmpty();
        return values;
    }
}

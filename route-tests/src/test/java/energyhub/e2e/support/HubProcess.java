package energyhub.e2e.support;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * The packaged hub ({@code deployment/target/exchange-hub.jar}) as a process of its own, as it
 * runs in production, so a test can kill it with SIGKILL and start it again on the same data.
 */
public final class HubProcess implements AutoCloseable {

    private final Process process;
    private final int httpPort;
    private final String scheme;
    private final HttpClient http;

    private HubProcess(Process process, int httpPort, SSLContext tls) {
        this.process = process;
        this.httpPort = httpPort;
        this.scheme = tls == null ? "http" : "https";
        this.http = tls == null ? HttpClient.newHttpClient() : HttpClient.newBuilder().sslContext(tls).build();
    }

    public static HubProcess start(Map<String, String> properties, Path log) throws Exception {
        return start(properties, Map.of(), log);
    }

    /** Starts the hub with these arguments and these environment variables (the production profile's secrets). */
    public static HubProcess start(Map<String, String> properties, Map<String, String> environment, Path log)
            throws Exception {
        return start(properties, environment, List.of("-Xmx384m"), log);
    }

    /** Starts the hub with these JVM options (e.g. the heap and out-of-memory policy of its systemd unit). */
    public static HubProcess start(Map<String, String> properties, Map<String, String> environment,
            List<String> jvmOptions, Path log) throws Exception {
        return startWith(properties, environment, jvmOptions, log, null, null);
    }

    /**
     * Starts the hub whose web server speaks HTTPS (the production profile): {@code tls} is the client side,
     * trusting the hub's certificate; {@link #uri} and {@link #http} then speak HTTPS.
     */
    public static HubProcess start(Map<String, String> properties, Map<String, String> environment, Path log,
            SSLContext tls) throws Exception {
        return startWith(properties, environment, List.of("-Xmx384m"), log, tls, null);
    }

    /**
     * Starts the hub in {@code workingDir} (null: the test's own), as an operator starts it in a folder:
     * its relative paths (the default hub.data-dir ./data) are under that folder.
     */
    public static HubProcess start(Map<String, String> properties, Map<String, String> environment, Path log,
            Path workingDir) throws Exception {
        return startWith(properties, environment, List.of("-Xmx384m"), log, null, workingDir);
    }

    private static HubProcess startWith(Map<String, String> properties, Map<String, String> environment,
            List<String> jvmOptions, Path log, SSLContext tls, Path workingDir) throws Exception {
        HubProcess hub = launch(properties, environment, jvmOptions, log, tls, workingDir);
        try {
            hub.awaitReady();
        } catch (RuntimeException | Error notReady) {
            hub.kill(); // a hub that never became ready must not outlive the test (it holds ports and its data directory)
            throw notReady;
        }
        return hub;
    }

    /** How a hub process that was expected to end ended: its exit code and its whole output. */
    public record Ended(int exitCode, List<String> output) {
    }

    /**
     * Starts the packaged hub expecting it to end by itself (a refusal to start) within {@code bound};
     * fails if it is still running then (and stops it).
     */
    public static Ended runExpectingExit(Map<String, String> properties, Path log, Duration bound) throws Exception {
        return runExpectingExit(properties, Map.of(), log, bound);
    }

    /** {@link #runExpectingExit(Map, Path, Duration)} with environment variables. */
    public static Ended runExpectingExit(Map<String, String> properties, Map<String, String> environment, Path log,
            Duration bound) throws Exception {
        Files.deleteIfExists(log);
        HubProcess hub = launch(properties, environment, List.of("-Xmx384m"), log, null, null);
        if (!hub.process.waitFor(bound.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            hub.process.destroyForcibly().waitFor();
            throw new AssertionError("the hub process did not end within " + bound + "; see " + log);
        }
        return new Ended(hub.process.exitValue(), Files.readAllLines(log));
    }

    /** The port of its web server (actuator, cockpit). */
    public int httpPort() {
        return httpPort;
    }

    /** A path of its web server, over HTTPS when it was started with TLS. */
    public URI uri(String path) {
        return URI.create(scheme + "://127.0.0.1:" + httpPort + path);
    }

    /** A client for its web server (trusting its certificate when it was started with TLS). */
    public HttpClient http() {
        return http;
    }

    public long pid() {
        return process.pid();
    }

    private static HubProcess launch(Map<String, String> properties, Map<String, String> environment,
            List<String> jvmOptions, Path log, SSLContext tls, Path workingDir) throws Exception {
        Path jar = Path.of(System.getProperty("hub.jar", "../deployment/target/exchange-hub.jar"));
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: the crash test runs the packaged hub, "
                    + "so run it with `mvn verify` (which packages deployment first)");
        }
        int httpPort = FreePort.next();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString(), "--server.port=" + httpPort));
        properties.forEach((k, v) -> command.add("--" + k + "=" + v));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        if (workingDir != null) {
            builder.directory(workingDir.toFile());
        }
        Process p = builder.start();
        return new HubProcess(p, httpPort, tls);
    }

    private void awaitReady() {
        HttpRequest ready = HttpRequest.newBuilder(uri("/actuator/health/readiness")).timeout(Duration.ofSeconds(2)).build();
        await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(500)).ignoreExceptions() // 2 cores shared with other builds
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("the hub process ended with " + process.exitValue());
                    }
                    return http.send(ready, HttpResponse.BodyHandlers.ofString()).body().contains("\"UP\"");
                });
    }

    /** Its threads as {@code jcmd Thread.print} shows them, for the log of a test that waited in vain. */
    public String threadDump() {
        try {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    String.valueOf(process.pid()), "Thread.print").redirectErrorStream(true).start();
            String out = new String(jcmd.getInputStream().readAllBytes());
            jcmd.waitFor();
            return out;
        } catch (Exception e) {
            return "no thread dump: " + e;
        }
    }

    /** Whether the process is still running (not ended, not killed). */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** kill -9: no shutdown hook, no graceful stop of Camel, Artemis or the database. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    public static File logFile(String name) throws Exception {
        Path dir = Path.of("target", "hub-process-logs");
        Files.createDirectories(dir);
        return dir.resolve(name + ".log").toFile();
    }
}

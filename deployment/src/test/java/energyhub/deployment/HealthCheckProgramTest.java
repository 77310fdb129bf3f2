package energyhub.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.tools.ToolProvider;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deployment/container/HealthCheck.java, the image's HEALTHCHECK (the runtime image has no curl), compiled as
 * the Containerfile's build stage does and run as the engine runs it, against stand-ins for the hub's probes.
 */
class HealthCheckProgramTest {

    @TempDir
    static Path dir;
    private static Path classes;
    private static SSLContext serverTls;

    @BeforeAll
    static void compile() throws Exception {
        classes = Files.createDirectories(dir.resolve("classes"));
        int javac = ToolProvider.getSystemJavaCompiler().run(null, null, null, "--release", "17", "-d",
                classes.toString(), ContainerfileTest.HEALTH_CHECK.toString());
        assertThat(javac).as("javac HealthCheck.java").isZero();
        Path store = StartupSettingsCheckTest.keyStore(dir, "health-check-test");
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keyStore.load(in, "health-check-test".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore, "health-check-test".toCharArray());
        serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);
    }

    @Test
    void healthyOverHttpsWithTheHubsOwnCertificate() throws Exception {
        HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(serverTls));
        Result result = against(https, Map.of("liveness", 200, "readiness", 200));
        assertThat(result.exit()).as(result.output()).isZero();
    }

    @Test
    void notReadyIsUnhealthyNamingTheProbe() throws Exception {
        HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(serverTls));
        Result result = against(https, Map.of("liveness", 200, "readiness", 503));
        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.output()).contains("/actuator/health/readiness answered HTTP 503");
    }

    @Test
    void aHubWithoutTlsIsAskedOverHttp() throws Exception {
        // the hub's own web server, Tomcat, with a plain HTTP connector (a profile without server.ssl):
        // it answers the TLS handshake in plain text, and the check asks again over HTTP
        assertThat(againstPlainTomcat(Map.of("liveness", 200, "readiness", 200)).exit()).isZero();
        Result down = againstPlainTomcat(Map.of("liveness", 503, "readiness", 200));
        assertThat(down.exit()).isEqualTo(1);
        assertThat(down.output()).contains("/actuator/health/liveness answered HTTP 503");
    }

    private static Result againstPlainTomcat(Map<String, Integer> statuses) throws Exception {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory(dir, "tomcat").toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", null);
        Tomcat.addServlet(context, "probes", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws java.io.IOException {
                String probe = request.getRequestURI().substring("/actuator/health/".length());
                response.setStatus(statuses.getOrDefault(probe, 404));
                response.getWriter().write("{}");
            }
        });
        context.addServletMappingDecoded("/actuator/health/*", "probes");
        tomcat.start();
        try {
            return run(connector.getLocalPort());
        } finally {
            tomcat.stop();
            tomcat.destroy();
        }
    }

    @Test
    void nothingListeningIsUnhealthy() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Result result = run(port);
        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.output()).contains("/actuator/health/liveness not answered");
    }

    private record Result(int exit, String output) {
    }

    /** Serves the probes with these statuses and runs the health check against them. */
    private static Result against(HttpServer server, Map<String, Integer> statuses) throws Exception {
        statuses.forEach((probe, status) -> server.createContext("/actuator/health/" + probe, exchange -> {
            byte[] body = (status == 200 ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        }));
        server.start();
        try {
            return run(server.getAddress().getPort());
        } finally {
            server.stop(0);
        }
    }

    /** The health check as the engine runs it: its own JVM, SERVER_PORT in the environment. */
    private static Result run(int port) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx16m", "-cp", classes.toString(), "HealthCheck"))
                .redirectErrorStream(true);
        builder.environment().put("SERVER_PORT", String.valueOf(port));
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }
}

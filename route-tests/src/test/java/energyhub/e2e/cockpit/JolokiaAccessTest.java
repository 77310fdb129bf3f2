package energyhub.e2e.cockpit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import energyhub.e2e.support.FerryPackage;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What viewers (the Prometheus scrape account is one) and anonymous callers can make Jolokia do, through
 * each of its three entry points, in every form a request can take: the {@code ?p=} parameter beside a
 * path, POST bodies, bulk requests hiding an action among reads, a JSR-160 {@code target}. Every action is
 * refused and, checked on the hub itself, not done: the route still runs, the platform's queue keeps its
 * messages, the attribute keeps its value, no heap dump is written, no connection is made. Some things are
 * refused to operators too (heap and thread dumps, actions over GET, proxy requests), and an exchange
 * server's password shows in nothing any account can read.
 */
class JolokiaAccessTest extends CockpitTest {

    private static final List<String> ENTRY_POINTS = List.of("/actuator/jolokia", "/actuator/hawtio/jolokia",
            "/artemis-console/jolokia");
    private static final String ROUTE = "org.apache.camel:context=exchange-hub,type=routes,name=\"quality-indicators\"";
    private static final String CONTEXT = "org.apache.camel:context=exchange-hub,type=context,name=\"exchange-hub\"";
    private static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();

    private String nationalQueue;

    @BeforeEach
    void somethingInTheNationalQueue() throws Exception {
        if (queueDepth() == 0) {
            awaitAck(FerryPackage.of().records(FerryPackage.ENTERPRISE, 3).dropInto(inbox()), "ACCEPTED");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> queueDepth() > 0);
    }

    @Test
    void viewersAndAnonymousCallersCanMakeJolokiaDoNothing() throws Exception {
        long depth = queueDepth();
        Path heapDump = outbox().resolve("heap.hprof");
        List<String> attacks = new ArrayList<>();
        ServerSocket rmi = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        String proxy = "{\"type\":\"read\",\"mbean\":\"java.lang:type=Memory\",\"target\":{\"url\":"
                + "\"service:jmx:rmi:///jndi/rmi://127.0.0.1:" + rmi.getLocalPort() + "/jmxrmi\"}}";
        for (String entry : ENTRY_POINTS) {
            for (String[] who : new String[][] {{VIEWER, VIEWER_PASSWORD}, {PROMETHEUS, PROMETHEUS_PASSWORD},
                    {null, null}}) {
                String as = entry + " as " + (who[0] == null ? "anonymous" : who[0]) + ": ";
                // Jolokia reads p only when the path is empty: this is an exec, whatever p says
                expectRefused(as + "exec with ?p=", get(entry + "/exec/" + path(ROUTE) + "/stop()?p=/version",
                        who[0], who[1]));
                expectRefused(as + "exec in p", get(entry + "?p=" + URLEncoder.encode("/exec/" + ROUTE + "/stop()",
                        StandardCharsets.UTF_8), who[0], who[1]));
                expectRefused(as + "exec by POST", post(entry, exec(ROUTE, "stop()"), who[0], who[1]));
                expectRefused(as + "bulk hiding an exec", post(entry, "[{\"type\":\"read\",\"mbean\":"
                        + "\"java.lang:type=Memory\"}," + exec(ROUTE, "stop()") + "]", who[0], who[1]));
                expectRefused(as + "write by POST", post(entry, "{\"type\":\"write\",\"mbean\":\"java.lang:type=Memory\","
                        + "\"attribute\":\"Verbose\",\"value\":true}", who[0], who[1]));
                expectRefused(as + "write by GET", get(entry + "/write/java.lang:type=Memory/Verbose/true", who[0], who[1]));
                expectRefused(as + "removeAllMessages", post(entry, exec(nationalQueue, "removeAllMessages()"),
                        who[0], who[1]));
                expectRefused(as + "dumpHeap", post(entry, "{\"type\":\"exec\",\"mbean\":"
                        + "\"com.sun.management:type=HotSpotDiagnostic\",\"operation\":\"dumpHeap\",\"arguments\":[\""
                        + heapDump + "\",true]}", who[0], who[1]));
                expectRefused(as + "a route dump", post(entry, exec(CONTEXT, "dumpRoutesAsXml()"), who[0], who[1]));
                expectRefused(as + "a route's dump", post(entry, exec(ROUTE, "dumpRouteAsXml()"), who[0], who[1]));
                expectRefused(as + "Hawtio's Quartz facade", post(entry, "{\"type\":\"exec\",\"mbean\":"
                        + "\"hawtio:type=QuartzFacade\",\"operation\":\"updateCronTrigger\",\"arguments\":[\"x\",\"y\",\"z\"]}",
                        who[0], who[1]));
                expectRefused(as + "a JSR-160 proxy target", post(entry, proxy, who[0], who[1]));
                attacks.add(as);
            }
        }
        assertThat(attacks).hasSize(9);
        rmi.setSoTimeout(200);
        try (rmi; var connection = rmi.accept()) {
            throw new AssertionError("the hub connected to the proxy target from " + connection.getRemoteSocketAddress());
        } catch (SocketTimeoutException e) {
            // nobody came: the hub made no connection on a caller's behalf
        }
        assertThat(camel.getRouteController().getRouteStatus("quality-indicators").isStarted())
                .as("the route nobody may stop").isTrue();
        assertThat(queueDepth()).as("the national platform's queue, not emptied").isEqualTo(depth);
        assertThat(ManagementFactory.getMemoryMXBean().isVerbose()).as("the attribute nobody may write").isFalse();
        assertThat(heapDump).doesNotExist();
        assertThat(jdbc.queryForObject("select count(*) from audit_event where actor in ('viewer', 'prometheus') "
                + "and action = 'ACCESS_DENIED' and subject like 'jolokia%'", Integer.class))
                .as("refusals audited").isGreaterThan(0);

        // what a viewer may still do: read, search, and the reporting operations the consoles need
        JsonNode state = json(post("/actuator/jolokia", "{\"type\":\"read\",\"mbean\":\"" + ROUTE.replace("\"", "\\\"")
                + "\",\"attribute\":\"State\"}", VIEWER, VIEWER_PASSWORD));
        assertThat(state.path("value").asText()).isEqualTo("Started");
        JsonNode stats = json(post("/actuator/jolokia", exec(CONTEXT, "dumpRoutesStatsAsXml(boolean,boolean)", "true",
                "true"), PROMETHEUS, PROMETHEUS_PASSWORD));
        assertThat(stats.path("status").asInt()).as(stats.toString()).isEqualTo(200);
        assertThat(stats.path("value").asText()).contains("quality-indicators");
        JsonNode count = json(post("/artemis-console/jolokia", exec(nationalQueue, "countMessages()"), VIEWER,
                VIEWER_PASSWORD));
        assertThat(count.path("value").asLong()).isEqualTo(depth);
    }

    @Test
    void operatorsActByPostOnlyAndNeverDumpTheHeapOrProxy() throws Exception {
        Path heapDump = outbox().resolve("operator-heap.hprof");
        expectRefused("dumpHeap as operator", post("/actuator/jolokia", "{\"type\":\"exec\",\"mbean\":"
                + "\"com.sun.management:type=HotSpotDiagnostic\",\"operation\":\"dumpHeap\",\"arguments\":[\""
                + heapDump + "\",true]}", OPERATOR, OPERATOR_PASSWORD));
        expectRefused("a thread dump as operator", post("/actuator/jolokia", exec("java.lang:type=Threading",
                "dumpAllThreads(boolean,boolean)", "true", "true"), OPERATOR, OPERATOR_PASSWORD));
        expectRefused("exec by GET as operator", get("/actuator/jolokia/exec/" + path(ROUTE) + "/stop()", OPERATOR,
                OPERATOR_PASSWORD));
        assertThat(heapDump).doesNotExist();
        assertThat(camel.getRouteController().getRouteStatus("quality-indicators").isStarted()).isTrue();
        // closed MBeans are not even listed
        assertThat(get("/actuator/jolokia/search/com.sun.management:*", OPERATOR, OPERATOR_PASSWORD).body())
                .doesNotContain("HotSpotDiagnostic");

        // a JSR-160 proxy request makes the hub connect nowhere
        try (ServerSocket rmi = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            String target = "{\"type\":\"read\",\"mbean\":\"java.lang:type=Memory\",\"target\":{\"url\":"
                    + "\"service:jmx:rmi:///jndi/rmi://127.0.0.1:" + rmi.getLocalPort() + "/jmxrmi\"}}";
            for (String entry : ENTRY_POINTS) {
                expectRefused(entry + " target as operator", post(entry, target, OPERATOR, OPERATOR_PASSWORD));
                expectRefused(entry + " target as viewer", post(entry, target, VIEWER, VIEWER_PASSWORD));
            }
            rmi.setSoTimeout(200);
            boolean connected;
            try (var ignored = rmi.accept()) {
                connected = true;
            } catch (SocketTimeoutException e) {
                connected = false;
            }
            assertThat(connected).as("the hub connected to the proxy target").isFalse();
        }

        // by POST an operator stops and starts a route, as Hawtio's buttons do
        for (String op : List.of("stop()", "start()")) {
            JsonNode done = json(post("/actuator/hawtio/jolokia", exec(ROUTE, op), OPERATOR, OPERATOR_PASSWORD));
            assertThat(done.path("status").asInt()).as(op + ": " + done).isEqualTo(200);
        }
        assertThat(camel.getRouteController().getRouteStatus("quality-indicators").isStarted()).isTrue();
    }

    @Test
    void anExchangeServersPasswordShowsInNothingTheCockpitServes() throws Exception {
        // the source with the password is running (so its endpoints exist to be dumped)
        await().atMost(Duration.ofSeconds(30)).until(() ->
                camel.getRouteController().getRouteStatus("ferry-exchange-pw").isStarted());
        // everything a viewer may read of Camel and Artemis, and the route dumps an operator may take
        List<HttpResponse<String>> answers = new ArrayList<>();
        for (String domain : List.of("org.apache.camel:*", "org.apache.activemq.artemis:*", "java.lang:*")) {
            answers.add(post("/actuator/jolokia", "{\"type\":\"read\",\"mbean\":\"" + domain + "\",\"config\":"
                    + "{\"ignoreErrors\":true,\"maxObjects\":100000}}", VIEWER, VIEWER_PASSWORD));
            answers.add(get("/actuator/jolokia/read/" + domain + "?ignoreErrors=true&maxObjects=100000", VIEWER,
                    VIEWER_PASSWORD));
        }
        HttpResponse<String> dump = post("/actuator/jolokia", exec(CONTEXT, "dumpRoutesAsXml(boolean)", "true"),
                OPERATOR, OPERATOR_PASSWORD);
        assertThat(json(dump).path("value").asText()).as("the operator's dump").contains("ferry-exchange-pw")
                .contains("sftp://127.0.0.1:" + EXCHANGE_SERVER.port());
        answers.add(dump);
        answers.add(post("/actuator/jolokia", exec("org.apache.camel:context=exchange-hub,type=routes,"
                + "name=\"ferry-exchange-pw\"", "dumpRouteAsXml(boolean)", "true"), OPERATOR, OPERATOR_PASSWORD));
        answers.add(get("/actuator/jolokia/read/org.apache.camel:type=endpoints,*?ignoreErrors=true", OPERATOR,
                OPERATOR_PASSWORD));
        for (HttpResponse<String> answer : answers) {
            assertThat(answer.body()).as(answer.uri().toString())
                    .doesNotContain(SFTP_PASSWORD).doesNotContain("sftp-Secret").doesNotContain(AUDIT_KEY)
                    .doesNotContain("national-test").doesNotContain("provincial-test");
        }
        assertThat(answers.get(0).body()).as("the viewer's read of Camel").contains("ferry-exchange-pw");
    }

    @Test
    void aPageOfAnotherSiteCannotActWithAnOperatorsSession() throws Exception {
        // an operator logs in with the form, as a browser does: the session cookie is SameSite=Strict
        java.net.CookieManager cookies = new java.net.CookieManager();
        java.net.http.HttpClient browser = java.net.http.HttpClient.newBuilder().cookieHandler(cookies).build();
        browser.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url("/login"))).build(),
                HttpResponse.BodyHandlers.ofString());
        String xsrf = cookie(cookies, "XSRF-TOKEN");
        HttpResponse<String> login = browser.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url("/login")))
                .header("Content-Type", "application/x-www-form-urlencoded").header("X-XSRF-TOKEN", xsrf)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("username=" + OPERATOR + "&password="
                        + OPERATOR_PASSWORD)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).isEqualTo(302);
        assertThat(login.headers().allValues("Set-Cookie")).anyMatch(c -> c.startsWith("JSESSIONID=")
                && c.contains("SameSite=Strict") && c.contains("HttpOnly"));
        String session = "JSESSIONID=" + cookie(cookies, "JSESSIONID");
        // the login renewed the CSRF token: the console's next page brings the new one
        browser.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url("/actuator/hawtio/"))).build(),
                HttpResponse.BodyHandlers.ofString());
        xsrf = cookie(cookies, "XSRF-TOKEN");
        String stop = exec(ROUTE, "stop()");

        for (String entry : ENTRY_POINTS) {
            // a link or an image on another site: a GET with the cookie
            expectRefused(entry + " cross-site GET", crossSite(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                    url(entry + "/exec/" + path(ROUTE) + "/stop()"))).header("Cookie", session).GET()));
            // a form or fetch() on another site: a POST with the cookie and no CSRF token
            expectRefused(entry + " cross-site POST", crossSite(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                    url(entry))).header("Cookie", session).header("Content-Type", "text/plain")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(stop))));
            // any Authorization header used to skip the CSRF check
            expectRefused(entry + " Bearer beside the cookie", crossSite(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(url(entry))).header("Cookie", session).header("Authorization", "Bearer anything")
                    .header("Content-Type", "text/plain").POST(java.net.http.HttpRequest.BodyPublishers.ofString(stop))));
            // even with the token (read from a leaked page, say), another site's origin is not answered
            expectRefused(entry + " foreign origin with the token", crossSite(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(url(entry))).header("Cookie", session + "; XSRF-TOKEN=" + xsrf)
                    .header("X-XSRF-TOKEN", xsrf).header("Content-Type", "text/plain")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(stop))));
            // and no foreign origin is ever allowed to read an answer
            HttpResponse<String> preflight = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url(entry)))
                    .header("Origin", "http://evil.example").header("Cookie", session)
                    .header("Access-Control-Request-Method", "POST")
                    .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).as(entry + " CORS").isEmpty();
        }
        assertThat(camel.getRouteController().getRouteStatus("quality-indicators").isStarted())
                .as("the route a forged request tried to stop").isTrue();

        // the operator's own page (same origin, token in the header) still acts
        JsonNode gc = JSON.readTree(browser.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                url("/actuator/hawtio/jolokia"))).header("X-XSRF-TOKEN", xsrf)
                .header("Origin", "http://127.0.0.1:" + port).header("Content-Type", "text/plain")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(exec("java.lang:type=Memory", "gc()"))).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        assertThat(gc.path("status").asInt()).as(gc.toString()).isEqualTo(200);
    }

    private HttpResponse<String> crossSite(java.net.http.HttpRequest.Builder request) throws Exception {
        return http.send(request.header("Origin", "http://evil.example").header("Sec-Fetch-Site", "cross-site")
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String cookie(java.net.CookieManager cookies, String name) {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no cookie " + name)).getValue();
    }

    /** Refused: 401 or 403 from the cockpit, or Jolokia's answer with status 403 for the request (each of a bulk). */
    private static void expectRefused(String what, HttpResponse<String> response) throws Exception {
        if (response.statusCode() == 401 || response.statusCode() == 403) {
            return;
        }
        assertThat(response.statusCode()).as(what + ": " + response.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        JsonNode last = body.isArray() ? body.get(body.size() - 1) : body;
        assertThat(last.path("status").asInt()).as(what + ": " + response.body()).isEqualTo(403);
    }

    private static String exec(String mbean, String operation, String... arguments) {
        return "{\"type\":\"exec\",\"mbean\":\"" + mbean.replace("\"", "\\\"") + "\",\"operation\":\"" + operation
                + "\",\"arguments\":[" + String.join(",", arguments) + "]}";
    }

    /** An MBean name in a Jolokia GET path. */
    private static String path(String mbean) {
        return URLEncoder.encode(mbean, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private long queueDepth() throws Exception {
        if (nationalQueue == null) {
            nationalQueue = JMX.queryNames(new ObjectName("org.apache.activemq.artemis:component=addresses,"
                    + "subcomponent=queues,queue=\"energy.national\",*"), null).iterator().next().toString();
        }
        return ((Number) JMX.getAttribute(new ObjectName(nationalQueue), "MessageCount")).longValue();
    }
}

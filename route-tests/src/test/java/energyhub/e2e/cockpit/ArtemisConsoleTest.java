package energyhub.e2e.cockpit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import energyhub.e2e.support.FerryPackage;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Artemis's own console, served at /artemis-console/ and linked from Hawtio's navigation: behind the
 * cockpit's login, and on the same Jolokia, where a viewer sees queues and depths and only an
 * operator retries dead letters. (HawtioBrowserTest opens it in a browser.)
 */
class ArtemisConsoleTest extends CockpitTest {

    private static final String CONSOLE_JOLOKIA = "/artemis-console/jolokia";

    @Test
    void consoleIsBehindTheLoginAndLinkedFromHawtio() throws Exception {
        for (String path : List.of("/artemis-console/", "/artemis-console/artemis/queues", CONSOLE_JOLOKIA,
                "/artemis-console/user", "/artemis-console/artemisconfig.json",
                "/hawtio-plugins/artemis-console-link/remoteEntry.js")) {
            assertThat(get(path, null, null).statusCode()).as(path).isEqualTo(401);
        }

        // a page route of the console gets its index page, based where the hub serves it
        var page = get("/artemis-console/artemis/queues", VIEWER, VIEWER_PASSWORD);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<base href=\"/artemis-console/\"/>", "ActiveMQ Artemis");
        assertThat(get("/artemis-console/artemisconfig.json", VIEWER, VIEWER_PASSWORD).body())
                .contains("org.apache.activemq.artemis");
        // its Hawtio back end is the hub's
        var user = get("/artemis-console/user", VIEWER, VIEWER_PASSWORD);
        assertThat(user.statusCode()).isEqualTo(200);
        assertThat(user.body()).as("the console's user menu names who is logged in").isEqualTo("\"viewer\"");
        assertThat(get("/actuator/hawtio/user", OPERATOR, OPERATOR_PASSWORD).body()).isEqualTo("\"operator\"");

        // Hawtio loads the plugin that puts "Artemis" in its navigation
        JsonNode plugins = json(get("/actuator/hawtio/plugin", VIEWER, VIEWER_PASSWORD));
        assertThat(plugins.toString()).contains("\"scope\":\"hubArtemisConsoleLink\"",
                "\"url\":\"/hawtio-plugins/artemis-console-link\"");
        assertThat(get("/hawtio-plugins/artemis-console-link/remoteEntry.js", VIEWER, VIEWER_PASSWORD).body())
                .contains("var hubArtemisConsoleLink");
    }

    @Test
    void viewerSeesQueuesAndDepthsButOnlyAnOperatorRetriesDeadLetters() throws Exception {
        FerryPackage pkg = FerryPackage.of().records(FerryPackage.ENTERPRISE, 2).dropInto(inbox());
        awaitAck(pkg, "ACCEPTED");
        rejectTwiceOnNational(pkg);

        JsonNode queues = jolokia("{\"type\":\"read\",\"mbean\":\"org.apache.activemq.artemis:broker=*\","
                + "\"attribute\":\"QueueNames\"}", VIEWER, VIEWER_PASSWORD);
        assertThat(queues.toString()).contains("energy.national", "energy.provincial", "DLQ.energy.national");
        String dlq = jolokia("{\"type\":\"search\",\"mbean\":\"org.apache.activemq.artemis:subcomponent=queues,"
                + "queue=\\\"DLQ.energy.national\\\",*\"}", VIEWER, VIEWER_PASSWORD).path("value").path(0).asText();
        assertThat(dlq).contains("DLQ.energy.national");
        String depth = "{\"type\":\"read\",\"mbean\":" + JSON.writeValueAsString(dlq) + ",\"attribute\":\"MessageCount\"}";
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(jolokia(depth, VIEWER, VIEWER_PASSWORD).path("value").asLong()).isGreaterThanOrEqualTo(1));
        assertThat(national.browse(pkg.batchId())).isEmpty();
        // the console's message browser: a viewer reads the dead letter, with the hub's batch id
        String browse = "{\"type\":\"exec\",\"mbean\":" + JSON.writeValueAsString(dlq)
                + ",\"operation\":\"browse()\"}";
        assertThat(jolokia(browse, VIEWER, VIEWER_PASSWORD).path("value").toString()).contains(pkg.batchId());

        String retry = "{\"type\":\"exec\",\"mbean\":" + JSON.writeValueAsString(dlq) + ",\"operation\":\"retryMessages()\"}";
        assertThat(json(post(CONSOLE_JOLOKIA, retry, VIEWER, VIEWER_PASSWORD)).path("status").asInt()).isEqualTo(403);
        assertThat(jdbc.queryForList("select subject from audit_event where action = 'ACCESS_DENIED' "
                + "and actor = 'viewer'", String.class)).anyMatch(s -> s.contains("retryMessages()"));

        JsonNode retried = jolokia(retry, OPERATOR, OPERATOR_PASSWORD);
        assertThat(retried.path("value").asLong()).as(retried.toString()).isGreaterThanOrEqualTo(1);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(national.browse(pkg.batchId())).hasSize(1));
    }

    /** A Jolokia request through the console's path; Jolokia answers 200 and puts its own status in the body. */
    private JsonNode jolokia(String request, String user, String password) throws Exception {
        var response = post(CONSOLE_JOLOKIA, request, user, password);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.path("status").asInt()).as(response.body()).isEqualTo(200);
        return body;
    }
}

package energyhub.e2e.cockpit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import energyhub.e2e.support.FerryPackage;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What Hawtio's Camel Trace and Debug tabs drive: Camel's tracer and debugger, installed on standby,
 * switched on by an operator (never by a viewer) over Jolokia.
 */
class CamelTracingTest extends CockpitTest {

    private static final String TRACER = "org.apache.camel:context=exchange-hub,type=tracer,name=BacklogTracer";
    private static final String DEBUGGER = "org.apache.camel:context=exchange-hub,type=tracer,name=BacklogDebugger";

    @Test
    void anOperatorTracesAPackageThroughBothDeliveries() throws Exception {
        String enable = "{\"type\":\"write\",\"mbean\":\"" + TRACER + "\",\"attribute\":\"Enabled\",\"value\":true}";
        assertThat(json(post("/actuator/jolokia", enable, VIEWER, VIEWER_PASSWORD)).path("status").asInt()).isEqualTo(403);
        jolokia(enable);
        try {
            FerryPackage pkg = FerryPackage.of().records(FerryPackage.ENTERPRISE, 2).dropInto(inbox());
            awaitAck(pkg, "ACCEPTED");
            String traced = jolokia("{\"type\":\"exec\",\"mbean\":\"" + TRACER + "\","
                    + "\"operation\":\"dumpAllTracedMessagesAsJSon()\"}").path("value").asText();
            assertThat(traced).contains("\"routeId\": \"ferry-inbox\"", "\"routeId\": \"deliver-national\"",
                    "\"routeId\": \"deliver-provincial\"", "\"routeId\": \"settle-batch\"", pkg.batchId());
        } finally {
            jolokia("{\"type\":\"write\",\"mbean\":\"" + TRACER + "\",\"attribute\":\"Enabled\",\"value\":false}");
        }
    }

    @Test
    void anOperatorHoldsABatchAtABreakpointBeforeItsAck() throws Exception {
        String enable = "{\"type\":\"exec\",\"mbean\":\"" + DEBUGGER + "\",\"operation\":\"enableDebugger()\"}";
        assertThat(json(post("/actuator/jolokia", enable, VIEWER, VIEWER_PASSWORD)).path("status").asInt()).isEqualTo(403);
        jolokia(enable);
        try {
            // after both deliveries, before the ACK (batch-intake's step answer-batch)
            jolokia("{\"type\":\"exec\",\"mbean\":\"" + DEBUGGER + "\",\"operation\":\"addBreakpoint(java.lang.String)\","
                    + "\"arguments\":[\"answer-batch\"]}");
            FerryPackage pkg = FerryPackage.of().records(FerryPackage.ENTERPRISE, 2).dropInto(inbox());
            String suspended = "{\"type\":\"exec\",\"mbean\":\"" + DEBUGGER + "\","
                    + "\"operation\":\"suspendedBreakpointNodeIds()\"}";
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    jolokia(suspended).path("value").toString().contains("answer-batch"));
            assertThat(national.browse(pkg.batchId())).hasSize(1);
            assertThat(provincial.browse(pkg.batchId())).hasSize(1);
            assertThat(Files.exists(outbox().resolve(pkg.dataFileName() + ".ack.json"))).isFalse();

            jolokia("{\"type\":\"exec\",\"mbean\":\"" + DEBUGGER + "\",\"operation\":\"resumeAll()\"}");
            awaitAck(pkg, "ACCEPTED");
        } finally {
            jolokia("{\"type\":\"exec\",\"mbean\":\"" + DEBUGGER + "\",\"operation\":\"disableDebugger()\"}");
        }
    }

    private JsonNode jolokia(String request) throws Exception {
        var response = post("/actuator/jolokia", request, OPERATOR, OPERATOR_PASSWORD);
        JsonNode body = json(response);
        assertThat(body.path("status").asInt()).as(response.body()).isEqualTo(200);
        return body;
    }
}

package energyhub.e2e.cockpit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import energyhub.e2e.support.FerryPackage;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Who may see and do what over HTTP, and the operator's replay of a quarantined package. */
class CockpitSecurityTest extends CockpitTest {

    private static final String CAMEL_ROUTE = "org.apache.camel:context=exchange-hub,type=routes,name=\\\"ferry-inbox\\\"";

    @Test
    void anonymousGets401EverywhereButTheProbes() throws Exception {
        for (String path : List.of("/actuator/hawtio/", "/actuator/hawtio/jolokia", "/actuator/jolokia",
                "/actuator/jolokia/read/java.lang:type=Memory", "/actuator/prometheus", "/actuator/metrics",
                "/actuator/health", "/actuator/health/disk", "/actuator/info", "/api/operator/batches", "/api/operator/quarantine",
                "/api/operator/audit/verify")) {
            assertThat(get(path, null, null).statusCode()).as("GET " + path).isEqualTo(401);
        }
        assertThat(post("/api/operator/quarantine/x.jsonl/replay", "", null, null).statusCode()).isEqualTo(401);
        assertThat(post("/actuator/jolokia", "{\"type\":\"read\",\"mbean\":\"java.lang:type=Memory\"}", null, null)
                .statusCode()).isEqualTo(401);
        assertThat(get("/actuator/api/operator/batches", VIEWER, "wrong").statusCode()).isEqualTo(401);

        for (String probe : List.of("/actuator/health/liveness", "/actuator/health/readiness")) {
            var health = get(probe, null, null);
            assertThat(health.statusCode()).as(probe).isEqualTo(200);
            assertThat(health.body()).as("status only for anonymous callers").isEqualTo("{\"status\":\"UP\"}");
        }
        var health = get("/actuator/health", VIEWER, VIEWER_PASSWORD);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(json(health).path("components").has("db")).as("details for a viewer").isTrue();
    }

    @Test
    void hawtioIsToldWhatTheUserMayInvoke() throws Exception {
        // Hawtio takes the first ACL MBean that is not its own dummy
        assertThat(get("/actuator/jolokia/search/*:type=security,area=jmx,*", VIEWER, VIEWER_PASSWORD).body())
                .contains("hawtio:type=security,area=jmx,name=HubJMXSecurity");
        String ask = "{\"type\":\"exec\",\"mbean\":\"hawtio:type=security,area=jmx,name=HubJMXSecurity\","
                + "\"operation\":\"canInvoke(java.util.Map)\",\"arguments\":[{\"" + CAMEL_ROUTE + "\":"
                + "[\"stop()\",\"dumpRouteStatsAsXml(boolean,boolean)\",\"dumpRouteAsXml()\"]}]}";
        JsonNode viewer = json(post("/actuator/jolokia", ask, VIEWER, VIEWER_PASSWORD)).path("value").elements().next();
        assertThat(viewer.path("stop()").path("CanInvoke").asBoolean()).as("a viewer's Stop is greyed").isFalse();
        assertThat(viewer.path("dumpRouteStatsAsXml(boolean,boolean)").path("CanInvoke").asBoolean()).isTrue();
        assertThat(viewer.path("dumpRouteAsXml()").path("CanInvoke").asBoolean()).as("route definitions are an operator's")
                .isFalse();
        JsonNode operator = json(post("/actuator/jolokia", ask, OPERATOR, OPERATOR_PASSWORD)).path("value").elements()
                .next();
        assertThat(operator.path("stop()").path("CanInvoke").asBoolean()).isTrue();
    }

    @Test
    void viewerReadsButCannotWriteExecOrReplay() throws Exception {
        var read = post("/actuator/jolokia", "{\"type\":\"read\",\"mbean\":\"" + CAMEL_ROUTE + "\",\"attribute\":\"State\"}",
                VIEWER, VIEWER_PASSWORD);
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(json(read).path("value").asText()).isEqualTo("Started");
        assertThat(get("/actuator/jolokia/search/org.apache.camel:type=routes,*", VIEWER, VIEWER_PASSWORD).body())
                .contains("dual-delivery").contains("deliver-national");

        String stop = "{\"type\":\"exec\",\"mbean\":\"" + CAMEL_ROUTE + "\",\"operation\":\"stop()\"}";
        // Jolokia answers each request of a bulk on its own: the exec among the reads is refused, the read done
        assertThat(json(post("/actuator/jolokia", stop, VIEWER, VIEWER_PASSWORD)).path("status").asInt()).isEqualTo(403);
        JsonNode bulk = json(post("/actuator/jolokia", "[{\"type\":\"read\",\"mbean\":\"java.lang:type=Memory\"},"
                + stop + "]", VIEWER, VIEWER_PASSWORD));
        assertThat(bulk.get(0).path("status").asInt()).isEqualTo(200);
        assertThat(bulk.get(1).path("status").asInt()).as("a bulk request hiding an exec").isEqualTo(403);
        assertThat(json(post("/actuator/jolokia", "{\"type\":\"write\",\"mbean\":\"java.lang:type=Memory\","
                + "\"attribute\":\"Verbose\",\"value\":true}", VIEWER, VIEWER_PASSWORD)).path("status").asInt())
                .isEqualTo(403);
        assertThat(json(get("/actuator/jolokia/exec/java.lang:type=Memory/gc", VIEWER, VIEWER_PASSWORD)).path("status")
                .asInt()).isEqualTo(403);
        assertThat(json(get("/actuator/jolokia/write/java.lang:type=Memory/Verbose/true", VIEWER, VIEWER_PASSWORD))
                .path("status").asInt()).isEqualTo(403);
        assertThat(camel.getRouteController().getRouteStatus("ferry-inbox").isStarted()).isTrue();

        assertThat(get("/api/operator/batches", VIEWER, VIEWER_PASSWORD).statusCode()).isEqualTo(200);
        assertThat(post("/api/operator/quarantine/any.jsonl/replay", "", VIEWER, VIEWER_PASSWORD).statusCode())
                .isEqualTo(403);
        assertThat(post("/api/operator/batches/1/deliveries/national/replay", "", VIEWER, VIEWER_PASSWORD)
                .statusCode()).isEqualTo(403);
        assertThat(post("/api/operator/dead-letters/energy.national/replay", "", VIEWER, VIEWER_PASSWORD)
                .statusCode()).isEqualTo(403);
        assertThat(jdbc.queryForList("select subject from audit_event where actor = 'viewer' "
                + "and action = 'ACCESS_DENIED'", String.class))
                .anyMatch(s -> s.startsWith("jolokia exec")).anyMatch(s -> s.contains("/quarantine/any.jsonl/replay"));

        // the operator may: Jolokia operations go through (a harmless one here)
        var gc = post("/actuator/jolokia", "{\"type\":\"exec\",\"mbean\":\"java.lang:type=Memory\",\"operation\":\"gc()\"}",
                OPERATOR, OPERATOR_PASSWORD);
        assertThat(gc.statusCode()).isEqualTo(200);
        assertThat(json(gc).path("status").asInt()).isEqualTo(200);
    }

    @Test
    void onlyAnOperatorEditsTheAccountRegistry() throws Exception {
        String path = "/api/operator/accounts/TESTGRID/2/SEC-0001";
        String edit = "{\"enterpriseCode\":\"" + FerryPackage.ENTERPRISE + "\",\"dataCode\":\"0000000002330001\","
                + "\"active\":true}";

        assertThat(put(path, edit, null, null).statusCode()).isEqualTo(401);
        assertThat(put(path, edit, VIEWER, VIEWER_PASSWORD).statusCode()).isEqualTo(403);
        assertThat(jdbc.queryForList("select account_no from supplier_account where account_no = 'SEC-0001'")).isEmpty();

        assertThat(put(path, edit, OPERATOR, OPERATOR_PASSWORD).statusCode()).isEqualTo(200);
        var list = get("/api/operator/accounts?supplierCode=TESTGRID", VIEWER, VIEWER_PASSWORD);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(json(list).findValuesAsText("accountNo")).containsExactly("SEC-0001");
    }

    @Test
    void operatorReplaysAQuarantinedPackageWhichIsThenRoutedAndAudited() throws Exception {
        // the gate corrupted the transfer: digest mismatch, quarantined and REJECTED
        FerryPackage pkg = FerryPackage.of().records(FerryPackage.ENTERPRISE, 3).wrongDigest().dropInto(inbox());
        awaitAck(pkg, "REJECTED");
        String name = pkg.dataFileName();

        JsonNode listed = json(get("/api/operator/quarantine", VIEWER, VIEWER_PASSWORD));
        JsonNode entry = null;
        for (JsonNode e : listed) {
            if (e.path("name").asText().equals(name)) {
                entry = e;
            }
        }
        assertThat(entry).as("quarantine lists " + name + ": " + listed).isNotNull();
        assertThat(entry.path("reason").asText()).contains("DIGEST_MISMATCH");
        assertThat(entry.path("manifest").asText()).isEqualTo(name + ".manifest");

        // the operator obtained the right manifest from the sender and puts it beside the data file
        FerryPackage fixed = FerryPackage.of().records(FerryPackage.ENTERPRISE, 3).batchId(pkg.batchId())
                .name(name.replace(".jsonl", ""));
        Files.writeString(quarantine().resolve(name + ".manifest"), fixed.manifest());

        var replay = post("/api/operator/quarantine/" + name + "/replay", "", OPERATOR, OPERATOR_PASSWORD);
        assertThat(replay.statusCode()).as(replay.body()).isEqualTo(200);
        assertThat(json(replay).path("inboxFile").asText()).isEqualTo(name);

        JsonNode ack = awaitAck(pkg, "ACCEPTED");
        assertThat(ack.path("accepted").asInt()).isEqualTo(3);
        assertThat(national.browse(pkg.batchId())).hasSize(1);
        assertThat(provincial.browse(pkg.batchId())).hasSize(1);
        assertThat(quarantine().resolve(name)).doesNotExist();

        List<Map<String, Object>> audit = jdbc.queryForList("select actor, action, subject, result, detail "
                + "from audit_event where action = 'REPLAY_QUARANTINE' and subject = ?", name);
        assertThat(audit).hasSize(1);
        assertThat(audit.get(0)).containsEntry("actor", "operator").containsEntry("result", "OK");
        // the hub's own record of the batch follows in the same chain
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(jdbc.queryForList(
                "select action || ':' || result from audit_event where subject = ? order by seq", String.class,
                pkg.batchId())).containsSubsequence("BATCH_RECEIVED:REJECTED", "BATCH_RECEIVED:DELIVERING",
                        "BATCH_SETTLED:ACCEPTED"));

        JsonNode batches = json(get("/api/operator/batches?batchId=" + pkg.batchId(), VIEWER, VIEWER_PASSWORD));
        assertThat(batches).extracting(b -> b.path("status").asText()).containsExactly("ACCEPTED", "REJECTED");
        long pk = batches.get(0).path("id").asLong();
        JsonNode one = json(get("/api/operator/batches/" + pk, VIEWER, VIEWER_PASSWORD));
        assertThat(one.path("deliveries")).extracting(d -> d.path("target").asText() + ":" + d.path("status").asText())
                .containsExactly("national:DELIVERED", "provincial:DELIVERED");
    }

    @Test
    void repeatedLoginFailuresLockTheUserOutAndAreAudited() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(get("/api/operator/batches", "guesser", "guess-" + i).statusCode()).isEqualTo(401);
        }
        // the right password no longer helps while locked out
        assertThat(get("/api/operator/batches", "guesser", "guesser-right-pw").statusCode()).isEqualTo(401);
        assertThat(jdbc.queryForList("select result || ':' || coalesce(detail, '') from audit_event "
                + "where action = 'LOGIN_FAILED' and subject = 'guesser' order by seq", String.class))
                .hasSize(6).last().asString().contains("locked");
    }
}

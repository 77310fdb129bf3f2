package energyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import energyhub.e2e.support.SupplierHubTest;
import energyhub.e2e.support.SupplierServers.HeatRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.Test;

/**
 * The heat company's REST API (contracts section 4.3) served by a real HTTP server, pulled by supplier
 * heat1 on a Quartz schedule for the windows 2026-11-20 (three pages) and 2026-11-21 (a 500 first).
 */
class SupplierHeatTest extends SupplierHubTest {

    private Map<String, Object> awaitCompleted(String from) {
        await().atMost(Duration.ofSeconds(60)).until(() -> "COMPLETED".equals(jdbc.queryForList(
                "select status from supplier_pull_window where supplier = 'heat1' and window_from = ?::date", String.class,
                from).stream().findFirst().orElse(null)));
        return jdbc.queryForMap("select * from supplier_pull_window where supplier = 'heat1' and window_from = ?::date", from);
    }

    @Test
    void allThreePagesOfAWindowAreCollected() throws Exception {
        Map<String, Object> window = awaitCompleted("2026-11-20");

        assertThat(window).containsEntry("pages", 3).containsEntry("items", 4);
        assertThat(HEAT.requestsFor("2026-11-20")).extracting(HeatRequest::page, HeatRequest::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, 200), org.assertj.core.groups.Tuple.tuple(2, 200),
                        org.assertj.core.groups.Tuple.tuple(3, 200));
        assertThat(HEAT.requestsFor("2026-11-20")).allMatch(r -> "Bearer heat-test-token".equals(r.authorization()));
        String batchId = (String) window.get("batch_id");
        JsonNode report = awaitReport("heat1", "HEAT_KMRL_2026-11-20_2026-11-20.json");
        assertThat(report.get("status").asText()).isEqualTo("ACCEPTED");
        for (var platform : List.of(national, provincial)) {
            List<JsonNode> records = records(platform, batchId);
            assertThat(records).extracting(r -> r.get("dataCode").asText() + "=" + r.get("dataValue").asText())
                    // HT-000123's two meters summed: 12.50 + 0.25 GJ
                    .containsExactly("0000000002320001=12.75", "0000000002320002=7.125", "0000000002320003=100");
            assertThat(records).allSatisfy(r -> {
                assertThat(r.get("enterpriseCode").asText()).isEqualTo("91530100MA6HEAT016");
                assertThat(r.get("statType").asText()).isEqualTo("1");
                assertThat(r.get("statDate").asText()).isEqualTo("2026-11-20 00:00:00");
                assertThat(r.get("inputType").asText()).isEqualTo("6");
                assertThat(r.get("convertRation").asText()).isEqualTo("0.03412");
            });
        }
    }

    @Test
    void anHttp500IsRetriedAndTheWindowThenCompletes() throws Exception {
        Map<String, Object> window = awaitCompleted("2026-11-21");

        assertThat(HEAT.requestsFor("2026-11-21")).extracting(HeatRequest::page, HeatRequest::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, 500), org.assertj.core.groups.Tuple.tuple(1, 200));
        // retried within the same scheduled pull, with back-off, not left for the next one
        assertThat(window).containsEntry("attempts", 1).containsEntry("items", 1);
        List<JsonNode> records = records(national, (String) window.get("batch_id"));
        assertThat(records).extracting(r -> r.get("dataValue").asText()).containsExactly("11");
        assertThat(records(provincial, (String) window.get("batch_id"))).hasSize(1);
    }

    @Test
    void aCompletedWindowIsNotFetchedAgainWhenItsRouteRestarts() throws Exception {
        awaitCompleted("2026-11-20");
        awaitCompleted("2026-11-21");
        // only this supplier's windows: the hostile heat entries of SupplierHeatHostileTest pull beside it
        int requests = HEAT.requestsFor("2026-11-20").size() + HEAT.requestsFor("2026-11-21").size();

        camel.getRouteController().stopRoute("supplier-heat1");
        NotifyBuilder pulls = new NotifyBuilder(camel).fromRoute("supplier-heat1").whenCompleted(2).create();
        camel.getRouteController().startRoute("supplier-heat1");

        // two scheduled pulls after the restart: the windows' state comes from PostgreSQL alone
        assertThat(pulls.matches(30, TimeUnit.SECONDS)).isTrue();
        assertThat(HEAT.requestsFor("2026-11-20").size() + HEAT.requestsFor("2026-11-21").size()).isEqualTo(requests);
        assertThat(jdbc.queryForList("select status || ':' || attempts from supplier_pull_window where supplier = 'heat1' "
                + "order by window_from", String.class)).containsExactly("COMPLETED:1", "COMPLETED:1");
    }

    @Test
    void aWindowStillFailingAfterItsRetriesIsReportedAndPulledAgainNextTime() throws Exception {
        // heat2 retries once: the 500s of the first pull exhaust it, the next scheduled pull succeeds
        java.nio.file.Path failed = supplierDir("heat2").resolve("reports/HEAT_KMRL_2026-11-05_2026-11-05.json.failed.json");
        await().atMost(Duration.ofSeconds(60)).until(() -> java.nio.file.Files.exists(failed));
        JsonNode report = JSON.readTree(java.nio.file.Files.readString(failed));
        assertThat(report.get("status").asText()).isEqualTo("FAILED");
        assertThat(report.get("error").asText()).contains("HTTP 500");

        await().atMost(Duration.ofSeconds(60)).until(() -> "COMPLETED".equals(jdbc.queryForList("select status from "
                + "supplier_pull_window where supplier = 'heat2'", String.class).stream().findFirst().orElse(null)));
        assertThat(HEAT.requestsFor("2026-11-05")).extracting(HeatRequest::status).containsExactly(500, 500, 200);
        assertThat(jdbc.queryForObject("select attempts from supplier_pull_window where supplier = 'heat2'", Integer.class))
                .isEqualTo(2);
        String batchId = jdbc.queryForObject("select batch_id from supplier_pull_window where supplier = 'heat2'", String.class);
        assertThat(records(national, batchId)).extracting(r -> r.get("dataValue").asText()).containsExactly("2.5");
    }
}

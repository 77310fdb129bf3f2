package energyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import energyhub.e2e.support.SupplierHubTest;
import energyhub.e2e.support.SupplierServers.HeatRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.Test;

/**
 * The heat company's API as a hostile or broken server (SupplierHubTest's heat-* entries): every
 * answer gets a report that says what was wrong and what happens next, no window is retried without
 * end, and the valid records beside bad items reach each platform queue exactly once.
 */
class SupplierHeatHostileTest extends SupplierHubTest {

    private Map<String, Object> awaitWindow(String supplier, String from, String status) {
        await().atMost(Duration.ofSeconds(60)).until(() -> status.equals(jdbc.queryForList(
                "select status from supplier_pull_window where supplier = ? and window_from = ?::date", String.class,
                supplier, from).stream().findFirst().orElse(null)));
        return jdbc.queryForMap("select * from supplier_pull_window where supplier = ? and window_from = ?::date",
                supplier, from);
    }

    private static List<String> values(List<JsonNode> records) {
        List<String> out = new ArrayList<>();
        records.forEach(r -> out.add(r.get("dataCode").asText() + "@" + r.get("statDate").asText() + "=" + r.get("dataValue").asText()));
        return out;
    }

    /** Issue 10 item 12: the API ignores from/to; each window still delivers its own records, none is DUPLICATE. */
    @Test
    void twoWindowsWithIdenticalRawItemsEachDeliverTheirOwnRecords() throws Exception {
        Map<String, Object> first = awaitWindow("heat-same", "2026-10-01", "COMPLETED");
        Map<String, Object> second = awaitWindow("heat-same", "2026-10-02", "COMPLETED");
        String firstBatch = (String) first.get("batch_id");
        String secondBatch = (String) second.get("batch_id");
        assertThat(firstBatch).isNotEqualTo(secondBatch);

        JsonNode firstReport = awaitReport("heat-same", "HEAT_KMRL_2026-10-01_2026-10-01.json");
        JsonNode secondReport = awaitReport("heat-same", "HEAT_KMRL_2026-10-02_2026-10-02.json");
        assertThat(firstReport.get("status").asText()).isEqualTo("ACCEPTED");
        assertThat(secondReport.get("status").asText()).isEqualTo("ACCEPTED");
        // the item of the other day is named in each window's report, not silently dropped
        assertThat(firstReport.get("rowErrors").get(0).get("code").asText()).isEqualTo("OUTSIDE_WINDOW");
        assertThat(firstReport.get("rowErrors").get(0).get("line").asInt()).isEqualTo(2);
        assertThat(secondReport.get("rowErrors").get(0).get("line").asInt()).isEqualTo(1);
        assertThat(ledger.batches(firstBatch)).extracting(b -> b.get("status")).containsExactly("ACCEPTED");
        assertThat(ledger.batches(secondBatch)).extracting(b -> b.get("status")).containsExactly("ACCEPTED");

        for (var platform : List.of(national, provincial)) {
            assertThat(values(records(platform, firstBatch))).containsExactly("0000000002320001@2026-10-01 00:00:00=1.25");
            assertThat(values(records(platform, secondBatch))).containsExactly("0000000002320002@2026-10-02 00:00:00=2.5");
        }
    }

    private JsonNode awaitFailedReport(String supplier, String day) throws Exception {
        Path failed = supplierDir(supplier).resolve("reports/HEAT_KMRL_" + day + "_" + day + ".json.failed.json");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(failed));
        return JSON.readTree(Files.readString(failed));
    }

    /**
     * A refused answer is asked once per scheduled pull (not retried within it), and after
     * max-window-attempts (2 here) the window is given up: no request for it any more.
     */
    private void assertGivenUpAfterTwoPulls(String supplier, String day) throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.queryForList("select attempts from supplier_pull_window "
                + "where supplier = ? and window_from = ?::date", Integer.class, supplier, day).stream().anyMatch(a -> a >= 2));
        Map<String, Object> window = jdbc.queryForMap("select * from supplier_pull_window where supplier = ?", supplier);
        assertThat(window).containsEntry("status", "FAILED").containsEntry("attempts", 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> awaitFailedReport(supplier, day).get("attempts").asInt() == 2);
        assertThat(awaitFailedReport(supplier, day).get("next").asText()).contains("given up after 2");
        int asked = HEAT.requestsFor(day).size();
        assertThat(asked).isEqualTo(2);
        NotifyBuilder pulls = new NotifyBuilder(camel).fromRoute("supplier-" + supplier).whenCompleted(2).create();
        assertThat(pulls.matches(30, TimeUnit.SECONDS)).isTrue();
        assertThat(HEAT.requestsFor(day)).hasSize(asked);
        assertThat(jdbc.queryForObject("select attempts from supplier_pull_window where supplier = ?", Integer.class, supplier))
                .isEqualTo(2);
        // nothing of it reached the routing core
        assertThat(jdbc.queryForObject("select count(*) from batch where source = ?", Integer.class, "supplier-" + supplier))
                .isZero();
    }

    @Test
    void aPageClaimingAMillionPagesIsNotBelievedAndTheWindowIsGivenUp() throws Exception {
        JsonNode report = awaitFailedReport("heat-lies", "2026-10-05");
        assertThat(report.get("error").asText()).contains("totalPages 1000000").contains("max-pages (100)");
        assertGivenUpAfterTwoPulls("heat-lies", "2026-10-05");
    }

    @Test
    void pagesThatDisagreeAboutTotalPagesAreNotBelieved() throws Exception {
        JsonNode report = awaitFailedReport("heat-shifty", "2026-10-10");
        assertThat(report.get("error").asText()).contains("page 2 claims totalPages 5 where page 1 said 2");
        // given up after 2 pulls of 2 pages each; page 1's item never reached the core on its own
        await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.queryForObject("select attempts from supplier_pull_window "
                + "where supplier = 'heat-shifty'", Integer.class) == 2);
        NotifyBuilder pulls = new NotifyBuilder(camel).fromRoute("supplier-heat-shifty").whenCompleted(2).create();
        assertThat(pulls.matches(30, TimeUnit.SECONDS)).isTrue();
        assertThat(HEAT.requestsFor("2026-10-10")).extracting(HeatRequest::page).containsExactly(1, 2, 1, 2);
        assertThat(jdbc.queryForObject("select count(*) from batch where source = 'supplier-heat-shifty'", Integer.class))
                .isZero();
    }

    @Test
    void anAnswerThatIsNotJsonIsReported() throws Exception {
        JsonNode report = awaitFailedReport("heat-nojson", "2026-10-06");
        assertThat(report.get("status").asText()).isEqualTo("FAILED");
        assertThat(report.get("error").asText()).contains("page 1 is not JSON");
        assertGivenUpAfterTwoPulls("heat-nojson", "2026-10-06");
    }

    @Test
    void anAnswerOverTheSizeLimitIsNotRead() throws Exception {
        JsonNode report = awaitFailedReport("heat-huge", "2026-10-07");
        assertThat(report.get("error").asText()).contains("hub.supplier.max-file-bytes (1000000)");
        assertGivenUpAfterTwoPulls("heat-huge", "2026-10-07");
    }

    @Test
    void aRefusedTokenIsReportedAndNotRetriedWithinThePull() throws Exception {
        JsonNode report = awaitFailedReport("heat-401", "2026-10-08");
        assertThat(report.get("error").asText()).contains("HTTP 401").contains("HUB_TEST_HEAT_WRONG_TOKEN");
        assertThat(HEAT.requestsFor("2026-10-08")).extracting(HeatRequest::status).allMatch(s -> s == 401);
        assertGivenUpAfterTwoPulls("heat-401", "2026-10-08");
    }

    @Test
    void itemsOfTheWrongTypesAreReportedAndTheValidOneDeliveredOnce() throws Exception {
        Map<String, Object> window = awaitWindow("heat-types", "2026-10-09", "COMPLETED");
        JsonNode report = awaitReport("heat-types", "HEAT_KMRL_2026-10-09_2026-10-09.json");
        assertThat(report.get("status").asText()).isEqualTo("ACCEPTED");
        List<String> errors = new ArrayList<>();
        report.get("rowErrors").forEach(e -> errors.add(e.get("line").asInt() + ":" + e.get("code").asText()));
        assertThat(errors).containsExactly("1:NOT_AN_OBJECT", "2:BAD_NUMBER", "3:BAD_DATE");
        String batchId = (String) window.get("batch_id");
        for (var platform : List.of(national, provincial)) {
            assertThat(values(records(platform, batchId))).containsExactly("0000000002320002@2026-10-09 00:00:00=3.5");
        }
    }
}

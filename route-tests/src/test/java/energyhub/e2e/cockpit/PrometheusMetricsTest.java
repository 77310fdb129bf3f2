package energyhub.e2e.cockpit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import energyhub.e2e.support.FerryPackage;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** /actuator/prometheus carries the hub's own metrics once a package has flowed; health groups answer. */
class PrometheusMetricsTest extends CockpitTest {

    /** 4 or more: the cockpit's hub is shared, other test classes may have sent records before this one. */
    private static final String AT_LEAST_4 = "([4-9]|[1-9][0-9]+)";

    @Test
    void hubMetricsAfterAPackageFlowed() throws Exception {
        FerryPackage pkg = FerryPackage.of().records(FerryPackage.ENTERPRISE, 4)
                .line(FerryPackage.record(FerryPackage.ENTERPRISE, 5, "1,5")).dropInto(inbox());
        awaitAck(pkg, "PARTIAL");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            var scrape = getText("/actuator/prometheus", VIEWER, VIEWER_PASSWORD);
            assertThat(scrape.statusCode()).isEqualTo(200);
            String text = scrape.body();
            assertThat(text)
                    .containsPattern("hub_batches_in_total\\{[^}]*source=\"ferry-inbox\"[^}]*status=\"PARTIAL\"[^}]*} [1-9]")
                    .containsPattern("hub_records_in_total\\{outcome=\"accepted\",source=\"ferry-inbox\"} " + AT_LEAST_4)
                    .containsPattern("hub_rejections_total\\{reason=\"BAD_FORMAT\",source=\"ferry-inbox\"} [1-9]")
                    .containsPattern("hub_records_out_total\\{source=\"ferry-inbox\",target=\"national\"} " + AT_LEAST_4)
                    .containsPattern("hub_records_out_total\\{source=\"ferry-inbox\",target=\"provincial\"} " + AT_LEAST_4)
                    .containsPattern("hub_delivery_latency_seconds_count\\{target=\"national\"} [1-9]")
                    .contains("hub_queue_depth{queue=\"energy.national\"}")
                    .contains("hub_queue_depth{queue=\"DLQ.energy.provincial\"}")
                    .contains("hub_ferry_pickup_lag_seconds")
                    .containsPattern("camel_exchanges_total\\{[^}]*routeId=\"ferry-inbox\"");
        });
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                getText("/actuator/prometheus", VIEWER, VIEWER_PASSWORD).body())
                .containsPattern("hub_queue_depth\\{queue=\"energy.national\"} [1-9]"));

        // the data-quality gauges: the province's current month (China time) as /api/operator/quality/province
        // tells it, recomputed by the quality-indicators route (every second here), never on the scrape
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String text = getText("/actuator/prometheus", VIEWER, VIEWER_PASSWORD).body();
            var province = json(get("/api/operator/quality/province", VIEWER, VIEWER_PASSWORD));
            double completeness = gauge(text, "hub_quality_completeness_percent");
            assertThat(completeness).isBetween(0.0, 100.0).isEqualTo(province.path("completeness").asDouble());
            assertThat(gauge(text, "hub_quality_enterprises_below_threshold"))
                    .isEqualTo(province.path("enterprisesBelow").asDouble());
            assertThat(gauge(text, "hub_quality_deviations_flagged{check=\"day_month\"}"))
                    .isEqualTo(province.path("dayMonthFlagged").asDouble());
            assertThat(gauge(text, "hub_quality_deviations_flagged{check=\"supply\"}"))
                    .isEqualTo(province.path("supplyFlagged").asDouble());
            assertThat(text).containsPattern("camel_exchanges_total\\{[^}]*routeId=\"quality-indicators\"[^}]*} [1-9]");
        });

        for (String group : new String[] {"broker", "database", "disk", "intakes"}) {
            var health = get("/actuator/health/" + group, VIEWER, VIEWER_PASSWORD);
            assertThat(health.statusCode()).as(group + ": " + health.body()).isEqualTo(200);
            assertThat(json(health).path("status").asText()).as(group).isIn("UP", "WARNING");
        }
        assertThat(get("/actuator/health/disk", VIEWER, VIEWER_PASSWORD).body()).contains("dataDisk")
                .contains("brokerJournalDisk").contains("brokerBlocksAtPercent");
        assertThat(get("/actuator/health/intakes", VIEWER, VIEWER_PASSWORD).body()).contains("ferry-inbox");
    }

    /** The value of a gauge (name with its tags, as scraped) in a scrape. */
    private static double gauge(String scrape, String series) {
        return scrape.lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim()))
                .orElseThrow(() -> new AssertionError(series + " is not in the scrape"));
    }
}

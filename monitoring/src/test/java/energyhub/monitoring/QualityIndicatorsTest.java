package energyhub.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import energyhub.routing.quality.QualityReports;
import energyhub.routing.quality.QualityReports.ProvinceQuality;
import energyhub.routing.quality.QualityProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The hub_quality_* gauges show what the last refresh computed for the current month in China time (already
 * December there when it is 30 November 23:30 UTC), NaN before the first one and while the ledger cannot be
 * read, and the values again once it can.
 */
class QualityIndicatorsTest {

    private final List<YearMonth> asked = new ArrayList<>();
    private RuntimeException failure;

    private final QualityReports ledger = new QualityReports(null, null, new QualityProperties()) {
        @Override
        public ProvinceQuality province(YearMonth month) {
            asked.add(month);
            if (failure != null) {
                throw failure;
            }
            return new ProvinceQuality(month, 12, 400, 370, 92.5, 3, 2, 1);
        }
    };

    @Test
    void gaugesFollowTheRefreshesNotTheScrapes() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Clock clock = Clock.fixed(Instant.parse("2026-11-30T23:30:00Z"), ZoneOffset.UTC);
        QualityIndicators indicators = new QualityIndicators(ledger, clock, registry);

        assertThat(gauge(registry, "hub.quality.completeness.percent", null)).isNaN();
        assertThat(asked).as("nothing computed on a scrape").isEmpty();

        indicators.refresh();
        assertThat(asked).containsExactly(YearMonth.of(2026, 12));
        assertThat(gauge(registry, "hub.quality.completeness.percent", null)).isEqualTo(92.5);
        assertThat(gauge(registry, "hub.quality.enterprises.below.threshold", null)).isEqualTo(3);
        assertThat(gauge(registry, "hub.quality.deviations.flagged", "day_month")).isEqualTo(2);
        assertThat(gauge(registry, "hub.quality.deviations.flagged", "supply")).isEqualTo(1);

        failure = new IllegalStateException("database away");
        indicators.refresh();
        indicators.refresh();
        assertThat(gauge(registry, "hub.quality.completeness.percent", null)).isNaN();
        assertThat(gauge(registry, "hub.quality.deviations.flagged", "supply")).isNaN();

        failure = null;
        indicators.refresh();
        assertThat(gauge(registry, "hub.quality.completeness.percent", null)).isEqualTo(92.5);
        assertThat(asked).hasSize(4);
    }

    private static double gauge(SimpleMeterRegistry registry, String name, String check) {
        var search = registry.find(name);
        if (check != null) {
            search = search.tag("check", check);
        }
        return search.gauge().value();
    }
}

package energyhub.monitoring;

import energyhub.routing.quality.QualityReports;
import energyhub.routing.quality.QualityReports.ProvinceQuality;
import energyhub.standard.RecordValidator;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.YearMonth;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The province's data-quality indicators as Prometheus gauges ({@code hub_quality_*}), for the current
 * month in China time. Computed from the ledger by the {@code quality-indicators} route every
 * {@code hub.quality.refresh-interval}, never on a scrape (the computation reads every series of the
 * month); a scrape shows the last result, NaN before the first one or while the ledger cannot be read.
 */
@Component
public class QualityIndicators {

    private static final Logger log = LoggerFactory.getLogger(QualityIndicators.class);

    private final QualityReports reports;
    private final Clock clock;
    private volatile ProvinceQuality latest;
    private final energyhub.routing.Outage failing = new energyhub.routing.Outage();

    public QualityIndicators(QualityReports reports, Clock clock, MeterRegistry registry) {
        this.reports = reports;
        this.clock = clock;
        gauge(registry, "hub.quality.completeness.percent", "due periods received, percent, province-wide, "
                + "current month", ProvinceQuality::completeness, null);
        gauge(registry, "hub.quality.enterprises.below.threshold", "enterprises below hub.quality."
                + "completeness-threshold this month", ProvinceQuality::enterprisesBelow, null);
        gauge(registry, "hub.quality.deviations.flagged", "deviations above hub.quality.deviation-threshold "
                + "this month, by check", ProvinceQuality::dayMonthFlagged, "day_month");
        gauge(registry, "hub.quality.deviations.flagged", "deviations above hub.quality.deviation-threshold "
                + "this month, by check", ProvinceQuality::supplyFlagged, "supply");
    }

    private void gauge(MeterRegistry registry, String name, String description,
            ToDoubleFunction<ProvinceQuality> value, String check) {
        var b = Gauge.builder(name, this, i -> {
            ProvinceQuality p = i.latest;
            return p == null ? Double.NaN : value.applyAsDouble(p);
        }).description(description);
        if (check != null) {
            b.tag("check", check);
        }
        b.register(registry);
    }

    /** Recomputes the indicators (the {@code quality-indicators} route). */
    public void refresh() {
        YearMonth month = YearMonth.now(clock.withZone(RecordValidator.CHINA));
        try {
            latest = reports.province(month);
            if (failing.ended() != null) {
                log.info("data-quality indicators computed again");
            }
        } catch (RuntimeException e) {
            latest = null;
            if (failing.failed(e.toString())) { // one line per outage, not one per refresh
                log.warn("cannot compute the data-quality indicators of {} (gauges show NaN until it works): {}",
                        month, e.toString());
            }
        }
    }

    /** The last indicators computed, or null. */
    public ProvinceQuality latest() {
        return latest;
    }
}

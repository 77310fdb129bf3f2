package energyhub.routing.quality;

import static org.assertj.core.api.Assertions.assertThat;

import energyhub.standard.EnergyRecord;
import energyhub.standard.RecordError;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The bound on distinct series per package and per enterprise, against a ledger kept in a set: records of
 * series beyond it are refused with TOO_MANY_SERIES, series the ledger has are still taken, and the
 * ledger is counted again (after writing what the batch gathered) only when an enterprise comes to its bound.
 */
class SeriesCapTest {

    private static final String E = QualityTallyTest.E;
    private static final String OTHER = "91350100M000100Y43";

    /** dq_series as a set; the batch's flush adds what it gathered to it. */
    private final Set<QualityTally.SeriesKey> ledger = new HashSet<>();
    private final Set<QualityTally.SeriesKey> pending = new HashSet<>();
    private int counts;
    private int flushes;

    private SeriesCap cap(int perPackage, int perEnterprise) {
        QualityProperties p = new QualityProperties();
        p.setMaxSeriesPerPackage(perPackage);
        p.setMaxSeriesPerEnterprise(perEnterprise);
        return new SeriesCap(p, e -> {
            counts++;
            return (int) ledger.stream().filter(k -> k.enterpriseCode().equals(e)).count();
        }, ledger::contains);
    }

    private RecordError admit(SeriesCap cap, String enterprise, int series, String inputType) {
        String code = String.format("00000000023%05d", series);
        RecordError r = cap.admit(new EnergyRecord(enterprise, "1.0", "1.0", code, "1", "1.229", "1", "1", inputType,
                "0", "2026-10-01 00:00:00", "2026-10-01 01:00:00"), () -> {
                    flushes++;
                    ledger.addAll(pending);
                    pending.clear();
                });
        if (r == null && !"6".equals(inputType)) {
            pending.add(new QualityTally.SeriesKey(enterprise, code, 0));
        }
        return r;
    }

    @Test
    void anEnterpriseGetsNoNewSeriesBeyondItsBoundButKeepsSendingThoseItHas() {
        for (int i = 0; i < 8; i++) {
            ledger.add(new QualityTally.SeriesKey(E, String.format("00000000023%05d", i), 0));
        }
        SeriesCap cap = cap(1000, 10);
        // the 8 it has (counted as perhaps new until the bound is near) and two new ones
        for (int i = 0; i < 10; i++) {
            assertThat(admit(cap, E, i, "1")).as("series " + i).isNull();
        }
        // a new series at the bound: what was gathered is written and the ledger counted again (at series 8,
        // counted 8 with those it had, and here: 10), so no 11th
        RecordError refused = admit(cap, E, 10, "1");
        assertThat(refused.code()).isEqualTo("TOO_MANY_SERIES");
        assertThat(refused.field()).isEqualTo("dataCode");
        assertThat(refused.message()).contains("enterprise " + E + " has 10 series", "max-series-per-enterprise 10");
        assertThat(flushes).isEqualTo(2);
        // series it has are still taken; a record of one seen in this batch costs nothing
        assertThat(admit(cap, E, 3, "1")).isNull();
        assertThat(admit(cap, E, 9, "1")).isNull();
        assertThat(admit(cap, E, 11, "1")).isNotNull();
        // another enterprise is not affected; supplier records count only towards the package
        assertThat(admit(cap, OTHER, 0, "1")).isNull();
        assertThat(admit(cap, E, 500, "6")).isNull();
        assertThat(cap.refused()).isEqualTo(2);
        assertThat(cap.firstReason()).contains("dataCode 0000000002300010");
        assertThat(flushes).isEqualTo(2); // a series it has, or one of the batch, never costs a count
        assertThat(counts).isEqualTo(4); // E at first, twice at its bound, OTHER
    }

    @Test
    void aPackageBringsAtMostItsBoundOfDistinctSeries() {
        SeriesCap cap = cap(5, 1000);
        for (int i = 0; i < 5; i++) {
            assertThat(admit(cap, i % 2 == 0 ? E : OTHER, i, "1")).isNull();
        }
        RecordError refused = admit(cap, E, 5, "6");
        assertThat(refused.code()).isEqualTo("TOO_MANY_SERIES");
        assertThat(refused.message()).contains("more than 5 distinct series", "max-series-per-package");
        assertThat(admit(cap, E, 4, "1")).as("a series of the package again").isNull();
        assertThat(flushes).isZero();
    }
}

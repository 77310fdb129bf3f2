package energyhub.routing.quality;

import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Completeness as the operator API, the cockpit's quality page and the metrics show it (docs/data-quality.md):
 * per enterprise, series, hole and day of a month, and the province at a glance. Computed from the month rows
 * of the series each enterprise owes ({@link ExpectedSeries}), one series at a time, never from the records.
 */
@Component
public class QualityReports {

    private final ExpectedSeries expected;
    private final ConsistencyChecks checks;
    private final QualityProperties properties;

    public QualityReports(ExpectedSeries expected, ConsistencyChecks checks, QualityProperties properties) {
        this.expected = expected;
        this.checks = checks;
        this.properties = properties;
    }

    /**
     * The completeness of one series in one month: periods due, received among them, and the holes: the first
     * of them in {@code missing} (at most {@code max-holes-per-series} in the API), all counted in
     * {@code missingCount}. {@code sender}: who its 补传 requests go to (the enterprise's bound sender).
     */
    public record SeriesQuality(String enterpriseCode, String dataCode, int statType, boolean scheduled,
            int expected, int received, int late, int superseded, int suspect, String sender,
            List<String> missing, int missingCount) {
    }

    /** One missing period of a series (a row of the holes CSV). */
    public record Hole(String enterpriseCode, String dataCode, int statType, String statDate) {
    }

    /** One enterprise's month. */
    public record EnterpriseQuality(String enterpriseCode, YearMonth month, int series, int expected,
            int received, double completeness, int late, int superseded, int suspect, boolean belowThreshold) {
    }

    /** One day of an enterprise's completeness calendar. */
    public record CalendarDay(LocalDate day, int expected, int received) {
    }

    /** The province at a glance (the metrics). */
    public record ProvinceQuality(YearMonth month, int enterprises, long expected, long received,
            double completeness, int enterprisesBelow, int dayMonthFlagged, int supplyFlagged) {
    }

    /**
     * Every enterprise's completeness for a month, lowest first. Read series by series (memory: one total per
     * enterprise, whatever the number of series).
     */
    @Transactional(readOnly = true)
    public List<EnterpriseQuality> enterprises(YearMonth month) {
        return summarise(month, null);
    }

    /** One enterprise's completeness for a month. */
    @Transactional(readOnly = true)
    public EnterpriseQuality enterprise(YearMonth month, String enterpriseCode) {
        var list = summarise(month, enterpriseCode);
        return list.isEmpty() ? new EnterpriseQuality(enterpriseCode, month, 0, 0, 0, 100, 0, 0, 0, false)
                : list.get(0);
    }

    /**
     * A page of one enterprise's series for a month (by dataCode and statType: {@code limit} from
     * {@code offset}), each with its first {@code max-holes-per-series} missing periods and their count.
     */
    @Transactional(readOnly = true)
    public List<SeriesQuality> series(YearMonth month, String enterpriseCode, long offset, int limit) {
        int listed = Math.max(0, properties.getMaxHolesPerSeries());
        List<SeriesQuality> out = new ArrayList<>();
        LocalDate row = month.atDay(1);
        expected.load(month, enterpriseCode, offset, Math.max(1, limit), s -> {
            List<String> missing = new ArrayList<>();
            int count = 0;
            for (int i = s.from(); i <= s.to(); i++) {
                if (!s.bits().get(i)) {
                    if (count++ < listed) {
                        missing.add(Periods.WIRE.format(Periods.start(s.statType(), row, i)));
                    }
                }
            }
            int owed = Math.max(0, s.to() - s.from() + 1);
            out.add(new SeriesQuality(s.enterpriseCode(), s.dataCode(), s.statType(), s.scheduled(), owed,
                    owed - count, s.late(), s.superseded(), s.suspect(), s.sender(), missing, count));
        });
        return out;
    }

    /**
     * One enterprise's missing periods of a month, series by series (dataCode, statType) and oldest first:
     * {@code limit} of them from {@code offset}, each handed to {@code each} as it is found (nothing gathered).
     * Returns how many were handed.
     */
    @Transactional(readOnly = true)
    public long holes(YearMonth month, String enterpriseCode, long offset, long limit, Consumer<Hole> each) {
        LocalDate row = month.atDay(1);
        long[] seen = {0, 0}; // holes passed, holes handed
        class Enough extends RuntimeException {
            Enough() {
                super(null, null, false, false);
            }
        }
        try {
            expected.load(month, enterpriseCode, 0, 0, s -> {
                for (int i = s.from(); i <= s.to(); i++) {
                    if (!s.bits().get(i) && seen[0]++ >= offset) {
                        if (seen[1] >= limit) {
                            throw new Enough();
                        }
                        each.accept(new Hole(s.enterpriseCode(), s.dataCode(), s.statType(),
                                Periods.WIRE.format(Periods.start(s.statType(), row, i))));
                        seen[1]++;
                    }
                }
            });
        } catch (Enough e) {
            // the page is full: the rest of the series are not read
        }
        return seen[1];
    }

    /** Per day of the month: periods due and received, over every expected series of the enterprise. */
    @Transactional(readOnly = true)
    public List<CalendarDay> calendar(YearMonth month, String enterpriseCode) {
        int days = month.lengthOfMonth();
        int[] owed = new int[days];
        int[] received = new int[days];
        expected.load(month, enterpriseCode, 0, 0, s -> {
            for (int i = s.from(); i <= s.to(); i++) {
                int d = Periods.day(s.statType(), i) - 1;
                owed[d]++;
                if (s.bits().get(i)) {
                    received[d]++;
                }
            }
        });
        List<CalendarDay> out = new ArrayList<>(days);
        for (int d = 0; d < days; d++) {
            out.add(new CalendarDay(month.atDay(d + 1), owed[d], received[d]));
        }
        return out;
    }

    /** The province's indicators for a month (the metrics). */
    @Transactional(readOnly = true)
    public ProvinceQuality province(YearMonth month) {
        List<EnterpriseQuality> all = enterprises(month);
        long owed = 0;
        long received = 0;
        int below = 0;
        for (EnterpriseQuality e : all) {
            owed += e.expected();
            received += e.received();
            below += e.belowThreshold() ? 1 : 0;
        }
        int supply = (int) checks.supply(month, null).stream().filter(ConsistencyChecks.SupplyCheck::flagged).count();
        return new ProvinceQuality(month, all.size(), owed, received,
                owed == 0 ? 100 : ConsistencyChecks.round(100.0 * received / owed), below,
                checks.dayMonthFlagged(month), supply);
    }

    /** The totals per enterprise of its series of a month, read one series at a time. */
    private List<EnterpriseQuality> summarise(YearMonth month, String enterpriseCode) {
        Map<String, int[]> byEnterprise = new TreeMap<>();
        expected.load(month, enterpriseCode, 0, 0, s -> {
            int[] t = byEnterprise.computeIfAbsent(s.enterpriseCode(), k -> new int[6]);
            t[0]++;
            if (s.to() >= s.from()) {
                t[1] += s.to() - s.from() + 1;
                t[2] += s.bits().get(s.from(), s.to() + 1).cardinality();
            }
            t[3] += s.late();
            t[4] += s.superseded();
            t[5] += s.suspect();
        });
        List<EnterpriseQuality> out = new ArrayList<>();
        byEnterprise.forEach((e, t) -> {
            double completeness = t[1] == 0 ? 100 : 100.0 * t[2] / t[1];
            out.add(new EnterpriseQuality(e, month, t[0], t[1], t[2], ConsistencyChecks.round(completeness), t[3],
                    t[4], t[5], completeness < properties.getCompletenessThreshold()));
        });
        out.sort((a, b) -> a.completeness() != b.completeness() ? Double.compare(a.completeness(), b.completeness())
                : a.enterpriseCode().compareTo(b.enterpriseCode()));
        return out;
    }
}

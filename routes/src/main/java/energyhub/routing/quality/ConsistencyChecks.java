package energyhub.routing.quality;

import java.math.BigDecimal;
import java.math.MathContext;
import java.sql.Date;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Do the values agree (docs/data-quality.md, "Indicators"): the days of a month with its monthly value, and an
 * energy supplier's figures with the enterprise's own 全厂 ones. Read from the month rows, row by row.
 */
@Component
public class ConsistencyChecks {

    private final JdbcTemplate cursor;
    private final QualityProperties properties;

    public ConsistencyChecks(JdbcTemplate jdbc, QualityProperties properties) {
        this.cursor = LedgerSql.cursor(jdbc);
        this.properties = properties;
    }

    /** Σ daily values of a month against the monthly value, for one enterprise and data code. */
    public record DayMonthCheck(String enterpriseCode, String dataCode, YearMonth month, BigDecimal daySum,
            int days, int daysInMonth, BigDecimal monthValue, Double deviationPercent, boolean flagged) {
    }

    /** A supplier's value of an energy type and period against the enterprise's own (scope 1, 全厂). */
    public record SupplyCheck(String enterpriseCode, String energyType, int statType, String statDate,
            BigDecimal supplierValue, BigDecimal ownValue, Double deviationPercent, boolean flagged) {
    }

    /**
     * Day-vs-month checks of a month, one enterprise or all (enterpriseCode null): the first
     * {@code max-page-size} by enterprise and data code.
     */
    @Transactional(readOnly = true)
    public List<DayMonthCheck> dayMonth(YearMonth month, String enterpriseCode) {
        List<DayMonthCheck> out = new ArrayList<>();
        dayMonth(month, enterpriseCode, Math.max(1, properties.getMaxPageSize()), out::add);
        return out;
    }

    /** Day-vs-month checks of a month flagged, over all enterprises (read row by row, nothing gathered). */
    @Transactional(readOnly = true)
    public int dayMonthFlagged(YearMonth month) {
        int[] flagged = {0};
        dayMonth(month, null, 0, c -> flagged[0] += c.flagged() ? 1 : 0);
        return flagged[0];
    }

    /** Day-vs-month checks of a month handed one by one (read row by row); {@code limit} > 0: that many. */
    private void dayMonth(YearMonth month, String enterpriseCode, int limit, Consumer<DayMonthCheck> each) {
        String one = enterpriseCode == null ? "" : " and d.enterprise_code = ?";
        List<Object> args = new ArrayList<>(List.of(Date.valueOf(month.atDay(1))));
        if (enterpriseCode != null) {
            args.add(enterpriseCode);
        }
        cursor.query("select d.enterprise_code, d.data_code, d.value_sum, d.received, m.vals"
                + " from dq_slots d join dq_slots m on m.enterprise_code = d.enterprise_code"
                + " and m.data_code = d.data_code and m.stat_type = 2 and m.month = d.month and not m.supplier"
                + " where d.stat_type = 1 and not d.supplier and d.month = ?" + one + " order by 1, 2"
                + (limit > 0 ? " limit " + limit : ""), rs -> {
                    BigDecimal sum = rs.getBigDecimal(3);
                    int days = rs.getInt(4);
                    String monthly = rs.getString(5);
                    BigDecimal monthValue = monthly == null ? null : new BigDecimal(monthly);
                    Double deviation = deviation(sum, monthValue);
                    boolean complete = days == month.lengthOfMonth();
                    each.accept(new DayMonthCheck(rs.getString(1), rs.getString(2), month, sum, days,
                            month.lengthOfMonth(), monthValue, deviation,
                            complete && deviation != null && deviation > properties.getDeviationThreshold()));
                }, args.toArray());
    }

    /** Supplier-vs-enterprise checks of a month, one enterprise or all (enterpriseCode null). */
    @Transactional(readOnly = true)
    public List<SupplyCheck> supply(YearMonth month, String enterpriseCode) {
        String one = enterpriseCode == null ? "" : " and s.enterprise_code = ?";
        List<Object> args = new ArrayList<>(List.of(Date.valueOf(month.atDay(1))));
        if (enterpriseCode != null) {
            args.add(enterpriseCode);
        }
        // the supplier's rows of the month and the enterprise's own 全厂 rows of the same energy type and statType,
        // summed as they are read (memory: one sum per enterprise, energy type and statType)
        record Key(String enterprise, String energyType, int statType) {
        }
        Map<Key, BigDecimal[][]> sums = new LinkedHashMap<>();
        cursor.query("select o.enterprise_code, substring(o.data_code from 11 for 4), o.stat_type,"
                + " o.supplier, o.vals, o.slots from dq_slots o where o.month = ? and o.stat_type in (1, 2)"
                + " and (o.supplier or o.plant) and exists (select 1 from dq_slots s where s.supplier"
                + " and s.month = o.month and s.enterprise_code = o.enterprise_code and s.stat_type = o.stat_type"
                + " and substring(s.data_code from 11 for 4) = substring(o.data_code from 11 for 4)" + one + ")"
                + " order by 1, 2, 3", rs -> {
                    String[] vals = StoredValues.split(rs.getString(5), rs.getInt(6));
                    if (vals == null) {
                        return;
                    }
                    BigDecimal[][] s = sums.computeIfAbsent(new Key(rs.getString(1), rs.getString(2),
                            rs.getShort(3)), k -> new BigDecimal[2][vals.length]);
                    BigDecimal[] side = s[rs.getBoolean(4) ? 0 : 1];
                    for (int i = 0; i < vals.length && i < side.length; i++) {
                        if (vals[i] != null) {
                            side[i] = side[i] == null ? new BigDecimal(vals[i]) : side[i].add(new BigDecimal(vals[i]));
                        }
                    }
                }, args.toArray());
        List<SupplyCheck> out = new ArrayList<>();
        sums.forEach((k, s) -> {
            LocalDate row = month.atDay(1);
            for (int i = 0; i < s[0].length; i++) {
                if (s[0][i] == null) {
                    continue;
                }
                Double deviation = deviation(s[0][i], s[1][i]);
                out.add(new SupplyCheck(k.enterprise(), k.energyType(), k.statType(),
                        Periods.WIRE.format(Periods.start(k.statType(), row, i)), s[0][i], s[1][i], deviation,
                        deviation != null && deviation > properties.getDeviationThreshold()));
            }
        });
        return out;
    }

    /** |value − reference| ÷ |reference| in percent; null without a reference, infinite against a zero one. */
    static Double deviation(BigDecimal value, BigDecimal reference) {
        if (value == null || reference == null) {
            return null;
        }
        if (reference.signum() == 0) {
            return value.signum() == 0 ? 0.0 : Double.POSITIVE_INFINITY;
        }
        return round(value.subtract(reference).abs().multiply(BigDecimal.valueOf(100))
                .divide(reference.abs(), MathContext.DECIMAL64).doubleValue());
    }

    /** A percentage as the reports show it: 2 decimals. */
    static double round(double v) {
        return Double.isInfinite(v) ? v : Math.round(v * 100) / 100.0;
    }
}

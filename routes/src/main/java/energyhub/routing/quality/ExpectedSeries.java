package energyhub.routing.quality;

import energyhub.standard.RecordValidator;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.Consumer;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Which periods an enterprise owes in a month (docs/data-quality.md, "Expected periods"): its schedule's
 * series, or without one the series it sent until {@code default-lookback-days} after their last period;
 * each only once due. The reports and the 补传 requests read the ledger through it.
 */
@Component
public class ExpectedSeries {

    private final JdbcTemplate cursor;
    private final QualityProperties properties;
    private final Clock clock;

    public ExpectedSeries(JdbcTemplate jdbc, QualityProperties properties, Clock clock) {
        this.cursor = LedgerSql.cursor(jdbc);
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * An expected series of a month with what the ledger holds of it: its row's periods {@code from} to
     * {@code to} are owed and due (none when {@code to} < {@code from}), {@code bits} those received.
     */
    record Owed(String enterpriseCode, String dataCode, int statType, boolean scheduled, String sender,
            BitSet bits, int from, int to, int late, int superseded, int suspect) {
    }

    /**
     * The series expected of an enterprise (or of all) in a month: its schedule when it has one, else every
     * series it sent, from its first period on, until {@code default-lookback-days} after the end of its last
     * ({@link #lastOwed}). Year series (statType 3) are not part of a month. Each comes with its due periods:
     * those whose deadline has passed by now. Read row by row (call it inside a read-only transaction) and
     * handed to {@code each}, never gathered; {@code limit} > 0: only that many series from {@code offset} (SQL).
     */
    void load(YearMonth month, String enterpriseCode, long offset, int limit, Consumer<Owed> each) {
        LocalDateTime monthStart = month.atDay(1).atStartOfDay();
        LocalDateTime monthEnd = month.plusMonths(1).atDay(1).atStartOfDay();
        LocalDateTime now = now();
        String one = enterpriseCode == null ? "" : " and x.enterprise_code = ?";
        List<Object> args = new ArrayList<>();
        // expected series: scheduled ones, and for enterprises without a schedule, the recent ones
        String sql = "with expected as ("
                + " select d.enterprise_code, d.data_code, d.stat_type, true as scheduled, null::timestamp as first_period,"
                + " null::timestamp as last_period"
                + " from dq_schedule d where d.stat_type < 3"
                + " union all"
                + " select s.enterprise_code, s.data_code, s.stat_type, false, s.first_period, s.last_period from dq_series s"
                + " where s.stat_type < 3 and s.first_period < ? and s.last_period + case s.stat_type"
                + " when 0 then interval '15 minutes' when 1 then interval '1 day' else interval '1 month' end > ?"
                + " and not exists (select 1 from dq_schedule d where d.enterprise_code = s.enterprise_code))"
                + " select x.enterprise_code, x.data_code, x.stat_type, x.scheduled, x.first_period, b.sender,"
                + " q.bits, q.late, q.superseded, q.suspect, x.last_period"
                + " from expected x left join dq_sender b on b.enterprise_code = x.enterprise_code"
                + " left join dq_slots q on q.enterprise_code = x.enterprise_code and q.data_code = x.data_code"
                + " and q.stat_type = x.stat_type and q.month = ? and not q.supplier"
                + " where true" + one + " order by 1, 2, 3" + (limit > 0 ? " limit ? offset ?" : "");
        args.add(Timestamp.valueOf(monthEnd));
        // the series' last period ended less than the look-back before the month's start: it owes part of it
        args.add(Timestamp.valueOf(monthStart.minusDays(properties.getDefaultLookbackDays())));
        args.add(Date.valueOf(month.atDay(1)));
        if (enterpriseCode != null) {
            args.add(enterpriseCode);
        }
        if (limit > 0) {
            args.add(limit);
            args.add(Math.max(0, offset));
        }
        cursor.query(sql, rs -> {
            int statType = rs.getShort(3);
            LocalDate row = month.atDay(1);
            Timestamp first = rs.getTimestamp(5);
            int from = 0;
            if (first != null && first.toLocalDateTime().isAfter(monthStart)) {
                from = Periods.index(statType, first.toLocalDateTime());
            }
            int to = lastDue(statType, row, now);
            Timestamp last = rs.getTimestamp(11);
            if (last != null) {
                to = Math.min(to, lastOwed(statType, row, last.toLocalDateTime(), properties.getDefaultLookbackDays()));
            }
            byte[] bits = rs.getBytes(7);
            each.accept(new Owed(rs.getString(1), rs.getString(2), statType, rs.getBoolean(4), rs.getString(6),
                    bits == null ? new BitSet() : BitSet.valueOf(bits), from, to, rs.getInt(8), rs.getInt(9),
                    rs.getInt(10)));
        }, args.toArray());
    }

    /** Now, in China's time (the standard's statDates are). */
    LocalDateTime now() {
        return LocalDateTime.now(clock.withZone(RecordValidator.CHINA));
    }

    /**
     * The index of the row's last period a series without a schedule still owes, having sent {@code lastPeriod}
     * last; -1 when it owes none of the row.
     */
    static int lastOwed(int statType, LocalDate row, LocalDateTime lastPeriod, int lookbackDays) {
        // owed: the periods starting before the look-back's end (the same condition as load's SQL)
        LocalDateTime until = Periods.end(statType, lastPeriod).plusDays(lookbackDays);
        if (!until.isAfter(row.atStartOfDay())) {
            return -1;
        }
        int last = Periods.slots(statType, row) - 1;
        if (until.isAfter(Periods.start(statType, row, last))) {
            return last;
        }
        // until falls inside the row (statType 0 and 1 only: the others have a single period)
        return Periods.index(statType, until.minusNanos(1));
    }

    /** The index of the row's last period whose deadline has passed by {@code now}; -1 when none. */
    int lastDue(int statType, LocalDate row, LocalDateTime now) {
        LocalDateTime latestEnd = now.minus(properties.deadline(statType)); // due: ended by then
        int last = Periods.slots(statType, row) - 1;
        if (!Periods.end(statType, Periods.start(statType, row, last)).isAfter(latestEnd)) {
            return last;
        }
        if (statType >= 2 || !latestEnd.isAfter(row.atStartOfDay())) {
            return -1;
        }
        // latestEnd falls inside the row: the periods before the one it falls in have ended
        return Periods.index(statType, latestEnd) - 1;
    }
}

package energyhub.routing.quality;

import energyhub.standard.RecordValidator;
import java.math.BigDecimal;
import java.math.MathContext;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The data-quality ledger (docs/data-quality.md): the only code that writes its tables. BatchStager feeds it
 * in the staging transaction ({@link #flush}); the operator API, the cockpit's quality page, the metrics and
 * the 补传 requests read it. Reads work on the per-series-month rows the staging keeps up to date, never on
 * the records themselves.
 */
@Component
public class QualityLedger {

    /** A manifest's sender kept for 补传 requests: a plain identifier such as a credit code, nothing else. */
    private static final Pattern PLAIN_SENDER = Pattern.compile("[0-9A-Za-z][0-9A-Za-z_.-]{0,63}");

    private final JdbcTemplate jdbc;
    private final QualityProperties properties;
    private final Clock clock;

    public QualityLedger(JdbcTemplate jdbc, QualityProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.clock = clock;
    }

    public boolean enabled() {
        return properties.isEnabled();
    }

    /** A new tally for one batch. */
    public QualityTally tally() {
        return new QualityTally(properties);
    }

    /** The sender kept for a batch: the one it names when that is a plain identifier, else none. */
    public static String plainSender(String sender) {
        return sender != null && PLAIN_SENDER.matcher(sender).matches() ? sender : null;
    }

    // ------------------------------------------------------------------ writing (staging transaction)

    /**
     * Adds a tally to the ledger and empties it. Must run in the transaction that stages the records, so the
     * ledger counts exactly what is delivered: a batch rolled back is not counted, a duplicate never reaches here.
     */
    public void flush(QualityTally tally, String sender, String source) {
        if (tally.isEmpty()) {
            return;
        }
        String kept = plainSender(sender);
        var series = tally.sortedSeries();
        jdbc.batchUpdate("insert into dq_series (enterprise_code, data_code, stat_type, first_period, last_period, "
                + "sender, source) values (?,?,?,?,?,?,?) on conflict (enterprise_code, data_code, stat_type) do update "
                + "set first_period = least(dq_series.first_period, excluded.first_period), "
                + "last_period = greatest(dq_series.last_period, excluded.last_period), "
                + "sender = coalesce(excluded.sender, dq_series.sender), source = excluded.source, updated_at = now()",
                new BatchPreparedStatementSetter() {
                    @Override
                    public void setValues(PreparedStatement ps, int i) throws SQLException {
                        var e = series.get(i);
                        ps.setString(1, e.getKey().enterpriseCode());
                        ps.setString(2, e.getKey().dataCode());
                        ps.setShort(3, (short) e.getKey().statType());
                        ps.setTimestamp(4, Timestamp.valueOf(e.getValue().first));
                        ps.setTimestamp(5, Timestamp.valueOf(e.getValue().last));
                        ps.setString(6, kept);
                        ps.setString(7, source);
                    }

                    @Override
                    public int getBatchSize() {
                        return series.size();
                    }
                });
        var rows = tally.sortedRows();
        // rows new to the ledger are written whole by one statement; the others are merged below
        Set<QualityTally.RowKey> inserted = insertNew(rows);
        var existing = rows.stream().filter(e -> !inserted.contains(e.getKey())).toList();
        if (!existing.isEmpty()) {
            merge(existing);
        }
        tally.clear();
    }

    private record Stored(String ctid, BitSet bits, String[] vals, String[] uploads) {
    }

    /** The stored form of a row's values or uploadDates: one text, the periods' entries comma-separated. */
    static String joined(String[] entries) {
        if (entries == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(entries.length * 12);
        for (int i = 0; i < entries.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            if (entries[i] != null) {
                b.append(entries[i]);
            }
        }
        return b.toString();
    }

    /** The entries of {@link #joined} text, {@code slots} of them, null where a period has none. */
    static String[] split(String text, int slots) {
        if (text == null) {
            return null;
        }
        String[] out = new String[slots];
        int at = 0;
        for (int i = 0; i < slots && at <= text.length(); i++) {
            int comma = text.indexOf(',', at);
            int end = comma < 0 ? text.length() : comma;
            out[i] = end > at ? text.substring(at, end) : null;
            at = end + 1;
        }
        return out;
    }

    private static BigDecimal sum(String[] vals) {
        if (vals == null) {
            return null;
        }
        BigDecimal sum = BigDecimal.ZERO;
        for (String v : vals) {
            if (v != null) {
                sum = sum.add(new BigDecimal(v));
            }
        }
        return sum;
    }

    /**
     * Inserts, whole, the rows the ledger does not have yet (one statement, in the tally's order) and returns
     * their keys; rows another transaction holds or has are left to {@link #merge}.
     */
    private Set<QualityTally.RowKey> insertNew(List<Map.Entry<QualityTally.RowKey, QualityTally.Row>> rows) {
        String[][] cols = keyColumns(rows, 15);
        for (int i = 0; i < rows.size(); i++) {
            QualityTally.Row r = rows.get(i).getValue();
            cols[5][i] = Integer.toString(r.slots);
            cols[6][i] = java.util.HexFormat.of().formatHex(r.bits.toByteArray());
            cols[7][i] = Integer.toString(r.bits.cardinality());
            cols[8][i] = joined(r.values);
            cols[9][i] = joined(r.uploads);
            BigDecimal sum = sum(r.values);
            cols[10][i] = sum == null ? null : sum.toPlainString();
            cols[11][i] = Boolean.toString(r.plant);
            cols[12][i] = Integer.toString(r.late);
            cols[13][i] = Integer.toString(r.superseded);
            cols[14][i] = Integer.toString(r.suspect);
        }
        Set<QualityTally.RowKey> out = new java.util.HashSet<>();
        unnest("insert into dq_slots (enterprise_code, data_code, stat_type, "
                    + "month, supplier, slots, bits, received, vals, uploads, value_sum, plant, late, superseded, suspect) "
                    + "select k.e, k.c, k.t::smallint, k.m::date, k.s::boolean, k.n::integer, decode(k.b, 'hex'), "
                    + "k.r::integer, k.v, k.u, k.vs::numeric, k.p::boolean, k.l::integer, k.sd::integer, k.sp::integer "
                    + "from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], "
                    + "?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) "
                    + "with ordinality as k(e, c, t, m, s, n, b, r, v, u, vs, p, l, sd, sp, o) order by k.o "
                    + "on conflict (enterprise_code, data_code, stat_type, month, supplier) do nothing "
                    + "returning enterprise_code, data_code, stat_type, month, supplier", cols, rs -> {
            out.add(new QualityTally.RowKey(rs.getString(1), rs.getString(2), rs.getShort(3),
                    rs.getDate(4).toLocalDate(), rs.getBoolean(5)));
        });
        return out;
    }

    /** Runs a statement whose parameters are the text[] columns of an {@code unnest}, one callback per row it returns. */
    private void unnest(String sql, String[][] cols, org.springframework.jdbc.core.RowCallbackHandler rows) {
        jdbc.query(con -> {
            PreparedStatement ps = con.prepareStatement(sql);
            for (int c = 0; c < cols.length; c++) {
                ps.setArray(c + 1, con.createArrayOf("text", cols[c]));
            }
            return ps;
        }, rows);
    }

    /** Columns for {@code unnest}: the rows' keys in the first five (as text), room for more after them. */
    private static String[][] keyColumns(List<Map.Entry<QualityTally.RowKey, QualityTally.Row>> rows, int columns) {
        String[][] cols = new String[columns][rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            var k = rows.get(i).getKey();
            cols[0][i] = k.enterpriseCode();
            cols[1][i] = k.dataCode();
            cols[2][i] = Integer.toString(k.statType());
            cols[3][i] = k.month().toString();
            cols[4][i] = Boolean.toString(k.supplier());
        }
        return cols;
    }

    /** Adds a tally's rows to rows the ledger has: locked in the tally's order, merged, updated by ctid. */
    private void merge(List<Map.Entry<QualityTally.RowKey, QualityTally.Row>> rows) {
        Map<QualityTally.RowKey, Stored> stored = lock(rows);
        // each row is locked by this transaction now, so its ctid stays put until the commit
        jdbc.batchUpdate("update dq_slots set bits = ?, received = ?, vals = ?, uploads = ?, value_sum = ?, "
                + "plant = plant or ?, late = late + ?, superseded = superseded + ?, suspect = suspect + ? "
                + "where ctid = ?::tid",
                new BatchPreparedStatementSetter() {
                    @Override
                    public void setValues(PreparedStatement ps, int i) throws SQLException {
                        var e = rows.get(i);
                        QualityTally.Row add = e.getValue();
                        Stored old = stored.get(e.getKey());
                        BitSet bits = old.bits;
                        BitSet again = (BitSet) bits.clone();
                        again.and(add.bits);
                        bits.or(add.bits);
                        String[] vals = null;
                        String[] uploads = null;
                        if (add.values != null) {
                            vals = old.vals != null ? old.vals : new String[add.slots];
                            uploads = old.uploads != null ? old.uploads : new String[add.slots];
                            for (int p = add.bits.nextSetBit(0); p >= 0; p = add.bits.nextSetBit(p + 1)) {
                                if (uploads[p] == null || uploads[p].compareTo(add.uploads[p]) <= 0) {
                                    vals[p] = add.values[p];
                                    uploads[p] = add.uploads[p];
                                }
                            }
                        }
                        ps.setBytes(1, bits.toByteArray());
                        ps.setInt(2, bits.cardinality());
                        ps.setString(3, joined(vals));
                        ps.setString(4, joined(uploads));
                        ps.setBigDecimal(5, sum(vals));
                        ps.setBoolean(6, add.plant);
                        ps.setInt(7, add.late);
                        ps.setInt(8, add.superseded + again.cardinality());
                        ps.setInt(9, add.suspect);
                        ps.setString(10, old.ctid);
                    }

                    @Override
                    public int getBatchSize() {
                        return rows.size();
                    }
                });
    }

    /**
     * Locks rows the ledger has, in the tally's order, and reads them with their ctids. A row inserted by another
     * transaction that has not committed yet is waited for (its insert holds the key).
     */
    private Map<QualityTally.RowKey, Stored> lock(List<Map.Entry<QualityTally.RowKey, QualityTally.Row>> rows) {
        String[][] cols = keyColumns(rows, 5);
        Map<QualityTally.RowKey, Stored> out = new HashMap<>();
        unnest("select s.ctid::text, s.enterprise_code, s.data_code, "
                    + "s.stat_type, s.month, s.supplier, s.slots, s.bits, s.vals, s.uploads from unnest(?::text[], "
                    + "?::text[], ?::text[], ?::text[], ?::text[]) with ordinality as k(e, c, t, m, s, o) "
                    + "join dq_slots s on s.enterprise_code = k.e and s.data_code = k.c and s.stat_type = k.t::smallint "
                    + "and s.month = k.m::date and s.supplier = k.s::boolean order by k.o for update of s", cols, rs -> {
            int slots = rs.getInt(7);
            out.put(new QualityTally.RowKey(rs.getString(2), rs.getString(3), rs.getShort(4),
                    rs.getDate(5).toLocalDate(), rs.getBoolean(6)),
                    new Stored(rs.getString(1), BitSet.valueOf(rs.getBytes(8)), split(rs.getString(9), slots),
                            split(rs.getString(10), slots)));
        });
        if (out.size() != rows.size()) {
            // a row inserted by a transaction that then rolled back: this staging fails and is retried
            throw new IllegalStateException("data-quality ledger: " + rows.size() + " rows to merge, " + out.size()
                    + " found; the batch is staged again");
        }
        return out;
    }

    // ------------------------------------------------------------------ schedule

    /** One line of the imported schedule: an enterprise must report this data code at this statType. */
    public record ScheduleEntry(String enterpriseCode, String dataCode, int statType) {
    }

    /** Replaces the schedule of the enterprises named in {@code entries} (others keep theirs); returns rows kept. */
    @Transactional
    public int importSchedule(List<ScheduleEntry> entries) {
        var enterprises = entries.stream().map(ScheduleEntry::enterpriseCode).distinct().toList();
        jdbc.batchUpdate("delete from dq_schedule where enterprise_code = ?", enterprises, 500,
                (ps, e) -> ps.setString(1, e));
        jdbc.batchUpdate("insert into dq_schedule (enterprise_code, data_code, stat_type) values (?,?,?) "
                + "on conflict do nothing", entries, 500, (ps, e) -> {
                    ps.setString(1, e.enterpriseCode());
                    ps.setString(2, e.dataCode());
                    ps.setShort(3, (short) e.statType());
                });
        return entries.size();
    }

    /** Drops the schedule of one enterprise: it is expected to report what it sent recently again. */
    public int clearSchedule(String enterpriseCode) {
        return jdbc.update("delete from dq_schedule where enterprise_code = ?", enterpriseCode);
    }

    public List<ScheduleEntry> schedule(String enterpriseCode) {
        return jdbc.query("select enterprise_code, data_code, stat_type from dq_schedule where enterprise_code = ? "
                + "order by data_code, stat_type", (rs, n) -> new ScheduleEntry(rs.getString(1), rs.getString(2),
                        rs.getShort(3)), enterpriseCode);
    }

    // ------------------------------------------------------------------ reading

    /** The completeness of one series in one month: periods due, received among them, and the holes. */
    public record SeriesQuality(String enterpriseCode, String dataCode, int statType, boolean scheduled,
            int expected, int received, int late, int superseded, int suspect, String sender,
            List<String> missing) {
    }

    /** One enterprise's month. */
    public record EnterpriseQuality(String enterpriseCode, YearMonth month, int series, int expected,
            int received, double completeness, int late, int superseded, int suspect, boolean belowThreshold) {
    }

    /** One day of an enterprise's completeness calendar. */
    public record CalendarDay(LocalDate day, int expected, int received) {
    }

    /** Σ daily values of a month against the monthly value, for one enterprise and data code. */
    public record DayMonthCheck(String enterpriseCode, String dataCode, YearMonth month, BigDecimal daySum,
            int days, int daysInMonth, BigDecimal monthValue, Double deviationPercent, boolean flagged) {
    }

    /** A supplier's value of an energy type and period against the enterprise's own (scope 1, 全厂). */
    public record SupplyCheck(String enterpriseCode, String energyType, int statType, String statDate,
            BigDecimal supplierValue, BigDecimal ownValue, Double deviationPercent, boolean flagged) {
    }

    /** The province at a glance (the metrics). */
    public record ProvinceQuality(YearMonth month, int enterprises, long expected, long received,
            double completeness, int enterprisesBelow, int dayMonthFlagged, int supplyFlagged) {
    }

    /** Every enterprise's completeness for a month, lowest first. */
    public List<EnterpriseQuality> enterprises(YearMonth month) {
        return summarise(month, series(month, null, false));
    }

    /** One enterprise's completeness for a month. */
    public EnterpriseQuality enterprise(YearMonth month, String enterpriseCode) {
        var list = summarise(month, series(month, enterpriseCode, false));
        return list.isEmpty() ? new EnterpriseQuality(enterpriseCode, month, 0, 0, 0, 100, 0, 0, 0, false)
                : list.get(0);
    }

    /** One enterprise's series for a month, with the missing periods (statDates) of each. */
    public List<SeriesQuality> series(YearMonth month, String enterpriseCode) {
        return series(month, enterpriseCode, true);
    }

    /** Per day of the month: periods due and received, over every expected series of the enterprise. */
    public List<CalendarDay> calendar(YearMonth month, String enterpriseCode) {
        int days = month.lengthOfMonth();
        int[] expected = new int[days];
        int[] received = new int[days];
        for (Loaded s : load(month, enterpriseCode)) {
            for (int i = s.from; i <= s.to; i++) {
                int d = Periods.day(s.statType, i) - 1;
                expected[d]++;
                if (s.bits.get(i)) {
                    received[d]++;
                }
            }
        }
        List<CalendarDay> out = new ArrayList<>(days);
        for (int d = 0; d < days; d++) {
            out.add(new CalendarDay(month.atDay(d + 1), expected[d], received[d]));
        }
        return out;
    }

    private List<SeriesQuality> series(YearMonth month, String enterpriseCode, boolean withHoles) {
        List<SeriesQuality> out = new ArrayList<>();
        for (Loaded s : load(month, enterpriseCode)) {
            int expected = Math.max(0, s.to - s.from + 1);
            int received = 0;
            List<String> missing = withHoles ? new ArrayList<>() : List.of();
            LocalDate row = Periods.row(s.statType, month.atDay(1).atStartOfDay());
            for (int i = s.from; i <= s.to; i++) {
                if (s.bits.get(i)) {
                    received++;
                } else if (withHoles) {
                    missing.add(Periods.WIRE.format(Periods.start(s.statType, row, i)));
                }
            }
            out.add(new SeriesQuality(s.enterpriseCode, s.dataCode, s.statType, s.scheduled, expected, received,
                    s.late, s.superseded, s.suspect, s.sender, missing));
        }
        return out;
    }

    private List<EnterpriseQuality> summarise(YearMonth month, List<SeriesQuality> series) {
        Map<String, int[]> byEnterprise = new TreeMap<>();
        for (SeriesQuality s : series) {
            int[] t = byEnterprise.computeIfAbsent(s.enterpriseCode(), k -> new int[6]);
            t[0]++;
            t[1] += s.expected();
            t[2] += s.received();
            t[3] += s.late();
            t[4] += s.superseded();
            t[5] += s.suspect();
        }
        List<EnterpriseQuality> out = new ArrayList<>();
        byEnterprise.forEach((e, t) -> {
            double completeness = t[1] == 0 ? 100 : 100.0 * t[2] / t[1];
            out.add(new EnterpriseQuality(e, month, t[0], t[1], t[2], round(completeness), t[3], t[4], t[5],
                    completeness < properties.getCompletenessThreshold()));
        });
        out.sort((a, b) -> a.completeness() != b.completeness() ? Double.compare(a.completeness(), b.completeness())
                : a.enterpriseCode().compareTo(b.enterpriseCode()));
        return out;
    }

    /** An expected series of a month with what the ledger holds of it, and the due range of its row's periods. */
    private record Loaded(String enterpriseCode, String dataCode, int statType, boolean scheduled, String sender,
            BitSet bits, int from, int to, int late, int superseded, int suspect) {
    }

    /**
     * The series expected of an enterprise (or of all) in a month: its schedule when it has one, else every
     * series it sent within {@code default-lookback-days} before the month's end (from its first period on).
     * Year series (statType 3) are not part of a month. Each comes with its due periods: those whose deadline
     * has passed by now.
     */
    private List<Loaded> load(YearMonth month, String enterpriseCode) {
        LocalDateTime monthStart = month.atDay(1).atStartOfDay();
        LocalDateTime monthEnd = month.plusMonths(1).atDay(1).atStartOfDay();
        LocalDateTime now = LocalDateTime.now(clock.withZone(RecordValidator.CHINA));
        String one = enterpriseCode == null ? "" : " and x.enterprise_code = ?";
        List<Object> args = new ArrayList<>();
        // expected series: scheduled ones, and for enterprises without a schedule, the recent ones
        String sql = "with expected as ("
                + " select d.enterprise_code, d.data_code, d.stat_type, true as scheduled, null::timestamp as first_period"
                + " from dq_schedule d where d.stat_type < 3"
                + " union all"
                + " select s.enterprise_code, s.data_code, s.stat_type, false, s.first_period from dq_series s"
                + " where s.stat_type < 3 and s.last_period >= ? and s.first_period < ?"
                + " and not exists (select 1 from dq_schedule d where d.enterprise_code = s.enterprise_code))"
                + " select x.enterprise_code, x.data_code, x.stat_type, x.scheduled, x.first_period, r.sender,"
                + " q.bits, q.late, q.superseded, q.suspect"
                + " from expected x left join dq_series r on r.enterprise_code = x.enterprise_code"
                + " and r.data_code = x.data_code and r.stat_type = x.stat_type"
                + " left join dq_slots q on q.enterprise_code = x.enterprise_code and q.data_code = x.data_code"
                + " and q.stat_type = x.stat_type and q.month = ? and not q.supplier"
                + " where true" + one + " order by 1, 2, 3";
        args.add(Timestamp.valueOf(monthStart.minusDays(properties.getDefaultLookbackDays())));
        args.add(Timestamp.valueOf(monthEnd));
        args.add(Date.valueOf(month.atDay(1)));
        if (enterpriseCode != null) {
            args.add(enterpriseCode);
        }
        return jdbc.query(sql, (rs, n) -> {
            int statType = rs.getShort(3);
            LocalDate row = month.atDay(1);
            Timestamp first = rs.getTimestamp(5);
            int from = 0;
            if (first != null && first.toLocalDateTime().isAfter(monthStart)) {
                from = Periods.index(statType, first.toLocalDateTime());
            }
            int to = lastDue(statType, row, now);
            byte[] bits = rs.getBytes(7);
            return new Loaded(rs.getString(1), rs.getString(2), statType, rs.getBoolean(4), rs.getString(6),
                    bits == null ? new BitSet() : BitSet.valueOf(bits), from, to, rs.getInt(8), rs.getInt(9),
                    rs.getInt(10));
        }, args.toArray());
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

    /** Day-vs-month checks of a month, one enterprise or all (enterpriseCode null). */
    public List<DayMonthCheck> dayMonth(YearMonth month, String enterpriseCode) {
        String one = enterpriseCode == null ? "" : " and d.enterprise_code = ?";
        List<Object> args = new ArrayList<>(List.of(Date.valueOf(month.atDay(1))));
        if (enterpriseCode != null) {
            args.add(enterpriseCode);
        }
        return jdbc.query("select d.enterprise_code, d.data_code, d.value_sum, d.received, m.vals"
                + " from dq_slots d join dq_slots m on m.enterprise_code = d.enterprise_code"
                + " and m.data_code = d.data_code and m.stat_type = 2 and m.month = d.month and not m.supplier"
                + " where d.stat_type = 1 and not d.supplier and d.month = ?" + one + " order by 1, 2", (rs, n) -> {
                    BigDecimal sum = rs.getBigDecimal(3);
                    int days = rs.getInt(4);
                    String monthly = rs.getString(5);
                    BigDecimal monthValue = monthly == null ? null : new BigDecimal(monthly);
                    Double deviation = deviation(sum, monthValue);
                    boolean complete = days == month.lengthOfMonth();
                    return new DayMonthCheck(rs.getString(1), rs.getString(2), month, sum, days,
                            month.lengthOfMonth(), monthValue, deviation,
                            complete && deviation != null && deviation > properties.getDeviationThreshold());
                }, args.toArray());
    }

    /** Supplier-vs-enterprise checks of a month, one enterprise or all (enterpriseCode null). */
    public List<SupplyCheck> supply(YearMonth month, String enterpriseCode) {
        String one = enterpriseCode == null ? "" : " and s.enterprise_code = ?";
        List<Object> args = new ArrayList<>(List.of(Date.valueOf(month.atDay(1))));
        if (enterpriseCode != null) {
            args.add(enterpriseCode);
        }
        // the supplier's rows of the month and the enterprise's own 全厂 rows of the same energy type and statType
        record Row(String enterprise, String energyType, int statType, boolean supplier, String[] vals) {
        }
        List<Row> rows = jdbc.query("select o.enterprise_code, substring(o.data_code from 11 for 4), o.stat_type,"
                + " o.supplier, o.vals, o.slots from dq_slots o where o.month = ? and o.stat_type in (1, 2)"
                + " and (o.supplier or o.plant) and exists (select 1 from dq_slots s where s.supplier"
                + " and s.month = o.month and s.enterprise_code = o.enterprise_code and s.stat_type = o.stat_type"
                + " and substring(s.data_code from 11 for 4) = substring(o.data_code from 11 for 4)" + one + ")"
                + " order by 1, 2, 3", (rs, n) -> new Row(rs.getString(1), rs.getString(2), rs.getShort(3),
                        rs.getBoolean(4), split(rs.getString(5), rs.getInt(6))), args.toArray());
        record Key(String enterprise, String energyType, int statType) {
        }
        Map<Key, BigDecimal[][]> sums = new LinkedHashMap<>();
        for (Row r : rows) {
            if (r.vals() == null) {
                continue;
            }
            BigDecimal[][] s = sums.computeIfAbsent(new Key(r.enterprise(), r.energyType(), r.statType()),
                    k -> new BigDecimal[2][r.vals().length]);
            BigDecimal[] side = s[r.supplier() ? 0 : 1];
            for (int i = 0; i < r.vals().length && i < side.length; i++) {
                if (r.vals()[i] != null) {
                    side[i] = side[i] == null ? new BigDecimal(r.vals()[i]) : side[i].add(new BigDecimal(r.vals()[i]));
                }
            }
        }
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

    private static double round(double v) {
        return Double.isInfinite(v) ? v : Math.round(v * 100) / 100.0;
    }

    /** The province's indicators for a month (the metrics). */
    public ProvinceQuality province(YearMonth month) {
        List<EnterpriseQuality> all = enterprises(month);
        long expected = 0;
        long received = 0;
        int below = 0;
        for (EnterpriseQuality e : all) {
            expected += e.expected();
            received += e.received();
            below += e.belowThreshold() ? 1 : 0;
        }
        int dayMonth = (int) dayMonth(month, null).stream().filter(DayMonthCheck::flagged).count();
        int supply = (int) supply(month, null).stream().filter(SupplyCheck::flagged).count();
        return new ProvinceQuality(month, all.size(), expected, received,
                expected == 0 ? 100 : round(100.0 * received / expected), below, dayMonth, supply);
    }

    // ------------------------------------------------------------------ 补传 requests

    /** The holes of the last {@code resend-lookback-days} days, per recipient (the series' last ferry sender). */
    /**
     * The holes to ask one recipient for: its series with their missing periods, at most
     * {@code resend-max-slots} periods in all; {@code beyond} counts the missing periods left for a later request.
     */
    public record Holes(String recipient, List<SeriesQuality> series, int beyond) {
        public Holes(String recipient, List<SeriesQuality> series) {
            this(recipient, series, 0);
        }

        public int slots() {
            return series.stream().mapToInt(s -> s.missing().size()).sum();
        }
    }

    /**
     * The periods missing of the last {@code resend-lookback-days} days (due by now), grouped by the sender to
     * ask; series whose sender is not known (TCP, suppliers, never sent) are under recipient null. At most
     * {@code resend-max-slots} periods are listed per recipient (the rest are only counted), so a province
     * of silent enterprises does not fill the heap with period names.
     */
    public List<Holes> holesToRequest() {
        LocalDateTime now = LocalDateTime.now(clock.withZone(RecordValidator.CHINA));
        LocalDateTime since = now.minusDays(properties.getResendLookbackDays());
        int budget = Math.max(1, properties.getResendMaxSlots());
        record Listing(Map<String, SeriesQuality> series, int[] counts) { // counts: listed, beyond
        }
        Map<String, Listing> byRecipient = new TreeMap<>(
                java.util.Comparator.nullsLast(java.util.Comparator.naturalOrder()));
        for (YearMonth m = YearMonth.from(since); !m.isAfter(YearMonth.from(now)); m = m.plusMonths(1)) {
            LocalDate row = m.atDay(1);
            for (Loaded s : load(m, null)) {
                Listing listing = null;
                List<String> recent = null;
                int received = 0;
                for (int i = s.from; i <= s.to; i++) {
                    if (s.bits.get(i)) {
                        received++;
                        continue;
                    }
                    LocalDateTime start = Periods.start(s.statType, row, i);
                    if (start.isBefore(since)) {
                        continue;
                    }
                    if (listing == null) {
                        listing = byRecipient.computeIfAbsent(s.sender, k -> new Listing(new LinkedHashMap<>(),
                                new int[2]));
                        recent = new ArrayList<>();
                    }
                    if (listing.counts()[0] < budget) {
                        recent.add(Periods.WIRE.format(start));
                        listing.counts()[0]++;
                    } else {
                        listing.counts()[1]++;
                    }
                }
                if (recent == null || recent.isEmpty()) {
                    continue;
                }
                String key = s.enterpriseCode + "/" + s.dataCode + "/" + s.statType;
                SeriesQuality before = listing.series().get(key);
                List<String> periods = new ArrayList<>(before == null ? List.of() : before.missing());
                periods.addAll(recent);
                listing.series().put(key, new SeriesQuality(s.enterpriseCode, s.dataCode, s.statType, s.scheduled,
                        Math.max(0, s.to - s.from + 1), received, s.late, s.superseded, s.suspect, s.sender,
                        periods));
            }
        }
        List<Holes> out = new ArrayList<>();
        byRecipient.forEach((r, l) -> out.add(new Holes(r, new ArrayList<>(l.series().values()), l.counts()[1])));
        return out;
    }

    /** Records a 补传 request written to the outbox. */
    public void requested(String recipient, String batchId, String fileName, int slots, String by) {
        jdbc.update("insert into dq_resend_request (recipient, batch_id, file_name, slots, requested_by) "
                + "values (?,?,?,?,?)", recipient, batchId, fileName, slots, by);
    }

    /** The 补传 requests written, newest first. */
    public List<Map<String, Object>> requests(int limit) {
        return jdbc.queryForList("select id, recipient, batch_id, file_name, slots, created_at, requested_by "
                + "from dq_resend_request order by id desc limit ?", limit);
    }

}

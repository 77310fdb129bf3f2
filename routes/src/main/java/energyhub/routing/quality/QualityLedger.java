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
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

    private static final Logger log = LoggerFactory.getLogger(QualityLedger.class);
    /**
     * A manifest's sender kept for 补传 requests: a plain identifier such as a credit code, nothing else (no
     * {@code _}, so never {@code _RESEND_REQUEST_}; no {@code .} or {@code /}, so never a path).
     */
    public static final Pattern PLAIN_SENDER = Pattern.compile("[0-9A-Za-z-]{1,64}");
    /** Enterprises named at most in one log line about sender bindings. */
    private static final int NAMED = 10;

    private final JdbcTemplate jdbc;
    /** The same database, reading row by row (a fetch size; inside a read-only transaction), for the reports. */
    private final JdbcTemplate cursor;
    private final QualityProperties properties;
    private final Clock clock;

    public QualityLedger(JdbcTemplate jdbc, QualityProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.cursor = jdbc == null ? null : new JdbcTemplate(jdbc.getDataSource()); // null: a test's stand-in
        if (cursor != null) {
            cursor.setFetchSize(500);
        }
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

    /** A new cap on the distinct series of one batch (in its staging transaction). */
    public SeriesCap seriesCap() {
        return new SeriesCap(properties,
                e -> jdbc.queryForObject("select count(*) from dq_series where enterprise_code = ?", Integer.class, e),
                k -> Boolean.TRUE.equals(jdbc.queryForObject("select exists (select 1 from dq_series where "
                        + "enterprise_code = ? and data_code = ? and stat_type = ?)", Boolean.class,
                        k.enterpriseCode(), k.dataCode(), (short) k.statType())));
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
        bind(series, kept);
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

    // ------------------------------------------------------------------ sender binding (补传 recipients)

    /** Who 补传 requests of an enterprise go to, since when and why, and the latest other sender seen. */
    public record SenderBinding(String enterpriseCode, String sender, java.time.OffsetDateTime boundAt,
            String boundBy, String otherSender, java.time.OffsetDateTime otherSeenAt, int otherDeliveries) {
    }

    /**
     * Binds each enterprise of a flush that has no sender yet to this one (the first plain sender seen), and
     * notes, without changing the binding, a delivery by any other sender; both logged in one line.
     */
    private void bind(List<Map.Entry<QualityTally.SeriesKey, QualityTally.Span>> series, String sender) {
        if (sender == null || series.isEmpty()) {
            return;
        }
        String[] enterprises = series.stream().map(e -> e.getKey().enterpriseCode()).distinct()
                .toArray(String[]::new);
        String[] senders = new String[enterprises.length];
        java.util.Arrays.fill(senders, sender);
        List<String> bound = new ArrayList<>();
        List<String> others = new ArrayList<>();
        unnest("insert into dq_sender (enterprise_code, sender, bound_by) select k.e, k.s, 'first delivery' "
                + "from unnest(?::text[], ?::text[]) with ordinality as k(e, s, o) order by k.o "
                + "on conflict (enterprise_code) do update set other_sender = excluded.sender, other_seen_at = now(), "
                + "other_deliveries = dq_sender.other_deliveries + 1 where dq_sender.sender <> excluded.sender "
                + "returning enterprise_code, sender, xmax = 0", new String[][] {enterprises, senders}, rs -> {
                    (rs.getBoolean(3) ? bound : others).add(rs.getString(1) + (rs.getBoolean(3) ? ""
                            : " (bound to " + rs.getString(2) + ")"));
                });
        if (!bound.isEmpty()) {
            log.info("补传: {} enterprises bound to ferry sender {}, the first that delivered their records: {}{}",
                    bound.size(), sender, bound.subList(0, Math.min(NAMED, bound.size())),
                    bound.size() > NAMED ? " and " + (bound.size() - NAMED) + " more" : "");
        }
        if (!others.isEmpty()) {
            log.warn("补传: ferry sender {} delivered records of {} enterprises bound to another sender: {}{}; their "
                    + "requests still go to the bound sender (an operator may bind another: PUT "
                    + "/api/operator/quality/senders/{{enterpriseCode}})", sender, others.size(),
                    others.subList(0, Math.min(NAMED, others.size())),
                    others.size() > NAMED ? " and " + (others.size() - NAMED) + " more" : "");
        }
    }

    private static final org.springframework.jdbc.core.RowMapper<SenderBinding> SENDER_ROW = (rs, n) ->
            new SenderBinding(rs.getString(1), rs.getString(2), rs.getObject(3, java.time.OffsetDateTime.class),
                    rs.getString(4), rs.getString(5), rs.getObject(6, java.time.OffsetDateTime.class), rs.getInt(7));

    /** The sender binding of an enterprise, if it has one. */
    public java.util.Optional<SenderBinding> sender(String enterpriseCode) {
        return jdbc.query("select enterprise_code, sender, bound_at, bound_by, other_sender, other_seen_at, "
                + "other_deliveries from dq_sender where enterprise_code = ?", SENDER_ROW, enterpriseCode).stream().findFirst();
    }

    /** Binds an enterprise to a sender an operator names (a plain identifier); returns the binding before. */
    @Transactional
    public java.util.Optional<SenderBinding> bindSender(String enterpriseCode, String sender, String by) {
        if (plainSender(sender) == null) {
            throw new IllegalArgumentException("sender is not a plain identifier [0-9A-Za-z-]{1,64}");
        }
        var before = jdbc.query("select enterprise_code, sender, bound_at, bound_by, other_sender, other_seen_at, "
                + "other_deliveries from dq_sender where enterprise_code = ? for update", SENDER_ROW, enterpriseCode).stream().findFirst();
        jdbc.update("insert into dq_sender (enterprise_code, sender, bound_by) values (?,?,?) on conflict "
                + "(enterprise_code) do update set sender = excluded.sender, bound_by = excluded.bound_by, "
                + "bound_at = now()", enterpriseCode, sender, by);
        return before;
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
        load(month, enterpriseCode, offset, Math.max(1, limit), s -> {
            List<String> missing = new ArrayList<>();
            int count = 0;
            for (int i = s.from; i <= s.to; i++) {
                if (!s.bits.get(i)) {
                    if (count++ < listed) {
                        missing.add(Periods.WIRE.format(Periods.start(s.statType, row, i)));
                    }
                }
            }
            int expected = Math.max(0, s.to - s.from + 1);
            out.add(new SeriesQuality(s.enterpriseCode, s.dataCode, s.statType, s.scheduled, expected,
                    expected - count, s.late, s.superseded, s.suspect, s.sender, missing, count));
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
            load(month, enterpriseCode, 0, 0, s -> {
                for (int i = s.from; i <= s.to; i++) {
                    if (!s.bits.get(i) && seen[0]++ >= offset) {
                        if (seen[1] >= limit) {
                            throw new Enough();
                        }
                        each.accept(new Hole(s.enterpriseCode, s.dataCode, s.statType,
                                Periods.WIRE.format(Periods.start(s.statType, row, i))));
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
        int[] expected = new int[days];
        int[] received = new int[days];
        load(month, enterpriseCode, 0, 0, s -> {
            for (int i = s.from; i <= s.to; i++) {
                int d = Periods.day(s.statType, i) - 1;
                expected[d]++;
                if (s.bits.get(i)) {
                    received[d]++;
                }
            }
        });
        List<CalendarDay> out = new ArrayList<>(days);
        for (int d = 0; d < days; d++) {
            out.add(new CalendarDay(month.atDay(d + 1), expected[d], received[d]));
        }
        return out;
    }

    /** The totals per enterprise of its series of a month, read one series at a time. */
    private List<EnterpriseQuality> summarise(YearMonth month, String enterpriseCode) {
        Map<String, int[]> byEnterprise = new TreeMap<>();
        load(month, enterpriseCode, 0, 0, s -> {
            int[] t = byEnterprise.computeIfAbsent(s.enterpriseCode, k -> new int[6]);
            t[0]++;
            if (s.to >= s.from) {
                t[1] += s.to - s.from + 1;
                t[2] += s.bits.get(s.from, s.to + 1).cardinality();
            }
            t[3] += s.late;
            t[4] += s.superseded;
            t[5] += s.suspect;
        });
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
     * series it sent, from its first period on, until {@code default-lookback-days} after the end of its last
     * ({@link #lastOwed}).
     * Year series (statType 3) are not part of a month. Each comes with its due periods: those whose deadline
     * has passed by now. Read row by row ({@code cursor}: call it inside a read-only transaction) and handed to
     * {@code each}, never gathered; {@code limit} > 0: only that many series from {@code offset} (SQL).
     */
    private void load(YearMonth month, String enterpriseCode, long offset, int limit, Consumer<Loaded> each) {
        LocalDateTime monthStart = month.atDay(1).atStartOfDay();
        LocalDateTime monthEnd = month.plusMonths(1).atDay(1).atStartOfDay();
        LocalDateTime now = LocalDateTime.now(clock.withZone(RecordValidator.CHINA));
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
            each.accept(new Loaded(rs.getString(1), rs.getString(2), statType, rs.getBoolean(4), rs.getString(6),
                    bits == null ? new BitSet() : BitSet.valueOf(bits), from, to, rs.getInt(8), rs.getInt(9),
                    rs.getInt(10)));
        }, args.toArray());
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
                    String[] vals = split(rs.getString(5), rs.getInt(6));
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

    private static double round(double v) {
        return Double.isInfinite(v) ? v : Math.round(v * 100) / 100.0;
    }

    /** The province's indicators for a month (the metrics). */
    @Transactional(readOnly = true)
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
        int[] dayMonth = {0};
        dayMonth(month, null, 0, c -> dayMonth[0] += c.flagged() ? 1 : 0);
        int supply = (int) supply(month, null).stream().filter(SupplyCheck::flagged).count();
        return new ProvinceQuality(month, all.size(), expected, received,
                expected == 0 ? 100 : round(100.0 * received / expected), below, dayMonth[0], supply);
    }

    // ------------------------------------------------------------------ 补传 requests

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
    @Transactional(readOnly = true)
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
            load(m, null, 0, 0, s -> {
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
                        continue; // a period before the look-back
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
                    return;
                }
                String key = s.enterpriseCode + "/" + s.dataCode + "/" + s.statType;
                SeriesQuality before = listing.series().get(key);
                List<String> periods = new ArrayList<>(before == null ? List.of() : before.missing());
                periods.addAll(recent);
                listing.series().put(key, new SeriesQuality(s.enterpriseCode, s.dataCode, s.statType, s.scheduled,
                        Math.max(0, s.to - s.from + 1), received, s.late, s.superseded, s.suspect, s.sender,
                        periods, periods.size()));
            });
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

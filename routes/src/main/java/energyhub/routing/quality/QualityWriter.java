package energyhub.routing.quality;

import java.math.BigDecimal;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Writes what batches bring to the data-quality ledger ({@code dq_series}, {@code dq_slots}; docs/data-quality.md):
 * BatchStager gathers a {@link QualityTally} per batch, bounded by a {@link SeriesCap}, and {@link #flush}es it
 * in the staging transaction, so the ledger counts exactly what is delivered.
 */
@Component
public class QualityWriter {

    private final JdbcTemplate jdbc;
    private final QualityProperties properties;
    private final SenderBindings senders;

    public QualityWriter(JdbcTemplate jdbc, QualityProperties properties, SenderBindings senders) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.senders = senders;
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

    /**
     * Adds a tally to the ledger and empties it. Must run in the transaction that stages the records, so the
     * ledger counts exactly what is delivered: a batch rolled back is not counted, a duplicate never reaches here.
     */
    public void flush(QualityTally tally, String sender, String source) {
        if (tally.isEmpty()) {
            return;
        }
        String kept = SenderBindings.plainSender(sender);
        var series = tally.sortedSeries();
        String[][] cols = new String[7][series.size()];
        for (int i = 0; i < series.size(); i++) {
            var e = series.get(i);
            cols[0][i] = e.getKey().enterpriseCode();
            cols[1][i] = e.getKey().dataCode();
            cols[2][i] = Integer.toString(e.getKey().statType());
            cols[3][i] = e.getValue().first.toString();
            cols[4][i] = e.getValue().last.toString();
            cols[5][i] = kept;
            cols[6][i] = source;
        }
        // one statement for the package's series, upserted in the tally's order (the order every writer locks in)
        LedgerSql.unnestUpdate(jdbc, "insert into dq_series (enterprise_code, data_code, stat_type, first_period, "
                + "last_period, sender, source) select k.e, k.c, k.t::smallint, k.f::timestamp, k.l::timestamp, k.s, k.src "
                + "from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) "
                + "with ordinality as k(e, c, t, f, l, s, src, o) order by k.o "
                + "on conflict (enterprise_code, data_code, stat_type) do update "
                + "set first_period = least(dq_series.first_period, excluded.first_period), "
                + "last_period = greatest(dq_series.last_period, excluded.last_period), "
                + "sender = coalesce(excluded.sender, dq_series.sender), source = excluded.source, updated_at = now()",
                cols);
        senders.bind(series, kept);
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

    /**
     * Inserts, whole, the rows the ledger does not have yet (one statement, in the tally's order) and returns
     * their keys; rows another transaction holds or has are left to {@link #merge}.
     */
    private Set<QualityTally.RowKey> insertNew(List<Map.Entry<QualityTally.RowKey, QualityTally.Row>> rows) {
        String[][] cols = keyColumns(rows, 15);
        for (int i = 0; i < rows.size(); i++) {
            QualityTally.Row r = rows.get(i).getValue();
            cols[5][i] = Integer.toString(r.slots);
            cols[6][i] = HexFormat.of().formatHex(r.bits.toByteArray());
            cols[7][i] = Integer.toString(r.bits.cardinality());
            cols[8][i] = StoredValues.joined(r.values);
            cols[9][i] = StoredValues.joined(r.uploads);
            BigDecimal sum = StoredValues.sum(r.values);
            cols[10][i] = sum == null ? null : sum.toPlainString();
            cols[11][i] = Boolean.toString(r.plant);
            cols[12][i] = Integer.toString(r.late);
            cols[13][i] = Integer.toString(r.superseded);
            cols[14][i] = Integer.toString(r.suspect);
        }
        Set<QualityTally.RowKey> out = new HashSet<>();
        LedgerSql.unnest(jdbc, "insert into dq_slots (enterprise_code, data_code, stat_type, "
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
        String[][] cols = new String[10][rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            QualityTally.Row add = rows.get(i).getValue();
            Stored old = stored.get(rows.get(i).getKey());
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
            BigDecimal sum = StoredValues.sum(vals);
            cols[0][i] = old.ctid;
            cols[1][i] = HexFormat.of().formatHex(bits.toByteArray());
            cols[2][i] = Integer.toString(bits.cardinality());
            cols[3][i] = StoredValues.joined(vals);
            cols[4][i] = StoredValues.joined(uploads);
            cols[5][i] = sum == null ? null : sum.toPlainString();
            cols[6][i] = Boolean.toString(add.plant);
            cols[7][i] = Integer.toString(add.late);
            cols[8][i] = Integer.toString(add.superseded + again.cardinality());
            cols[9][i] = Integer.toString(add.suspect);
        }
        // one statement for all of them (a nested loop of TID scans), not one a row
        LedgerSql.unnestUpdate(jdbc, "update dq_slots s set bits = decode(k.b, 'hex'), received = k.r::integer, "
                + "vals = k.v, uploads = k.u, value_sum = k.vs::numeric, plant = s.plant or k.p::boolean, "
                + "late = s.late + k.l::integer, superseded = s.superseded + k.sd::integer, "
                + "suspect = s.suspect + k.sp::integer from unnest(?::text[], ?::text[], ?::text[], ?::text[], "
                + "?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) as k(c, b, r, v, u, vs, p, l, sd, sp) "
                + "where s.ctid = k.c::tid", cols);
    }

    /**
     * Locks rows the ledger has, in the tally's order, and reads them with their ctids. A row inserted by another
     * transaction that has not committed yet is waited for (its insert holds the key).
     */
    private Map<QualityTally.RowKey, Stored> lock(List<Map.Entry<QualityTally.RowKey, QualityTally.Row>> rows) {
        String[][] cols = keyColumns(rows, 5);
        Map<QualityTally.RowKey, Stored> out = new HashMap<>();
        LedgerSql.unnest(jdbc, "select s.ctid::text, s.enterprise_code, s.data_code, "
                    + "s.stat_type, s.month, s.supplier, s.slots, s.bits, s.vals, s.uploads from unnest(?::text[], "
                    + "?::text[], ?::text[], ?::text[], ?::text[]) with ordinality as k(e, c, t, m, s, o) "
                    + "join dq_slots s on s.enterprise_code = k.e and s.data_code = k.c and s.stat_type = k.t::smallint "
                    + "and s.month = k.m::date and s.supplier = k.s::boolean order by k.o for update of s", cols, rs -> {
            int slots = rs.getInt(7);
            out.put(new QualityTally.RowKey(rs.getString(2), rs.getString(3), rs.getShort(4),
                    rs.getDate(5).toLocalDate(), rs.getBoolean(6)),
                    new Stored(rs.getString(1), BitSet.valueOf(rs.getBytes(8)), StoredValues.split(rs.getString(9), slots),
                            StoredValues.split(rs.getString(10), slots)));
        });
        if (out.size() != rows.size()) {
            // a row inserted by a transaction that then rolled back: this staging fails and is retried
            throw new IllegalStateException("data-quality ledger: " + rows.size() + " rows to merge, " + out.size()
                    + " found; the batch is staged again");
        }
        return out;
    }
}

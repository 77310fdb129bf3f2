package energyhub.routing.quality;

import energyhub.standard.EnergyRecord;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Map;
import java.util.HashMap;
import java.util.List;

/**
 * What one batch adds to the data-quality ledger, gathered in memory while the batch is staged and written
 * by {@link QualityWriter#flush} in the staging transaction. Rows are written sorted, so every hub locks the
 * ledger's rows of one flush in the same order.
 */
public final class QualityTally {

    /** A series-month row of {@code dq_slots}. */
    public record RowKey(String enterpriseCode, String dataCode, int statType, LocalDate month, boolean supplier) {
    }

    /** A series of {@code dq_series}. */
    public record SeriesKey(String enterpriseCode, String dataCode, int statType) {
    }

    static final Comparator<RowKey> ROW_ORDER = Comparator.comparing(RowKey::enterpriseCode)
            .thenComparing(RowKey::dataCode).thenComparingInt(RowKey::statType).thenComparing(RowKey::month)
            .thenComparing(RowKey::supplier);
    static final Comparator<SeriesKey> SERIES_ORDER = Comparator.comparing(SeriesKey::enterpriseCode)
            .thenComparing(SeriesKey::dataCode).thenComparingInt(SeriesKey::statType);

    /** The periods one batch brings to a row. */
    static final class Row {
        final int slots;
        final BitSet bits;
        final String[] values;
        final String[] uploads;
        boolean plant;
        int late;
        int superseded;
        int suspect;

        Row(int statType, LocalDate month) {
            slots = Periods.slots(statType, month);
            bits = new BitSet(slots);
            boolean valued = statType == 1 || statType == 2;
            values = valued ? new String[slots] : null;
            uploads = valued ? new String[slots] : null;
        }
    }

    /** The span of periods one batch brings to a series. */
    static final class Span {
        LocalDateTime first;
        LocalDateTime last;
    }

    private final QualityProperties properties;
    private final Map<RowKey, Row> rows = new HashMap<>();
    private final Map<SeriesKey, Span> series = new HashMap<>();

    QualityTally(QualityProperties properties) {
        this.properties = properties;
    }

    /** Counts one accepted record (validated: its fields have their wire form). */
    public void add(EnergyRecord r) {
        int statType = r.statType().charAt(0) - '0';
        LocalDateTime statDate = Periods.parse(r.statDate());
        boolean supplier = "6".equals(r.inputType());
        LocalDate month = Periods.row(statType, statDate);
        Row row = rows.computeIfAbsent(new RowKey(r.enterpriseCode(), r.dataCode(), statType, month, supplier),
                k -> new Row(statType, month));
        int i = Periods.index(statType, statDate);
        if (row.bits.get(i)) {
            row.superseded++;
        }
        row.bits.set(i);
        if (row.values != null && (row.uploads[i] == null || row.uploads[i].compareTo(r.uploadDate()) <= 0)) {
            row.values[i] = r.dataValue();
            row.uploads[i] = r.uploadDate();
        }
        row.plant |= "1".equals(r.scope());
        if ("0".equals(r.valid())) {
            row.suspect++;
        }
        LocalDateTime due = Periods.end(statType, statDate).plus(properties.deadline(statType));
        if (Periods.parse(r.uploadDate()).isAfter(due)) {
            row.late++;
        }
        if (!supplier) {
            Span span = series.computeIfAbsent(new SeriesKey(r.enterpriseCode(), r.dataCode(), statType),
                    k -> new Span());
            if (span.first == null || statDate.isBefore(span.first)) {
                span.first = statDate;
            }
            if (span.last == null || statDate.isAfter(span.last)) {
                span.last = statDate;
            }
        }
    }

    /** True when the rows held should be written before more records are added. */
    public boolean full() {
        return rows.size() >= properties.getMaxOpenRows() || series.size() >= properties.getMaxOpenRows();
    }

    public boolean isEmpty() {
        return rows.isEmpty() && series.isEmpty();
    }

    Map<RowKey, Row> rows() {
        return rows;
    }

    Map<SeriesKey, Span> series() {
        return series;
    }

    /** The rows in lock order. */
    List<Map.Entry<RowKey, Row>> sortedRows() {
        return rows.entrySet().stream().sorted(Map.Entry.comparingByKey(ROW_ORDER)).toList();
    }

    /** The series in lock order. */
    List<Map.Entry<SeriesKey, Span>> sortedSeries() {
        return series.entrySet().stream().sorted(Map.Entry.comparingByKey(SERIES_ORDER)).toList();
    }

    void clear() {
        rows.clear();
        series.clear();
    }
}

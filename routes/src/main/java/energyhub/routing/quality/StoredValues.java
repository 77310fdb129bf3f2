package energyhub.routing.quality;

import java.math.BigDecimal;

/**
 * The stored form of a {@code dq_slots} row's values or uploadDates: one text, the periods' entries
 * comma-separated, empty where a period has none. Written by {@link QualityWriter}, read by
 * {@link ConsistencyChecks}.
 */
final class StoredValues {

    private StoredValues() {
    }

    /** The text of a row's entries; null for null (a row without values: statType 0 and 3). */
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

    /** The sum of a row's values; null for a row without values. */
    static BigDecimal sum(String[] vals) {
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
}

package energyhub.routing.quality;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The periods of the standard (contracts §1, statType) as the ledger stores them: one row per series and
 * month (a year for statType 3), period {@code i} of the row being bit {@code i}.
 */
public final class Periods {

    /** statDate's wire form. */
    public static final DateTimeFormatter WIRE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private static final int QUARTERS_PER_DAY = 96;

    private Periods() {
    }

    /** The row a period belongs to: the first day of its month, or of its year for statType 3. */
    public static LocalDate row(int statType, LocalDateTime statDate) {
        return statType == 3 ? LocalDate.of(statDate.getYear(), 1, 1)
                : LocalDate.of(statDate.getYear(), statDate.getMonthValue(), 1);
    }

    /** Periods in a row: 96 a day (real-time), one a day, or one. */
    public static int slots(int statType, LocalDate row) {
        return switch (statType) {
            case 0 -> QUARTERS_PER_DAY * row.lengthOfMonth();
            case 1 -> row.lengthOfMonth();
            default -> 1;
        };
    }

    /** The index of a period within its row. */
    public static int index(int statType, LocalDateTime statDate) {
        return switch (statType) {
            case 0 -> (statDate.getDayOfMonth() - 1) * QUARTERS_PER_DAY + statDate.getHour() * 4
                    + statDate.getMinute() / 15;
            case 1 -> statDate.getDayOfMonth() - 1;
            default -> 0;
        };
    }

    /** The start (statDate) of period {@code index} of a row. */
    public static LocalDateTime start(int statType, LocalDate row, int index) {
        return switch (statType) {
            case 0 -> row.atStartOfDay().plusMinutes(15L * index);
            case 1 -> row.plusDays(index).atStartOfDay();
            default -> row.atStartOfDay();
        };
    }

    /** The end of the period starting at {@code start}. */
    public static LocalDateTime end(int statType, LocalDateTime start) {
        return switch (statType) {
            case 0 -> start.plusMinutes(15);
            case 1 -> start.plusDays(1);
            case 2 -> start.plusMonths(1);
            default -> start.plusYears(1);
        };
    }

    /** The day of the month (1-based) period {@code index} of a row falls on. */
    public static int day(int statType, int index) {
        return switch (statType) {
            case 0 -> index / QUARTERS_PER_DAY + 1;
            case 1 -> index + 1;
            default -> 1;
        };
    }

    /**
     * A validated wire timestamp ({@code yyyy-MM-dd HH:mm:ss}) read by position: every record passes here, and
     * the validator has checked the form already.
     */
    public static LocalDateTime parse(String s) {
        return LocalDateTime.of(num(s, 0, 4), num(s, 5, 7), num(s, 8, 10), num(s, 11, 13), num(s, 14, 16),
                num(s, 17, 19));
    }

    private static int num(String s, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            n = n * 10 + (s.charAt(i) - '0');
        }
        return n;
    }
}

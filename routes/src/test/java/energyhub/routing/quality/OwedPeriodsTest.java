package energyhub.routing.quality;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

/**
 * Which periods a series without a schedule owes once its sender stops (docs/data-quality.md, "Expected
 * periods"): those starting less than {@code default-lookback-days} (30) after the end of the last period it
 * sent; at the boundary days, per statType. No database.
 */
class OwedPeriodsTest {

    static final LocalDate MAY = LocalDate.of(2026, 5, 1);
    static final LocalDate JUNE = LocalDate.of(2026, 6, 1);
    static final LocalDate JULY = LocalDate.of(2026, 7, 1);

    static LocalDateTime may(int day) {
        return MAY.withDayOfMonth(day).atStartOfDay();
    }

    @Test
    void aDailySeriesOwesThirtyDaysAfterItsLastDayAndNoMore() {
        // sent 5 to 20 May: owes 21 May to 19 June
        assertThat(ExpectedSeries.lastOwed(1, MAY, may(20), 30)).isEqualTo(30); // all of May (31 days)
        assertThat(ExpectedSeries.lastOwed(1, JUNE, may(20), 30)).isEqualTo(18); // 1 to 19 June
        assertThat(ExpectedSeries.lastOwed(1, JULY, may(20), 30)).isEqualTo(-1);
        // the boundary: a last day d of May ends on d + 1 May; 30 days later is d June
        assertThat(ExpectedSeries.lastOwed(1, JUNE, may(2), 30)).isEqualTo(0);   // owes 1 June only
        assertThat(ExpectedSeries.lastOwed(1, JUNE, may(1), 30)).isEqualTo(-1);  // owes up to 31 May
        assertThat(ExpectedSeries.lastOwed(1, MAY, may(1), 30)).isEqualTo(30);
        // a shorter look-back ends sooner: 7 days after 20 May is 28 May
        assertThat(ExpectedSeries.lastOwed(1, MAY, may(20), 7)).isEqualTo(26);
        assertThat(ExpectedSeries.lastOwed(1, JUNE, may(20), 7)).isEqualTo(-1);
    }

    @Test
    void aRealTimeSeriesOwesThirtyDaysOfQuarterHoursAfterItsLastOne() {
        // last quarter hour 20 May 10:00 to 10:15: owes up to the one starting 19 June 10:00
        LocalDateTime last = may(20).withHour(10);
        assertThat(ExpectedSeries.lastOwed(0, JUNE, last, 30)).isEqualTo(18 * 96 + 40);
        assertThat(Periods.start(0, JUNE, 18 * 96 + 40)).isEqualTo(LocalDateTime.of(2026, 6, 19, 10, 0));
        assertThat(ExpectedSeries.lastOwed(0, JULY, last, 30)).isEqualTo(-1);
        // the last quarter hour of 1 May: owes up to 31 May 23:45, nothing of June
        LocalDateTime lastOfDay = may(1).withHour(23).withMinute(45);
        assertThat(ExpectedSeries.lastOwed(0, MAY, lastOfDay, 30)).isEqualTo(31 * 96 - 1);
        assertThat(ExpectedSeries.lastOwed(0, JUNE, lastOfDay, 30)).isEqualTo(-1);
    }

    @Test
    void aMonthlySeriesOwesTheMonthsStartingWithinThirtyDaysOfItsLastMonthsEnd() {
        LocalDateTime april = LocalDate.of(2026, 4, 1).atStartOfDay(); // ends 1 May; 30 days later: 31 May
        assertThat(ExpectedSeries.lastOwed(2, MAY, april, 30)).isZero();
        assertThat(ExpectedSeries.lastOwed(2, JUNE, april, 30)).isEqualTo(-1);
        // January ends 1 February; 30 days later is 3 March: February and March are owed, April is not
        LocalDateTime january = LocalDate.of(2026, 1, 1).atStartOfDay();
        assertThat(ExpectedSeries.lastOwed(2, LocalDate.of(2026, 3, 1), january, 30)).isZero();
        assertThat(ExpectedSeries.lastOwed(2, LocalDate.of(2026, 4, 1), january, 30)).isEqualTo(-1);
    }

    @Test
    void aYearlySeriesOwesTheNextYearOnlyWhenItStartsWithinTheLookBack() {
        // a year row (statType 3) is never part of a month's view; the rule still reads the same
        LocalDateTime y2025 = LocalDate.of(2025, 1, 1).atStartOfDay(); // ends 1 January 2026
        assertThat(ExpectedSeries.lastOwed(3, LocalDate.of(2026, 1, 1), y2025, 30)).isZero();
        assertThat(ExpectedSeries.lastOwed(3, LocalDate.of(2027, 1, 1), y2025, 30)).isEqualTo(-1);
    }
}

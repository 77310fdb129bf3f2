package energyhub.routing.quality;

import static org.assertj.core.api.Assertions.assertThat;

import energyhub.standard.EnergyRecord;
import java.time.Clock;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

/** The periods of a row, the due range, and what one batch's tally holds: no database. */
class QualityTallyTest {

    static final String E = "91530100MA6NX4QW2G";

    static EnergyRecord record(String statType, String statDate, String upload, String value, String inputType,
            String valid) {
        return new EnergyRecord(E, "1.0", "1.0", "0000000002330001", value, "1.229", valid, "1", inputType, statType,
                statDate, upload);
    }

    @Test
    void periodsOfARowAreItsQuarterHoursDaysOrOne() {
        LocalDate october = LocalDate.of(2026, 10, 1);
        assertThat(Periods.slots(0, october)).isEqualTo(31 * 96);
        assertThat(Periods.slots(1, october)).isEqualTo(31);
        assertThat(Periods.slots(1, LocalDate.of(2028, 2, 1))).isEqualTo(29);
        assertThat(Periods.slots(2, october)).isEqualTo(1);
        LocalDateTime q = LocalDateTime.of(2026, 10, 3, 10, 45);
        int i = Periods.index(0, q);
        assertThat(i).isEqualTo(2 * 96 + 43);
        assertThat(Periods.start(0, october, i)).isEqualTo(q);
        assertThat(Periods.day(0, i)).isEqualTo(3);
        assertThat(Periods.row(3, q)).isEqualTo(LocalDate.of(2026, 1, 1));
        assertThat(Periods.parse("2026-10-03 10:45:00")).isEqualTo(q);
        assertThat(Periods.end(2, october.atStartOfDay())).isEqualTo(LocalDateTime.of(2026, 11, 1, 0, 0));
    }

    @Test
    void aPeriodIsDueOnceItsDeadlineHasPassed() {
        QualityProperties p = new QualityProperties(); // deadlines: 1 h real-time, 1 day daily, 5 days monthly
        ExpectedSeries ledger = new ExpectedSeries(null, p, Clock.systemUTC());
        LocalDate november = LocalDate.of(2026, 11, 1);
        LocalDateTime now = LocalDateTime.of(2026, 11, 30, 10, 20);
        // real-time: 09:15-09:30 ended 09:30, due 10:30: not yet; 09:00-09:15 is due (index 29 * 96 + 36)
        assertThat(ledger.lastDue(0, november, now)).isEqualTo(29 * 96 + 36);
        assertThat(ledger.lastDue(0, november, LocalDateTime.of(2026, 11, 30, 10, 15))).isEqualTo(29 * 96 + 36);
        // days: the 28th ended on the 29th, due on the 30th 00:00: due; the 29th is not
        assertThat(ledger.lastDue(1, november, now)).isEqualTo(27);
        assertThat(ledger.lastDue(2, november, now)).isEqualTo(-1);
        assertThat(ledger.lastDue(2, LocalDate.of(2026, 10, 1), now)).isZero();
        assertThat(ledger.lastDue(1, LocalDate.of(2026, 10, 1), now)).isEqualTo(30);
        assertThat(ledger.lastDue(1, LocalDate.of(2026, 12, 1), now)).isEqualTo(-1);
        assertThat(ledger.lastDue(0, november, LocalDateTime.of(2026, 11, 1, 0, 30))).isEqualTo(-1);
    }

    @Test
    void aTallyKeepsTheNewestValueAndCountsAgainLateSuspectAndSupplierApart() {
        QualityProperties p = new QualityProperties();
        QualityTally t = new QualityTally(p);
        t.add(record("1", "2026-10-05 00:00:00", "2026-10-06 01:00:00", "1.5", "4", "1"));
        t.add(record("1", "2026-10-05 00:00:00", "2026-10-06 02:00:00", "2.5", "4", "1")); // newer: kept
        t.add(record("1", "2026-10-05 00:00:00", "2026-10-06 00:30:00", "9.9", "4", "1")); // older: not kept
        t.add(record("1", "2026-10-06 00:00:00", "2026-10-09 00:00:00", "1", "4", "0"));   // late and suspect
        t.add(record("1", "2026-10-05 00:00:00", "2026-10-06 01:00:00", "7", "6", "1"));   // the supplier's
        var own = t.rows().get(new QualityTally.RowKey(E, "0000000002330001", 1, LocalDate.of(2026, 10, 1), false));
        assertThat(own.bits.cardinality()).isEqualTo(2);
        assertThat(own.values[4]).isEqualTo("2.5");
        assertThat(own.superseded).isEqualTo(2);
        assertThat(own.late).isEqualTo(1);
        assertThat(own.suspect).isEqualTo(1);
        var supplier = t.rows().get(new QualityTally.RowKey(E, "0000000002330001", 1, LocalDate.of(2026, 10, 1), true));
        assertThat(supplier.values[4]).isEqualTo("7");
        // the supplier's records are no series of the enterprise's own
        var span = t.series().get(new QualityTally.SeriesKey(E, "0000000002330001", 1));
        assertThat(span.first).isEqualTo(LocalDateTime.of(2026, 10, 5, 0, 0));
        assertThat(span.last).isEqualTo(LocalDateTime.of(2026, 10, 6, 0, 0));
        assertThat(t.series()).hasSize(1);
    }

    @Test
    void aTallyIsFullAtMaxOpenRows() {
        QualityProperties p = new QualityProperties();
        p.setMaxOpenRows(2);
        QualityTally t = new QualityTally(p);
        t.add(record("1", "2026-10-05 00:00:00", "2026-10-06 01:00:00", "1", "4", "1"));
        assertThat(t.full()).isFalse();
        t.add(record("2", "2026-10-01 00:00:00", "2026-11-02 01:00:00", "1", "4", "1"));
        assertThat(t.full()).isTrue();
    }

    @Test
    void valuesAreStoredAsOneTextPerRow() {
        String[] vals = {"1.5", null, "-2", null};
        assertThat(StoredValues.joined(vals)).isEqualTo("1.5,,-2,");
        assertThat(StoredValues.split("1.5,,-2,", 4)).containsExactly("1.5", null, "-2", null);
        assertThat(StoredValues.split("7", 1)).containsExactly("7");
        assertThat(StoredValues.split(",,", 3)).containsExactly(null, null, null);
        assertThat(StoredValues.joined(null)).isNull();
        assertThat(StoredValues.split(null, 3)).isNull();
    }

    @Test
    void deviationIsAgainstTheReference() {
        assertThat(ConsistencyChecks.deviation(new java.math.BigDecimal("106"), new java.math.BigDecimal("100")))
                .isEqualTo(6.0);
        assertThat(ConsistencyChecks.deviation(new java.math.BigDecimal("1"), java.math.BigDecimal.ZERO))
                .isInfinite();
        assertThat(ConsistencyChecks.deviation(null, java.math.BigDecimal.ONE)).isNull();
        assertThat(SenderBindings.plainSender("91530100MA6NX4QW2G")).isEqualTo("91530100MA6NX4QW2G");
        assertThat(SenderBindings.plainSender("../etc/passwd")).isNull();
        assertThat(SenderBindings.plainSender("a b")).isNull();
    }
}

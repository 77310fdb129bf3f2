package energyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import energyhub.e2e.support.FerryPackage;
import energyhub.e2e.support.HubTest;
import energyhub.routing.quality.ConsistencyChecks;
import energyhub.routing.quality.ConsistencyChecks.DayMonthCheck;
import energyhub.routing.quality.QualityReports;
import energyhub.routing.quality.QualityReports.EnterpriseQuality;
import energyhub.routing.quality.QualityReports.SeriesQuality;
import energyhub.routing.quality.QualitySchedule;
import energyhub.routing.quality.QualitySchedule.ScheduleEntry;
import energyhub.standard.UnifiedSocialCreditCode;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The data-quality ledger fed through the real ferry inbox: a generated October 2026 for 50 enterprises with
 * known holes gives exactly the expected completeness per enterprise and data code; a day-vs-month mismatch
 * of 6 % is flagged and one of 4 % is not; late, superseded and suspect records are counted.
 */
class DataQualityTest extends HubTest {

    static final YearMonth OCTOBER = YearMonth.of(2026, 10);
    static final int ENTERPRISES = 50;
    static final String DAY_A = "0000000002330001";   // electricity, daily and monthly
    static final String DAY_B = "0000000002150001";   // natural gas, daily
    static final String REALTIME = "0000000002330002"; // electricity, every 15 minutes
    static final String NEVER_SENT = "0000000002330009";
    static final String SIX = enterprise(900);
    static final String FOUR = enterprise(901);
    static final DateTimeFormatter WIRE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    @Autowired
    QualityReports quality;
    @Autowired
    ConsistencyChecks consistency;
    @Autowired
    QualitySchedule schedule;

    /** expected, received per enterprise and series ("dataCode/statType"), as generated. */
    static final Map<String, Map<String, int[]>> truth = new LinkedHashMap<>();
    /** The missing statDates per enterprise and series, as generated. */
    static final Map<String, Map<String, Set<String>>> holes = new LinkedHashMap<>();

    static String enterprise(int i) {
        String first17 = "91530100DQ" + String.format("%07d", i);
        return first17 + UnifiedSocialCreditCode.checkCharacter(first17);
    }

    static String record(String enterprise, String dataCode, int statType, LocalDateTime statDate, String value,
            LocalDateTime upload, String valid) {
        return "{\"enterpriseCode\":\"" + enterprise + "\",\"regVersion\":\"1.0\",\"dicVersion\":\"1.0\","
                + "\"dataCode\":\"" + dataCode + "\",\"dataValue\":\"" + value + "\",\"convertRation\":\"\","
                + "\"valid\":\"" + valid + "\",\"scope\":\"1\",\"inputType\":\"4\",\"statType\":\"" + statType + "\","
                + "\"statDate\":\"" + WIRE.format(statDate) + "\",\"uploadDate\":\"" + WIRE.format(upload) + "\"}";
    }

    static String daily(String enterprise, String dataCode, int day, String value) {
        LocalDateTime d = OCTOBER.atDay(day).atStartOfDay();
        return record(enterprise, dataCode, 1, d, value, d.plusDays(1).plusMinutes(70), "1");
    }

    static String monthly(String enterprise, String dataCode, String value) {
        LocalDateTime m = OCTOBER.atDay(1).atStartOfDay();
        return record(enterprise, dataCode, 2, m, value, LocalDateTime.of(2026, 11, 1, 1, 10, 5), "1");
    }

    /** Days of series A enterprise i leaves out: never day 1 (a series is expected from its first period on). */
    static boolean holeA(int i, int day) {
        return i % 10 != 0 && day > 1 && (day * 7 + i) % 11 == 0;
    }

    /** Enterprise i leaves out the last i % 5 days of series B. */
    static boolean holeB(int i, int day) {
        return day > 31 - i % 5;
    }

    private static void expect(String enterprise, String series, int expected, int received) {
        truth.computeIfAbsent(enterprise, k -> new LinkedHashMap<>()).put(series, new int[] {expected, received});
    }

    private static void hole(String enterprise, String series, LocalDateTime period) {
        holes.computeIfAbsent(enterprise, k -> new LinkedHashMap<>()).computeIfAbsent(series, k -> new TreeSet<>())
                .add(WIRE.format(period));
    }

    private static boolean sent;

    /** Sends the month once, from the first test (Camel's routes start before each test, after any @BeforeAll). */
    @BeforeEach
    void sendOctober() throws Exception {
        if (sent) {
            return;
        }
        sent = true;
        // enterprise 49 has a schedule: it must also report NEVER_SENT daily, which it never does
        String scheduled = enterprise(49);
        schedule.importSchedule(List.of(new ScheduleEntry(scheduled, DAY_A, 1), new ScheduleEntry(scheduled, DAY_B, 1),
                new ScheduleEntry(scheduled, DAY_A, 2), new ScheduleEntry(scheduled, NEVER_SENT, 1)));
        List<FerryPackage> packages = new ArrayList<>();
        FerryPackage pkg = null;
        for (int i = 0; i < ENTERPRISES; i++) {
            if (i % 10 == 0) {
                pkg = FerryPackage.of().name("quality-october-" + i / 10);
                packages.add(pkg);
            }
            String e = enterprise(i);
            int a = 0;
            int b = 0;
            BigDecimal sumA = BigDecimal.ZERO;
            for (int day = 1; day <= 31; day++) {
                LocalDateTime d = OCTOBER.atDay(day).atStartOfDay();
                if (holeA(i, day)) {
                    hole(e, DAY_A + "/1", d);
                } else {
                    String value = day + ".25";
                    sumA = sumA.add(new BigDecimal(value));
                    pkg.line(daily(e, DAY_A, day, value));
                    a++;
                }
                if (holeB(i, day)) {
                    hole(e, DAY_B + "/1", d);
                } else {
                    pkg.line(daily(e, DAY_B, day, "7"));
                    b++;
                }
            }
            expect(e, DAY_A + "/1", 31, a);
            expect(e, DAY_B + "/1", 31, b);
            if (i % 3 != 0) {
                pkg.line(monthly(e, DAY_A, sumA.toPlainString())); // agrees with its days
                expect(e, DAY_A + "/2", 1, 1);
            }
            if (i < 5) {
                // real-time: every quarter hour of the month but 10:00 to 12:00 of day i + 2
                int received = 0;
                for (LocalDateTime q = OCTOBER.atDay(1).atStartOfDay(); q.getMonthValue() == 10; q = q.plusMinutes(15)) {
                    if (q.getDayOfMonth() == i + 2 && q.getHour() >= 10 && q.getHour() < 12) {
                        hole(e, REALTIME + "/0", q);
                        continue;
                    }
                    pkg.line(record(e, REALTIME, 0, q, "0.5", q.plusMinutes(20), "1"));
                    received++;
                }
                expect(e, REALTIME + "/0", 2976, received);
            }
        }
        expect(scheduled, NEVER_SENT + "/1", 31, 0);
        for (int day = 1; day <= 31; day++) {
            hole(scheduled, NEVER_SENT + "/1", OCTOBER.atDay(day).atStartOfDay());
        }
        // 49 % 3 != 0: its monthly value is there, as its schedule asks

        // the day-vs-month pair: monthly 100; days summing to 106 (6 % off) and to 104 (4 % off)
        FerryPackage pair = FerryPackage.of().name("quality-day-month");
        for (int day = 1; day <= 31; day++) {
            pair.line(daily(SIX, DAY_A, day, day == 31 ? "3.4" : day == 5 ? "0" : "3.42"));
            pair.line(daily(FOUR, DAY_A, day, day == 31 ? "3.5" : "3.35"));
        }
        pair.line(monthly(SIX, DAY_A, "100.00"));
        pair.line(monthly(FOUR, DAY_A, "100.00"));
        // a late record (uploaded a week after its day), and one its sender marks invalid
        LocalDateTime day3 = OCTOBER.atDay(3).atStartOfDay();
        pair.line(record(FOUR, DAY_B, 1, day3, "1", day3.plusDays(7), "1"));
        pair.line(record(FOUR, DAY_B, 1, day3.plusDays(1), "1", day3.plusDays(2), "0"));
        packages.add(pair);

        for (FerryPackage p : packages) {
            p.dropInto(inbox());
        }
        for (FerryPackage p : packages) {
            assertThat(awaitAck(p).path("status").asText()).as(p.dataFileName()).isEqualTo("ACCEPTED");
        }
        // day 5 of SIX again, a newer version with the right value: it supersedes the 0
        LocalDateTime day5 = OCTOBER.atDay(5).atStartOfDay();
        FerryPackage again = FerryPackage.of().name("quality-day-month-again")
                .line(record(SIX, DAY_A, 1, day5, "3.42", day5.plusDays(1).plusMinutes(90), "1"));
        again.dropInto(inbox());
        assertThat(awaitAck(again).path("status").asText()).isEqualTo("ACCEPTED");
    }

    @Test
    void completenessPerEnterpriseAndDataCodeIsExactlyAsGenerated() {
        for (var e : truth.entrySet()) {
            List<SeriesQuality> series = quality.series(OCTOBER, e.getKey(), 0, 500);
            Map<String, int[]> actual = series.stream().collect(Collectors.toMap(
                    s -> s.dataCode() + "/" + s.statType(), s -> new int[] {s.expected(), s.received()}));
            assertThat(actual.keySet()).as(e.getKey()).isEqualTo(e.getValue().keySet());
            e.getValue().forEach((k, v) -> assertThat(actual.get(k)).as(e.getKey() + " " + k).containsExactly(v));
            for (SeriesQuality s : series) {
                Set<String> expectedHoles = holes.getOrDefault(e.getKey(), Map.of())
                        .getOrDefault(s.dataCode() + "/" + s.statType(), Set.of());
                assertThat(s.missing()).as(e.getKey() + " " + s.dataCode() + " holes")
                        .containsExactlyElementsOf(expectedHoles);
            }
            int expected = e.getValue().values().stream().mapToInt(v -> v[0]).sum();
            int received = e.getValue().values().stream().mapToInt(v -> v[1]).sum();
            EnterpriseQuality q = quality.enterprise(OCTOBER, e.getKey());
            assertThat(q.expected()).as(e.getKey()).isEqualTo(expected);
            assertThat(q.received()).as(e.getKey()).isEqualTo(received);
            assertThat(q.completeness()).as(e.getKey()).isCloseTo(100.0 * received / expected, within(0.006));
        }
        // the scheduled enterprise misses a whole series: 31 of its expected periods
        assertThat(quality.enterprise(OCTOBER, enterprise(49)).belowThreshold()).isTrue();
        // the province-wide list names exactly the generated enterprises below 90 %
        Set<String> below = quality.enterprises(OCTOBER).stream().filter(EnterpriseQuality::belowThreshold)
                .map(EnterpriseQuality::enterpriseCode).filter(truth::containsKey).collect(Collectors.toSet());
        Set<String> expectedBelow = truth.entrySet().stream().filter(e -> {
            int ex = e.getValue().values().stream().mapToInt(v -> v[0]).sum();
            int re = e.getValue().values().stream().mapToInt(v -> v[1]).sum();
            return 100.0 * re / ex < 90;
        }).map(Map.Entry::getKey).collect(Collectors.toSet());
        assertThat(expectedBelow).isNotEmpty();
        assertThat(below).isEqualTo(expectedBelow);
    }

    @Test
    void calendarCountsEachDaysPeriods() {
        String e = enterprise(3); // real-time holes on day 5, 10:00 to 12:00; series B misses days 29 to 31
        var days = quality.calendar(OCTOBER, e);
        assertThat(days).hasSize(31);
        var day5 = days.get(4);
        assertThat(day5.day()).isEqualTo(LocalDate.of(2026, 10, 5));
        // 96 quarter hours + A + B; 8 quarter hours missing; A's hole days for i = 3: (7d + 3) % 11 == 0
        int aHole = holeA(3, 5) ? 1 : 0;
        assertThat(day5.expected()).isEqualTo(98);
        assertThat(day5.received()).isEqualTo(98 - 8 - aHole);
        assertThat(days.get(30).received()).isEqualTo(96 + (holeA(3, 31) ? 0 : 1) + 0);
    }

    @Test
    void dayVersusMonthDeviationOfSixPercentIsFlaggedAndFourIsNot() {
        Map<String, DayMonthCheck> checks = consistency.dayMonth(OCTOBER, null).stream()
                .filter(c -> c.enterpriseCode().equals(SIX) || c.enterpriseCode().equals(FOUR))
                .collect(Collectors.toMap(DayMonthCheck::enterpriseCode, c -> c));
        assertThat(checks.get(SIX).daySum()).isEqualByComparingTo("106.00"); // day 5's 0 superseded by 3.42
        assertThat(checks.get(SIX).deviationPercent()).isEqualTo(6.0);
        assertThat(checks.get(SIX).flagged()).isTrue();
        assertThat(checks.get(FOUR).daySum()).isEqualByComparingTo("104.00");
        assertThat(checks.get(FOUR).deviationPercent()).isEqualTo(4.0);
        assertThat(checks.get(FOUR).flagged()).isFalse();
        // the generated enterprises' monthly values agree with their days: none flagged
        assertThat(consistency.dayMonth(OCTOBER, null).stream().filter(DayMonthCheck::flagged)
                .map(DayMonthCheck::enterpriseCode).filter(c -> truth.containsKey(c) || c.equals(FOUR))).isEmpty();
    }

    @Test
    void lateSupersededAndSuspectRecordsAreCounted() {
        SeriesQuality sixA = quality.series(OCTOBER, SIX, 0, 500).stream()
                .filter(s -> s.dataCode().equals(DAY_A) && s.statType() == 1).findFirst().orElseThrow();
        assertThat(sixA.superseded()).isEqualTo(1);
        assertThat(sixA.late()).isZero();
        SeriesQuality fourB = quality.series(OCTOBER, FOUR, 0, 500).stream()
                .filter(s -> s.dataCode().equals(DAY_B)).findFirst().orElseThrow();
        assertThat(fourB.late()).isEqualTo(1);
        assertThat(fourB.suspect()).isEqualTo(1);
        assertThat(fourB.received()).isEqualTo(2);
        assertThat(fourB.expected()).isEqualTo(29); // from its first day, the 3rd, to the 31st
    }

    @Test
    void aSeriesThatStoppedIsOwedThirtyDaysAfterItsLastPeriodAndNoMore() throws Exception {
        // no schedule; daily 5 to 20 May 2026 and one quarter hour, 20 May 10:00; then nothing
        String stopped = enterprise(902);
        FerryPackage pkg = FerryPackage.of().name("quality-stopped");
        for (int day = 5; day <= 20; day++) {
            LocalDateTime d = LocalDate.of(2026, 5, day).atStartOfDay();
            pkg.line(record(stopped, DAY_A, 1, d, "1", d.plusDays(1).plusMinutes(70), "1"));
        }
        LocalDateTime quarter = LocalDateTime.of(2026, 5, 20, 10, 0);
        pkg.line(record(stopped, REALTIME, 0, quarter, "0.5", quarter.plusMinutes(20), "1"));
        pkg.dropInto(inbox());
        assertThat(awaitAck(pkg).path("status").asText()).isEqualTo("ACCEPTED");

        YearMonth may = YearMonth.of(2026, 5);
        YearMonth june = YearMonth.of(2026, 6);
        Map<String, SeriesQuality> inMay = quality.series(may, stopped, 0, 500).stream()
                .collect(Collectors.toMap(s -> s.dataCode() + "/" + s.statType(), s -> s));
        assertThat(inMay.get(DAY_A + "/1").expected()).isEqualTo(27);  // from 5 May on
        assertThat(inMay.get(DAY_A + "/1").received()).isEqualTo(16);
        // June: the days up to 19 June (30 days after 20 May), the quarter hours up to 19 June 10:00
        Map<String, SeriesQuality> inJune = quality.series(june, stopped, 0, 500).stream()
                .collect(Collectors.toMap(s -> s.dataCode() + "/" + s.statType(), s -> s));
        SeriesQuality days = inJune.get(DAY_A + "/1");
        assertThat(days.expected()).isEqualTo(19);
        assertThat(days.received()).isZero();
        assertThat(days.missing()).first().isEqualTo("2026-06-01 00:00:00");
        assertThat(days.missing()).last().isEqualTo("2026-06-19 00:00:00");
        assertThat(inJune.get(REALTIME + "/0").expected()).isEqualTo(18 * 96 + 41);
        assertThat(quality.enterprise(june, stopped).expected()).isEqualTo(19 + 18 * 96 + 41);
        // July: owed nothing, so not listed at all
        assertThat(quality.series(YearMonth.of(2026, 7), stopped, 0, 500)).isEmpty();
        assertThat(quality.enterprises(YearMonth.of(2026, 7))).extracting(EnterpriseQuality::enterpriseCode)
                .doesNotContain(stopped);
    }
}

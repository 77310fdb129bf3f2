package energyhub.e2e.cockpit;

import energyhub.e2e.support.FerryPackage;
import energyhub.standard.UnifiedSocialCreditCode;
import java.util.Set;

/**
 * October 2026 of one enterprise for the data-quality tests: every period of that month is due by now.
 * Data code {@link #COMPLETE} is reported every day, and for the month with a value 29 % above the days'
 * sum (400 against 310: a flagged day-vs-month deviation of 22.5 %); {@link #HOLED} every day but the
 * {@code missing} ones.
 */
final class QualityMonth {

    static final String MONTH = "2026-10";
    static final String COMPLETE = "0000000002330001";
    static final String HOLED = "0000000002330002";

    private QualityMonth() {
    }

    /** A valid credit code of its own: the cockpit's database is shared by every cockpit test class. */
    static String enterprise(String first17) {
        return first17 + UnifiedSocialCreditCode.checkCharacter(first17);
    }

    static FerryPackage of(String enterprise, Set<Integer> missing) {
        FerryPackage pkg = FerryPackage.of();
        for (int day = 1; day <= 31; day++) {
            pkg.line(record(enterprise, COMPLETE, 1, String.format("2026-10-%02d 00:00:00", day), "10"));
            if (!missing.contains(day)) {
                pkg.line(record(enterprise, HOLED, 1, String.format("2026-10-%02d 00:00:00", day), "7.5"));
            }
        }
        return pkg.line(record(enterprise, COMPLETE, 2, "2026-10-01 00:00:00", "400"));
    }

    static String record(String enterprise, String dataCode, int statType, String statDate, String value) {
        return "{\"enterpriseCode\":\"" + enterprise + "\",\"regVersion\":\"1.0\",\"dicVersion\":\"1.0\","
                + "\"dataCode\":\"" + dataCode + "\",\"dataValue\":\"" + value + "\",\"convertRation\":\"\","
                + "\"valid\":\"1\",\"scope\":\"1\",\"inputType\":\"4\",\"statType\":\"" + statType + "\","
                + "\"statDate\":\"" + statDate + "\",\"uploadDate\":\"2026-11-02 01:10:05\"}";
    }
}

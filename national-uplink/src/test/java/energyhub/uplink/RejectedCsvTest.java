package energyhub.uplink;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A row of the REJECTED export: the platform's message is from outside, so it must stay text in a spreadsheet. */
class RejectedCsvTest {

    @Test
    void cellsThatASpreadsheetWouldRunAreMadeTextAndSeparatorsAreQuoted() {
        Timestamp at = Timestamp.from(Instant.parse("2026-12-01T08:00:00.123456Z"));
        assertThat(UplinkOperatorController.row(7L, "91530000SIMULATOR", "0000000002330001", "1", "2026-10-01 00:00:00",
                "2026-11-01 01:00:00", 1, 200, 400, "=HYPERLINK(\"http://x\",\"y\")", at))
                .isEqualTo("7,91530000SIMULATOR,0000000002330001,1,2026-10-01 00:00:00,2026-11-01 01:00:00,1,200,400,"
                        + "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",2026-12-01T08:00:00.123456Z\n");
        assertThat(UplinkOperatorController.row("+1", "-2", "@SUM(A1)", "\tx", "\rx", "a,b", "line\nbreak", "plain"))
                .isEqualTo("'+1,'-2,'@SUM(A1),'\tx,\"'\rx\",\"a,b\",\"line\nbreak\",plain\n");
        // numbers are not text: a negative code stays a number, and nulls are empty
        assertThat(UplinkOperatorController.row(-1, null, "采集数据项编码 X 不存在")).isEqualTo("-1,,采集数据项编码 X 不存在\n");
    }
}

package energyhub.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Timestamp;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The operator APIs' parameters and CSV rows: what an account sends and what a platform wrote are hostile. */
class OperatorInputTest {

    @Test
    void cellsThatASpreadsheetWouldRunAreMadeTextAndSeparatorsAreQuoted() {
        Timestamp at = Timestamp.from(Instant.parse("2026-12-01T08:00:00.123456Z"));
        assertThat(OperatorInput.csvRow(7L, "91530000SIMULATOR", "0000000002330001", "1", "2026-10-01 00:00:00",
                "2026-11-01 01:00:00", 1, 200, 400, "=HYPERLINK(\"http://x\",\"y\")", at))
                .isEqualTo("7,91530000SIMULATOR,0000000002330001,1,2026-10-01 00:00:00,2026-11-01 01:00:00,1,200,400,"
                        + "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",2026-12-01T08:00:00.123456Z\n");
        assertThat(OperatorInput.csvRow("+1", "-2", "@SUM(A1)", "\tx", "\rx", "a,b", "line\nbreak", "plain"))
                .isEqualTo("'+1,'-2,'@SUM(A1),'\tx,\"'\rx\",\"a,b\",\"line\nbreak\",plain\n");
        // numbers are not text: a negative number stays a number, and nulls are empty
        assertThat(OperatorInput.csvRow(-1, null, 0.5, "采集数据项编码 X 不存在")).isEqualTo("-1,,0.5,采集数据项编码 X 不存在\n");
    }

    @Test
    void aNumberParameterIsBoundedAndABadOneIsNamedQuoted() {
        assertThat(OperatorInput.number("limit", null, 1, 500, 100)).isEqualTo(100);
        assertThat(OperatorInput.number("limit", " 42 ", 1, 500, 100)).isEqualTo(42);
        assertThatThrownBy(() -> OperatorInput.number("limit", "501", 1, 500, 100))
                .hasMessage("limit 501 is not within 1 and 500 (the largest page; ask for the next with offset)");
        assertThatThrownBy(() -> OperatorInput.number("offset", "1\n2\"x", 0, Long.MAX_VALUE, 0))
                .hasMessage("offset \"1\\u000a2\\u0022x\" is not a whole number");
        assertThat(OperatorInput.shown("x".repeat(50))).isEqualTo("\"" + "x".repeat(40) + "...\"");
        assertThat(OperatorInput.shown(null)).isEqualTo("(absent)");
    }

    @Test
    void csvIsChosenByFormatFirstThenByAccept() {
        assertThat(OperatorInput.wantsCsv("CSV", "application/json")).isTrue();
        assertThat(OperatorInput.wantsCsv("json", "text/csv")).isFalse();
        assertThat(OperatorInput.wantsCsv(null, "text/csv")).isTrue();
        assertThat(OperatorInput.wantsCsv(null, "text/csv, application/json")).isFalse();
        assertThat(OperatorInput.wantsCsv("", null)).isFalse();
        assertThatThrownBy(() -> OperatorInput.wantsCsv("xml", null)).hasMessage("format \"xml\" is not json or csv");
    }
}

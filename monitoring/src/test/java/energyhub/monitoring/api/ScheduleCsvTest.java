package energyhub.monitoring.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energyhub.routing.quality.QualitySchedule.ScheduleEntry;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScheduleCsvTest {

    private static final String CODE = "91530100MA6NX4QW2G";

    private static List<ScheduleEntry> read(String csv) throws Exception {
        return ScheduleCsv.read(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), 1000);
    }

    @Test
    void headerBomBlankLinesAndSpacesAreTaken() throws Exception {
        assertThat(read("\uFEFFenterpriseCode,dataCode,statType\r\n" + CODE + ",0000000002330001,1\n\n"
                + CODE + " , 00000000023300010 ,2\n")).containsExactly(
                        new ScheduleEntry(CODE, "0000000002330001", 1), new ScheduleEntry(CODE, "00000000023300010", 2));
        assertThat(read(CODE + ",00000000023300,0")).hasSize(1);
    }

    @Test
    void aBadLineIsNamedWithItsField() {
        assertThatThrownBy(() -> read("enterpriseCode,dataCode,statType\n" + CODE + ",0000000002330001,1\n"
                + CODE + ",123,1\n")).isInstanceOfSatisfying(ScheduleCsv.BadSchedule.class, e -> {
                    assertThat(e.line).isEqualTo(3);
                    assertThat(e.field).isEqualTo("dataCode");
                    assertThat(e.getMessage()).contains("line 3", "dataCode", "\"123\"");
                });
        assertThatThrownBy(() -> read("91530100MA6NX4QW2H,0000000002330001,1"))
                .isInstanceOfSatisfying(ScheduleCsv.BadSchedule.class, e -> {
                    assertThat(e.field).isEqualTo("enterpriseCode");
                    assertThat(e.getMessage()).contains("line 1", "check character");
                });
        assertThatThrownBy(() -> read(CODE + ",0000000002330001,4"))
                .isInstanceOfSatisfying(ScheduleCsv.BadSchedule.class, e -> assertThat(e.field).isEqualTo("statType"));
        assertThatThrownBy(() -> read(CODE + ",0000000002330001"))
                .isInstanceOfSatisfying(ScheduleCsv.BadSchedule.class, e -> assertThat(e.getMessage())
                        .contains("line 1 has 2 fields, expected 3"));
        // the header is only a header in front of the lines
        assertThatThrownBy(() -> read(CODE + ",0000000002330001,1\nenterpriseCode,dataCode,statType"))
                .isInstanceOfSatisfying(ScheduleCsv.BadSchedule.class, e -> assertThat(e.line).isEqualTo(2));
    }

    @Test
    void emptyNotUtf8AndTooLargeAreRefused() {
        assertThatThrownBy(() -> read("enterpriseCode,dataCode,statType\n\n"))
                .isInstanceOf(ScheduleCsv.BadSchedule.class).hasMessageContaining("no lines");
        assertThatThrownBy(() -> ScheduleCsv.read(new ByteArrayInputStream(new byte[] {'a', (byte) 0xff, '\n'}), 100))
                .isInstanceOf(ScheduleCsv.BadSchedule.class).hasMessageContaining("not UTF-8");
        assertThatThrownBy(() -> read((CODE + ",0000000002330001,1\n").repeat(100)))
                .isInstanceOf(ScheduleCsv.TooLarge.class).hasMessageContaining("larger than 1000 bytes");
    }
}

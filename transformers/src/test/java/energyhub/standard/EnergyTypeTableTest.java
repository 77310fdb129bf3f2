package energyhub.standard;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnergyTypeTableTest {

    @ParameterizedTest
    @CsvSource({
            "0000, 综合能耗, tce, 1",
            "0100, 原煤, t, 0.7143",
            "1800, 原油, t, 1.4286",
            "1500, 天然气, 万m³, 12.143",
            "0600, 洗精煤, t, 0.9000",
            "0700, 其它洗煤, t, 0.2857",
            "0800, 煤制品, t, 0.6000",
            "0900, 焦炭, t, 0.9714",
            "1000, 其它焦化产品, t, 1.3000",
            "1100, 焦炉煤气, 万m³, 5.714",
            "1200, 高炉煤气, 万m³, 1.286",
            "1400, 发生炉煤气, 万m³, 1.786",
            "1700, 煤层气, 万m³, 5.000",
            "1900, 汽油, t, 1.4714",
            "2000, 煤油, t, 1.4714",
            "2100, 柴油, t, 1.4571",
            "2200, 燃料油, t, 1.4286",
            "2300, 液化石油气, t, 1.7143",
            "2400, 炼厂干气, t, 1.5714",
            "3100, 其他石油制品, t, 1.2000",
            "3200, 热力, GJ, 0.03412",
            "3300, 电力, 万kWh, 1.229"})
    void defaultsHoldEveryRowOfTheStandardTable(String code, String name, String unit, String ratio) {
        assertThat(EnergyTypeTable.defaults().find(code)).hasValue(new EnergyType(code, name, unit, ratio));
    }

    @Test
    void defaultsHaveExactlyTheListedRowsInFileOrder() {
        assertThat(EnergyTypeTable.defaults().all()).hasSize(22);
        assertThat(EnergyTypeTable.defaults().all().get(0).code()).isEqualTo("0000");
        assertThat(EnergyTypeTable.defaults().all().get(21).code()).isEqualTo("3300");
        assertThat(EnergyTypeTable.defaults()).isSameAs(EnergyTypeTable.defaults());
    }

    @ParameterizedTest
    @CsvSource(value = {"9999", "1300", "33", "NULL"}, nullValues = "NULL")
    void unknownCodesAreNotFound(String code) {
        assertThat(EnergyTypeTable.defaults().find(code)).isEmpty();
    }

    @Test
    void loadsAProvinceTableWithBomAndBlankLines() {
        EnergyTypeTable table = EnergyTypeTable.load(csv("\uFEFFcode,name,unit,convertRation\n\n"
                + "3300,电力,万kWh,4.04\r\n 1300 , 转炉煤气 , 万m³ , 2.0 \n"));
        assertThat(table.all()).containsExactly(new EnergyType("3300", "电力", "万kWh", "4.04"),
                new EnergyType("1300", "转炉煤气", "万m³", "2.0"));
        assertThat(table.find("0000")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''                                                    | expected the header",
            "'code;name;unit;convertRation\\n3300;电力;万kWh;1.229' | line 1: expected the header",
            "'code,name,unit,convertRation\\n3300,电力,1.229'       | line 2: expected 4 columns, found 3",
            "'code,name,unit,convertRation\\n3300,电力,万kWh,1.2,x' | line 2: expected 4 columns, found 5",
            "'code,name,unit,convertRation\\n33,电力,万kWh,1.229'   | line 2: code \"33\" is not 4 digits",
            "'code,name,unit,convertRation\\n3300,,万kWh,1.229'     | line 2: name and unit are required",
            "'code,name,unit,convertRation\\n3300,电力,万kWh,1e3'   | line 2: convertRation \"1e3\" is not a plain decimal",
            "'code,name,unit,convertRation\\n3300,电力,万kWh,'      | line 2: convertRation \"\" is not a plain decimal",
            "'code,name,unit,convertRation\\n3300,电力,万kWh,1\\n\\n3300,电力,万kWh,2' | line 4: code 3300 appears twice"})
    void rejectsMalformedTables(String content, String message) {
        assertThatThrownBy(() -> EnergyTypeTable.load(csv(content.replace("\\n", "\n"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    private static InputStream csv(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }
}

package energyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import energyhub.e2e.support.FerryPackage;
import energyhub.e2e.support.SupplierHubTest;
import energyhub.routing.quality.ConsistencyChecks;
import energyhub.routing.quality.ConsistencyChecks.SupplyCheck;
import energyhub.routing.quality.QualityReports;
import energyhub.supplier.Account;
import energyhub.supplier.AccountRegistry;
import java.nio.charset.StandardCharsets;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Supplier-vs-enterprise cross-check through the real intakes: the enterprise's own 全厂 electricity
 * records come through the ferry inbox, the grid company's CSV through the supplier folder; a supplier value
 * 7 % off the enterprise's own is flagged, 3 % off and an equal one are not.
 */
class SupplierQualityTest extends SupplierHubTest {

    static final YearMonth OCTOBER = YearMonth.of(2026, 10);
    static final String OFF = DataQualityTest.enterprise(910);
    static final String CLOSE = DataQualityTest.enterprise(911);
    static final String PLANT_ELECTRICITY = "0000000002330001";

    @Autowired
    ConsistencyChecks checks;
    @Autowired
    QualityReports quality;

    @Autowired
    AccountRegistry accounts;

    static String own(String enterprise, int statType, String statDate, String value) {
        return "{\"enterpriseCode\":\"" + enterprise + "\",\"regVersion\":\"1.0\",\"dicVersion\":\"1.0\","
                + "\"dataCode\":\"" + PLANT_ELECTRICITY + "\",\"dataValue\":\"" + value + "\",\"convertRation\":\"\","
                + "\"valid\":\"1\",\"scope\":\"1\",\"inputType\":\"1\",\"statType\":\"" + statType + "\","
                + "\"statDate\":\"" + statDate + "\",\"uploadDate\":\"2026-11-01 01:10:05\"}";
    }

    @Test
    void supplierValueSevenPercentOffTheEnterprisesOwnIsFlagged() throws Exception {
        accounts.save(new Account("YNDW", 2, "0531009100", OFF, PLANT_ELECTRICITY, true), "test");
        accounts.save(new Account("YNDW", 2, "0531009110", CLOSE, PLANT_ELECTRICITY, true), "test");

        // the enterprises' own meters, in 万kWh: October 100 each, and 3.2 on 15 October
        FerryPackage ownRecords = FerryPackage.of().name("quality-supplier-own")
                .line(own(OFF, 2, "2026-10-01 00:00:00", "100.0000"))
                .line(own(CLOSE, 2, "2026-10-01 00:00:00", "100.0000"))
                .line(own(OFF, 1, "2026-10-15 00:00:00", "3.2"));
        ownRecords.dropInto(inbox());
        assertThat(awaitAck(ownRecords).path("accepted").asInt()).isEqualTo(3);

        // the grid company: 1,070,000 kWh = 107 万kWh (7 % over), 1,030,000 kWh (3 % over), 32,000 kWh that day
        String name = "ELEC_YNDW_202610_910.csv";
        String csv = SupplierElectricityTest.HEADER + "\r\n"
                + "0531009100,某某电解铝有限公司,MP1,月,2026-10-01,2026-10-31,,,,\"1,070,000\",,,,,\r\n"
                + "0531009110,某某水泥有限公司,MP1,月,2026-10-01,2026-10-31,,,,\"1,030,000\",,,,,\r\n"
                + "0531009100,某某电解铝有限公司,MP1,日,2026-10-15,2026-10-15,,,,\"32,000\",,,,,\r\n"
                + "合计,3,,,,,,,,\"2,132,000\",,,,,\r\n";
        drop("grid1", name, csv.getBytes(StandardCharsets.UTF_8));
        assertThat(awaitReport("grid1", name).get("accepted").asInt()).isEqualTo(3);

        List<SupplyCheck> off = checks.supply(OCTOBER, OFF);
        Map<Integer, SupplyCheck> byStatType = off.stream().collect(Collectors.toMap(SupplyCheck::statType, c -> c));
        assertThat(off).hasSize(2);
        SupplyCheck month = byStatType.get(2);
        assertThat(month.energyType()).isEqualTo("3300");
        assertThat(month.statDate()).isEqualTo("2026-10-01 00:00:00");
        assertThat(month.supplierValue()).isEqualByComparingTo("107");
        assertThat(month.ownValue()).isEqualByComparingTo("100");
        assertThat(month.deviationPercent()).isEqualTo(7.0);
        assertThat(month.flagged()).isTrue();
        SupplyCheck day = byStatType.get(1);
        assertThat(day.statDate()).isEqualTo("2026-10-15 00:00:00");
        assertThat(day.supplierValue()).isEqualByComparingTo("3.2");
        assertThat(day.deviationPercent()).isEqualTo(0.0);
        assertThat(day.flagged()).isFalse();

        List<SupplyCheck> close = checks.supply(OCTOBER, CLOSE);
        assertThat(close).singleElement().satisfies(c -> {
            assertThat(c.deviationPercent()).isEqualTo(3.0);
            assertThat(c.flagged()).isFalse();
        });
        // the supplier's records are beside the enterprise's, not counted as its uploads
        assertThat(quality.series(OCTOBER, OFF, 0, 500)).extracting(QualityReports.SeriesQuality::received)
                .containsExactlyInAnyOrder(1, 1);
    }
}

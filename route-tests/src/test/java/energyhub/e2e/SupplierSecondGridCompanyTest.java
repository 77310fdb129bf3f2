package energyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import energyhub.e2e.support.SupplierHubTest;
import java.nio.charset.Charset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A second grid company (KMGD) is nothing but a second entry under hub.suppliers (grid2 in
 * SupplierHubTest's properties): the same route template gives it its own route, folder and reports.
 */
class SupplierSecondGridCompanyTest extends SupplierHubTest {

    @Test
    void aSecondGridCompanyConfiguredOnlyIsRouted() throws Exception {
        assertThat(camel.getRoute("supplier-grid2")).isNotNull();
        assertThat(camel.getRoute("supplier-grid2").isCreatedByRouteTemplate()).isTrue();
        assertThat(camel.getRoute("supplier-grid1").isCreatedByRouteTemplate()).isTrue();

        String name = "ELEC_KMGD_202610_001.csv";
        drop("grid2", name, SupplierElectricityTest.csv(Charset.forName("GBK"), false,
                "0871000001,昆明某某机械厂,MP1,月,2026-10-01,2026-10-31,\"2,000\",\"2,500\",40,\"20,000\",,,,,",
                "合计,1,,,,,,,,\"20,000\",,,,,"));
        JsonNode report = awaitReport("grid2", name);

        assertThat(report.get("status").asText()).isEqualTo("ACCEPTED");
        assertThat(report.get("supplierCode").asText()).isEqualTo("KMGD");
        String batchId = batchIdOf("grid2", name);
        assertThat(ledger.batch(batchId)).containsEntry("source", "supplier-grid2");
        for (var platform : List.of(national, provincial)) {
            List<JsonNode> records = records(platform, batchId);
            assertThat(records).hasSize(1);
            assertThat(records.get(0).get("enterpriseCode").asText()).isEqualTo("91530100MA6K5YG22J");
            assertThat(records.get(0).get("dataValue").asText()).isEqualTo("2");
            assertThat(records.get(0).get("valid").asText()).isEqualTo("1");
        }
    }

    @Test
    void aFileOfTheOtherGridCompanyIsRefusedInThisCompanysFolder() throws Exception {
        String name = "ELEC_YNDW_202610_099.csv";
        drop("grid2", name, SupplierElectricityTest.csv(Charset.forName("GBK"), false,
                "0531000001,某某钢铁有限公司,MP01,月,2026-09-01,2026-09-30,,,,100,,,,,", "合计,1,,,,,,,,100,,,,,"));
        JsonNode report = awaitReport("grid2", name);

        assertThat(report.get("status").asText()).isEqualTo("REJECTED");
        assertThat(report.get("errors").get(0).get("code").asText()).isEqualTo("WRONG_SUPPLIER");
    }
}

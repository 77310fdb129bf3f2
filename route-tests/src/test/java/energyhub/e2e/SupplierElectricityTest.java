package energyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import energyhub.e2e.support.SupplierHubTest;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Grid company CSV files (contracts section 4.1) dropped into the local folder of supplier grid1 (YNDW). */
class SupplierElectricityTest extends SupplierHubTest {

    static final String HEADER = "户号,户名,计量点编号,统计周期,起始日期,截止日期,起码,止码,综合倍率,有功电量(kWh),尖(kWh),峰(kWh),平(kWh),谷(kWh),电费(元)";
    static final String ELEC_ENTERPRISE = "91530100MA6ELEC02D";

    static byte[] csv(Charset charset, boolean bom, String... rows) {
        StringBuilder s = new StringBuilder(HEADER).append("\r\n");
        for (String row : rows) {
            s.append(row).append("\r\n");
        }
        byte[] body = s.toString().getBytes(charset);
        if (!bom) {
            return body;
        }
        byte[] withBom = new byte[body.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(body, 0, withBom, 3, body.length);
        return withBom;
    }

    @Test
    void gbkCsvIsRoutedToBothPlatformsWithExactConvertedValues() throws Exception {
        String name = "ELEC_YNDW_202610_001.csv";
        byte[] file = csv(Charset.forName("GBK"), false,
                // a month: (1,334,567.89 − 100,000) × 1 = 1,234,567.89 kWh, as billed
                "0531000001,某某钢铁有限公司,MP01,月,2026-10-01,2026-10-31,\"100,000\",\"1,334,567.89\",1,\"1,234,567.89\",0,0,0,0,\"861,234.50\"",
                // a day whose meter says (520 − 500) × 80 = 1,600 kWh but 1,650.5 are billed: valid = 0
                "0531000002,某某钢铁有限公司,MP02,日,2026-11-20,2026-11-20,500,520,80,\"1,650.5\",0,0,0,0,\"1,100.00\"",
                "合计,2,,,,,,,,\"1,236,218.39\",,,,,");
        assertThat(new String(file, Charset.forName("GBK"))).contains("某某钢铁");
        assertThat(file).isNotEqualTo(new String(file, Charset.forName("GBK")).getBytes(StandardCharsets.UTF_8));

        drop("grid1", name, file);
        JsonNode report = awaitReport("grid1", name);

        assertThat(report.get("status").asText()).isEqualTo("ACCEPTED");
        assertThat(report.get("accepted").asInt()).isEqualTo(2);
        assertThat(report.get("unmatched")).isEmpty();
        assertThat(report.get("rowErrors")).isEmpty();
        String batchId = batchIdOf("grid1", name);
        for (var platform : List.of(national, provincial)) {
            List<JsonNode> records = records(platform, batchId);
            assertThat(records).hasSize(2);
            JsonNode month = records.get(0);
            assertThat(month.get("enterpriseCode").asText()).isEqualTo(ELEC_ENTERPRISE);
            assertThat(month.get("dataCode").asText()).isEqualTo("0000000002330001");
            assertThat(month.get("dataValue").asText()).isEqualTo("123.456789"); // 万kWh
            assertThat(month.get("valid").asText()).isEqualTo("1");
            assertThat(month.get("statType").asText()).isEqualTo("2");
            assertThat(month.get("statDate").asText()).isEqualTo("2026-10-01 00:00:00");
            assertThat(month.get("inputType").asText()).isEqualTo("6");
            assertThat(month.get("scope").asText()).isEqualTo("1");
            assertThat(month.get("convertRation").asText()).isEqualTo("1.229");
            JsonNode day = records.get(1);
            assertThat(day.get("dataCode").asText()).isEqualTo("0000000002330002");
            assertThat(day.get("dataValue").asText()).isEqualTo("0.16505");
            assertThat(day.get("valid").asText()).isEqualTo("0");
            assertThat(day.get("statType").asText()).isEqualTo("1");
            assertThat(day.get("statDate").asText()).isEqualTo("2026-11-20 00:00:00");
        }
        assertThat(ledger.batch(batchId)).containsEntry("status", "ACCEPTED").containsEntry("source", "supplier-grid1")
                .containsEntry("file_name", name).containsEntry("accepted", 2);
    }

    @Test
    void utf8CsvWithBomIsRoutedWithExactConvertedValues() throws Exception {
        String name = "ELEC_YNDW_20261120_002.csv";
        byte[] file = csv(StandardCharsets.UTF_8, true,
                "0531000003,某某水泥有限公司,MP03,月,2026-10-01,2026-10-31,\"12,000.1\",\"22,370.64\",\"10\",\"103,705.4\",,,,,",
                "合计,1,,,,,,,,\"103,705.4\",,,,,");

        drop("grid1", name, file);
        JsonNode report = awaitReport("grid1", name);

        assertThat(report.get("status").asText()).isEqualTo("ACCEPTED");
        String batchId = batchIdOf("grid1", name);
        for (var platform : List.of(national, provincial)) {
            List<JsonNode> records = records(platform, batchId);
            assertThat(records).hasSize(1);
            assertThat(records.get(0).get("dataCode").asText()).isEqualTo("0000000002330003");
            assertThat(records.get(0).get("dataValue").asText()).isEqualTo("10.37054");
            // (22,370.64 − 12,000.1) × 10 = 103,705.4: the meter agrees
            assertThat(records.get(0).get("valid").asText()).isEqualTo("1");
            assertThat(records.get(0).get("statDate").asText()).isEqualTo("2026-10-01 00:00:00");
        }
    }

    @Test
    void trailerMismatchRejectsTheWholeFileWithAReport() throws Exception {
        String name = "ELEC_YNDW_202610_003.csv";
        byte[] file = csv(Charset.forName("GBK"), false,
                "0531000004,某某化工有限公司,MP04,月,2026-10-01,2026-10-31,0,100,1,100,,,,,",
                "0531000004,某某化工有限公司,MP05,日,2026-10-02,2026-10-02,0,50,1,50,,,,,",
                // the grid's sum is 150: a row was lost or changed on the way
                "合计,2,,,,,,,,\"1,150\",,,,,");

        drop("grid1", name, file);
        JsonNode report = awaitReport("grid1", name);

        assertThat(report.get("status").asText()).isEqualTo("REJECTED");
        assertThat(report.get("accepted").asInt()).isZero();
        assertThat(report.get("errors")).hasSize(1);
        assertThat(report.get("errors").get(0).get("code").asText()).isEqualTo("TRAILER_MISMATCH");
        assertThat(report.get("errors").get(0).get("message").asText()).contains("1,150").contains("150");
        String batchId = batchIdOf("grid1", name);
        assertThat(ledger.batches(batchId)).singleElement().satisfies(b -> assertThat(b).containsEntry("status", "REJECTED"));
        assertThat(national.browse(batchId)).isEmpty();
        assertThat(provincial.browse(batchId)).isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(supplierDir("grid1").resolve("inbox").resolve(name)));
    }

    @Test
    void theSameFileDeliveredTwiceIsRoutedOnce() throws Exception {
        String name = "ELEC_YNDW_20261121_004.csv";
        byte[] file = csv(Charset.forName("GBK"), false,
                "0531000004,某某化工有限公司,MP04,日,2026-11-21,2026-11-21,100,110,10,100,,,,,",
                "合计,1,,,,,,,,100,,,,,");
        drop("grid1", name, file);
        awaitReport("grid1", name);
        String batchId = batchIdOf("grid1", name);

        // the grid sends it again, under the same name and then under another one
        drop("grid1", name, file);
        await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(supplierDir("grid1").resolve("inbox").resolve(name)));
        String again = "ELEC_YNDW_20261121_005.csv";
        drop("grid1", again, file);
        JsonNode duplicate = awaitReport("grid1", again);

        assertThat(duplicate.get("status").asText()).isEqualTo("DUPLICATE");
        assertThat(duplicate.get("batchId").asText()).isEqualTo(batchId);
        assertThat(national.browse(batchId)).hasSize(1);
        assertThat(provincial.browse(batchId)).hasSize(1);
        assertThat(ledger.batches(batchId)).extracting(b -> b.get("status") + ":" + b.get("file_name"))
                .containsExactly("ACCEPTED:" + name, "DUPLICATE:" + again);
        assertThat(jdbc.queryForObject("select count(*) from supplier_file where sha256 = (select sha256 from supplier_file "
                + "where batch_id = ?)", Integer.class, batchId)).isEqualTo(1);
    }

    @Test
    void aCsvIsAlsoPulledFromTheGridCompanysSftpServer() throws Exception {
        String name = "ELEC_YNDW_20261122_006.csv";
        SFTP.put("grid", name, csv(Charset.forName("GBK"), false,
                "0531000004,某某化工有限公司,MP04,日,2026-11-22,2026-11-22,110,112.5,10,25,,,,,",
                "合计,1,,,,,,,,25,,,,,"));

        JsonNode report = awaitReport("grid3", name);

        assertThat(report.get("status").asText()).isEqualTo("ACCEPTED");
        String batchId = batchIdOf("grid3", name);
        assertThat(records(national, batchId)).extracting(r -> r.get("dataValue").asText()).containsExactly("0.0025");
        assertThat(records(provincial, batchId)).hasSize(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(SFTP.root().resolve("grid/.done").resolve(name)));
    }
}

package energyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import energyhub.e2e.support.SupplierHubTest;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

/** Rows of unknown or inactive accounts are kept as unmatched, and routed once the registry gains them. */
class AccountRegistryTest extends SupplierHubTest {

    @Autowired
    ApplicationContext applicationContext;

    @Test
    void unknownAccountsAreKeptUnmatchedThenRoutedAfterTheRegistryGainsThem() throws Exception {
        String name = "ELEC_YNDW_202609_010.csv";
        drop("grid1", name, SupplierElectricityTest.csv(Charset.forName("GBK"), false,
                "0531000001,某某钢铁有限公司,MP01,月,2026-09-01,2026-09-30,,,,\"10,000\",,,,,",
                "0531000091,新建某某材料有限公司,MP91,月,2026-09-01,2026-09-30,,,,\"25,000.5\",,,,,",
                "0531000050,停用某某厂,MP50,日,2026-09-03,2026-09-03,,,,\"1,200\",,,,,",
                "合计,3,,,,,,,,\"36,200.5\",,,,,"));

        JsonNode report = awaitReport("grid1", name);

        assertThat(report.get("status").asText()).isEqualTo("ACCEPTED");
        assertThat(report.get("accepted").asInt()).isEqualTo(1);
        assertThat(report.get("unmatched")).hasSize(2);
        assertThat(report.get("unmatched").get(0).get("line").asInt()).isEqualTo(3);
        assertThat(report.get("unmatched").get(0).get("accountNo").asText()).isEqualTo("0531000091");
        assertThat(report.get("unmatched").get(0).get("reason").asText()).isEqualTo("UNKNOWN_ACCOUNT");
        assertThat(report.get("unmatched").get(0).get("raw").asText()).contains("新建某某材料有限公司").contains("\"25,000.5\"");
        assertThat(report.get("unmatched").get(1).get("reason").asText()).isEqualTo("INACTIVE_ACCOUNT");
        String fileBatch = batchIdOf("grid1", name);
        assertThat(records(national, fileBatch)).hasSize(1);
        List<Map<String, Object>> open = jdbc.queryForList("select * from supplier_unmatched u join supplier_file f "
                + "on f.id = u.file_pk where f.batch_id = ? order by line", fileBatch);
        assertThat(open).extracting(u -> u.get("status")).containsExactly("OPEN", "OPEN");

        // the operators add the new account and re-activate the old one by dropping a registry CSV
        Path importDir = Files.createDirectories(DATA_DIR.resolve("suppliers/registry-import"));
        Path tmp = Files.createTempFile(DATA_DIR, "accounts", ".tmp");
        Files.writeString(tmp, "accountType,accountNo,supplierCode,enterpriseCode,dataCode,active\n"
                + "2,0531000091,YNDW,91530100MA6NX4QW2G,0000000002330091,true\n"
                + "2,0531000050,YNDW,91530100MA6NX4QW2G,0000000002330050,true\n", StandardCharsets.UTF_8);
        Files.move(tmp, importDir.resolve("accounts-2026-11.csv"));

        await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.queryForList("select u.status from supplier_unmatched u "
                + "join supplier_file f on f.id = u.file_pk where f.batch_id = ?", String.class, fileBatch)
                .stream().allMatch("ROUTED"::equals));
        String rematchBatch = jdbc.queryForObject("select distinct routed_batch_id from supplier_unmatched u "
                + "join supplier_file f on f.id = u.file_pk where f.batch_id = ?", String.class, fileBatch);
        await().atMost(Duration.ofSeconds(30)).until(() -> national.browse(rematchBatch).size() == 1
                && provincial.browse(rematchBatch).size() == 1);
        for (var platform : List.of(national, provincial)) {
            assertThat(records(platform, rematchBatch)).extracting(r -> r.get("enterpriseCode").asText() + "/"
                    + r.get("dataCode").asText() + "=" + r.get("dataValue").asText() + "@" + r.get("statDate").asText())
                    .containsExactly("91530100MA6NX4QW2G/0000000002330091=2.50005@2026-09-01 00:00:00",
                            "91530100MA6NX4QW2G/0000000002330050=0.12@2026-09-03 00:00:00");
        }
        assertThat(ledger.batch(rematchBatch)).containsEntry("status", "ACCEPTED").containsEntry("source", "supplier-grid1");
        String rematchFile = (String) ledger.batch(rematchBatch).get("file_name");
        JsonNode rematchReport = awaitReport("grid1", rematchFile);
        assertThat(rematchReport.get("routedUnmatched")).extracting(u -> u.get("accountNo").asText())
                .containsExactly("0531000091", "0531000050");
        assertThat(jdbc.queryForObject("select updated_by from supplier_account where account_no = '0531000091'",
                String.class)).isEqualTo("import:accounts-2026-11.csv");
        try (var done = Files.list(importDir.resolve("done"))) {
            assertThat(done.map(p -> p.getFileName().toString())).anyMatch(n -> n.endsWith("accounts-2026-11.csv"));
        }
    }

    @Test
    void aRegistryFileWithABadLineIsRefusedWhole() throws Exception {
        Path importDir = Files.createDirectories(DATA_DIR.resolve("suppliers/registry-import"));
        Path tmp = Files.createTempFile(DATA_DIR, "accounts", ".tmp");
        Files.writeString(tmp, "accountType,accountNo,supplierCode,enterpriseCode,dataCode,active\n"
                + "2,0531000777,YNDW,91530100MA6NX4QW2G,0000000002330077,true\n"
                + "2,0531000778,YNDW,91530100MA6NX4QW2X,0000000002330078,true\n", StandardCharsets.UTF_8);
        Files.move(tmp, importDir.resolve("bad-accounts.csv"));

        Path problems = importDir.resolve("failed/bad-accounts.csv.problems.txt");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(problems));
        assertThat(Files.readString(problems)).startsWith("line 3: enterpriseCode");
        assertThat(jdbc.queryForObject("select count(*) from supplier_account where account_no in ('0531000777', '0531000778')",
                Integer.class)).isZero();
    }

    /**
     * The operators' endpoint through Spring MVC (mapping, JSON, errors), on the hub's own controller and
     * database. Authentication is the web security's part, not exercised here.
     */
    @Test
    void anOperatorEditThroughTheEndpointRoutesTheWaitingRows() throws Exception {
        var mvc = org.springframework.test.web.servlet.setup.MockMvcBuilders.standaloneSetup(
                applicationContext.getBean(energyhub.supplier.AccountRegistryController.class)).build();
        String name = "ELEC_YNDW_202609_011.csv";
        drop("grid1", name, SupplierElectricityTest.csv(Charset.forName("GBK"), false,
                "0531000093,某某新材料有限公司,MP93,月,2026-08-01,2026-08-31,,,,\"7,000\",,,,,", "合计,1,,,,,,,,\"7,000\",,,,,"));
        JsonNode report = awaitReport("grid1", name);
        assertThat(report.get("unmatched")).hasSize(1);

        mvc.perform(put("/api/operator/accounts/YNDW/2/0531000093").contentType("application/json")
                        .content("{\"enterpriseCode\":\"91530100MA6NX4QW2X\",\"dataCode\":\"12\"}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.problems.length()").value(2));
        mvc.perform(put("/api/operator/accounts/YNDW/2/0531000093").contentType("application/json")
                        .content("{\"enterpriseCode\":\"91530100MA6NX4QW2G\",\"dataCode\":\"0000000002330093\"}"))
                .andExpect(status().isOk());

        String fileBatch = batchIdOf("grid1", name);
        await().atMost(Duration.ofSeconds(30)).until(() -> "ROUTED".equals(jdbc.queryForObject("select u.status from "
                + "supplier_unmatched u join supplier_file f on f.id = u.file_pk where f.batch_id = ?", String.class, fileBatch)));
        String rematchBatch = jdbc.queryForObject("select u.routed_batch_id from supplier_unmatched u join supplier_file f "
                + "on f.id = u.file_pk where f.batch_id = ?", String.class, fileBatch);
        await().atMost(Duration.ofSeconds(30)).until(() -> records(national, rematchBatch).size() == 1);
        assertThat(records(provincial, rematchBatch)).extracting(r -> r.get("dataValue").asText()).containsExactly("0.7");
        mvc.perform(get("/api/operator/accounts").param("supplierCode", "YNDW"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$[?(@.accountNo == '0531000093')].enterpriseCode").value("91530100MA6NX4QW2G"));
        mvc.perform(get("/api/operator/accounts"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$[?(@.supplierCode == 'KMGD')].accountNo").value("0871000001"));
        mvc.perform(get("/api/operator/accounts/unmatched").param("status", "ROUTED"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$[?(@.account_no == '0531000093')].routed_batch_id").value(rematchBatch));
    }
}

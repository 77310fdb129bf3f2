package energyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import energyhub.e2e.support.SupplierHubTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Gas company XML reports (contracts section 4.2) pulled by supplier gas1 from a real SFTP server on a Quartz schedule. */
class SupplierGasTest extends SupplierHubTest {

    @Test
    void gasXmlIsPulledFromSftpByTheScheduleAndRouted() throws Exception {
        // the route consumes ref:supplier-gas1-source, the SFTP endpoint bound with its password set on it
        assertThat(camel.getRoute("supplier-gas1").getEndpoint().getEndpointUri()).isEqualTo("ref://supplier-gas1-source");
        String endpoint = camel.getRegistry().lookupByNameAndType("supplier-gas1-source", org.apache.camel.Endpoint.class)
                .getEndpointUri();
        assertThat(endpoint).startsWith("sftp://127.0.0.1:" + SFTP.port()).contains("scheduler=quartz")
                .contains("strictHostKeyChecking=yes").contains("knownHostsFile=")
                // the same timeouts and keep-alive as every SFTP connection (SftpEndpoint)
                .contains("timeout=60000").contains("serverAliveInterval=15000");
        // the password (from the environment) is set on the endpoint, never in a URI or a route dump
        String dump = org.apache.camel.support.PluginHelper.getModelToXMLDumper(camel).dumpModelAsXml(camel,
                ((org.apache.camel.model.ModelCamelContext) camel).getRouteDefinition("supplier-gas1"), true, false, false);
        assertThat(camel.getEndpoints()).extracting(org.apache.camel.Endpoint::getEndpointUri)
                .noneMatch(uri -> uri.contains(energyhub.e2e.support.SupplierServers.SFTP_PASSWORD));
        assertThat(dump).contains("supplier-gas1").doesNotContain(energyhub.e2e.support.SupplierServers.SFTP_PASSWORD);
        String name = "GAS_202610_001.xml";
        String xml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <GasSupplyReport supplier="91530100MA6L2GA70M" period="2026-10" generatedAt="2026-11-01T02:00:00+08:00">
                  <Account no="GA0001234" name="某某化工有限公司">
                    <Reading meter="M1" start="2026-10-01" end="2026-10-31" unit="m3" volume="123456.7"/>
                    <Reading meter="M2" start="2026-10-01" end="2026-10-31" unit="m3" volume="3.35"/>
                  </Account>
                  <Account no="GA0005678" name="某某化工有限公司">
                    <Reading meter="M3" start="2026-10-15" end="2026-10-15" unit="m3" volume="850"/>
                  </Account>
                </GasSupplyReport>
                """;
        SFTP.put("outbox", name, xml.getBytes(StandardCharsets.UTF_8));

        JsonNode report = awaitReport("gas1", name);

        assertThat(report.get("status").asText()).isEqualTo("ACCEPTED");
        String batchId = batchIdOf("gas1", name);
        for (var platform : List.of(national, provincial)) {
            List<JsonNode> records = records(platform, batchId);
            assertThat(records).hasSize(2);
            // two meters of one account and month summed: 123,460.05 m³ = 12.346005 万m³
            assertThat(records.get(0).get("enterpriseCode").asText()).isEqualTo("91530100MA6K5YG22J");
            assertThat(records.get(0).get("dataCode").asText()).isEqualTo("0000000002150001");
            assertThat(records.get(0).get("dataValue").asText()).isEqualTo("12.346005");
            assertThat(records.get(0).get("statType").asText()).isEqualTo("2");
            assertThat(records.get(0).get("statDate").asText()).isEqualTo("2026-10-01 00:00:00");
            assertThat(records.get(0).get("convertRation").asText()).isEqualTo("12.143");
            assertThat(records.get(0).get("inputType").asText()).isEqualTo("6");
            assertThat(records.get(1).get("dataCode").asText()).isEqualTo("0000000002150002");
            assertThat(records.get(1).get("dataValue").asText()).isEqualTo("0.085");
            assertThat(records.get(1).get("statType").asText()).isEqualTo("1");
            assertThat(records.get(1).get("statDate").asText()).isEqualTo("2026-10-15 00:00:00");
        }
        // taken off the supplier's outbox, kept in its .done folder
        Path done = SFTP.root().resolve("outbox/.done").resolve(name);
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(done));
        assertThat(SFTP.root().resolve("outbox").resolve(name)).doesNotExist();
    }

    @Test
    void xmlWithAnExternalEntityIsRefused() throws Exception {
        Path secret = Files.createTempFile("hub-secret", ".txt");
        Files.writeString(secret, "TOP-SECRET-VALUE");
        String name = "GAS_202610_XXE.xml";
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<!DOCTYPE GasSupplyReport [ <!ENTITY xxe SYSTEM \"" + secret.toUri() + "\"> ]>\n"
                + "<GasSupplyReport supplier=\"91530100MA6L2GA70M\" period=\"2026-10\">\n"
                + "  <Account no=\"GA0001234\" name=\"&xxe;\">\n"
                + "    <Reading meter=\"M1\" start=\"2026-09-01\" end=\"2026-09-30\" unit=\"m3\" volume=\"1\"/>\n"
                + "  </Account>\n"
                + "</GasSupplyReport>\n";
        SFTP.put("outbox", name, xml.getBytes(StandardCharsets.UTF_8));

        JsonNode report = awaitReport("gas1", name);

        assertThat(report.get("status").asText()).isEqualTo("REJECTED");
        assertThat(report.get("errors").get(0).get("code").asText()).isEqualTo("DTD_FORBIDDEN");
        assertThat(report.toString()).doesNotContain("TOP-SECRET-VALUE");
        String batchId = batchIdOf("gas1", name);
        assertThat(national.browse(batchId)).isEmpty();
        assertThat(provincial.browse(batchId)).isEmpty();
    }

    @Test
    void aServerWhoseHostKeyIsNotThePinnedOneIsNeverLoggedInto() throws Exception {
        String name = "GAS_202610_MITM.xml";
        SFTP.put("mitm", name, ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><GasSupplyReport supplier=\"91530100MA6L2GA70M\">"
                + "<Account no=\"GA0001234\"><Reading meter=\"M1\" start=\"2026-07-01\" end=\"2026-07-31\" unit=\"m3\" "
                + "volume=\"1\"/></Account></GasSupplyReport>").getBytes(StandardCharsets.UTF_8));
        int refused = SFTP.closedUnauthenticated().get();

        // the hub's client hangs up during the key exchange, before sending the password, at every poll
        await().atMost(Duration.ofSeconds(30)).until(() -> SFTP.closedUnauthenticated().get() >= refused + 2);
        assertThat(SFTP.root().resolve("mitm").resolve(name)).exists();
        assertThat(reportPath("gas-mitm", name)).doesNotExist();
        assertThat(jdbc.queryForObject("select count(*) from supplier_file where supplier = 'gas-mitm'", Integer.class)).isZero();
    }
}

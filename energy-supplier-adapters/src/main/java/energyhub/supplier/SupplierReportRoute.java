package energyhub.supplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import energyhub.routing.Headers;
import energyhub.standard.RecordCodec;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The per-file report for the supplier's operators: the routing core's answer to the batch (accepted,
 * rejected with reasons per row) plus what the adapter itself refused and what is waiting for the
 * account registry. Written as {@code {hub.supplier.data-dir}/{supplier}/reports/{file}.report.json}
 * (temp name, then rename), after both platforms hold the accepted records. Row numbers are the rows
 * of the supplier's file (header = row 1), the Account elements of an XML report, or the items of an
 * API window in page order.
 */
@Component
public class SupplierReportRoute extends RouteBuilder {

    public static final String ENDPOINT = "direct:supplier-report";

    private final SupplierProperties properties;
    private final JdbcTemplate jdbc;
    private final ObjectMapper mapper;

    public SupplierReportRoute(SupplierProperties properties, JdbcTemplate jdbc, RecordCodec codec) {
        this.properties = properties;
        this.jdbc = jdbc;
        this.mapper = codec.mapper();
    }

    @Override
    public void configure() {
        from(ENDPOINT).routeId("supplier-report")
                .process(this::report).id("supplier-report-build")
                .to("file:" + properties.getDataDir() + "?tempPrefix=.writing-&fileExist=Override&charset=utf-8")
                    .id("supplier-report-write");
    }

    private void report(Exchange exchange) throws Exception {
        var m = exchange.getMessage();
        ObjectNode ack = (ObjectNode) mapper.readTree(m.getBody(String.class));
        String ref = m.getHeader(Headers.ACK_REF, String.class); // supplier/file
        String supplier = ref.substring(0, ref.indexOf('/'));
        String file = ref.substring(ref.indexOf('/') + 1);
        String batchId = ack.path("batchId").asText();
        ObjectNode report = mapper.createObjectNode();
        report.put("supplier", supplier);
        report.put("supplierCode", properties.getSuppliers().containsKey(supplier)
                ? properties.getSuppliers().get(supplier).getSupplierCode() : null);
        report.put("file", file);
        report.setAll(ack);
        ArrayNode rowErrors = report.putArray("rowErrors");
        ArrayNode unmatched = report.putArray("unmatched");
        ArrayNode routedUnmatched = report.putArray("routedUnmatched");
        if (!"DUPLICATE".equals(ack.path("status").asText())) {
            for (Map<String, Object> e : jdbc.queryForList("select e.* from supplier_row_error e join supplier_file f "
                    + "on f.id = e.file_pk where f.batch_id = ? order by e.line", batchId)) {
                rowErrors.addObject().put("line", (Integer) e.get("line")).put("field", (String) e.get("field"))
                        .put("code", (String) e.get("code")).put("message", (String) e.get("message"))
                        .put("raw", (String) e.get("raw_row"));
            }
            for (Map<String, Object> u : jdbc.queryForList("select u.* from supplier_unmatched u join supplier_file f "
                    + "on f.id = u.file_pk where f.batch_id = ? order by u.line", batchId)) {
                unmatched.add(unmatchedRow(u));
            }
            for (Map<String, Object> u : jdbc.queryForList("select * from supplier_unmatched where routed_batch_id = ? "
                    + "order by id", batchId)) {
                routedUnmatched.add(unmatchedRow(u));
            }
        }
        m.setHeader(Exchange.FILE_NAME, supplier + "/reports/" + file + ".report.json");
        m.setBody(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(report));
    }

    private ObjectNode unmatchedRow(Map<String, Object> u) {
        ObjectNode n = mapper.createObjectNode();
        n.put("line", (Integer) u.get("line"));
        n.put("accountType", ((Number) u.get("account_type")).intValue());
        n.put("accountNo", (String) u.get("account_no"));
        n.put("reason", (String) u.get("reason"));
        n.put("status", (String) u.get("status"));
        n.put("raw", (String) u.get("raw_row"));
        return n;
    }
}

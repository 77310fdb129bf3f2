package energyhub.supplier;

import energyhub.supplier.SupplierProperties.Type;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/** Reads one supplier file picked up by a file or SFTP consumer, bounded in size, and hands it to the intake. */
@Component
public class SupplierFiles {

    private final SupplierProperties properties;
    private final SupplierIntake intake;

    public SupplierFiles(SupplierProperties properties, SupplierIntake intake) {
        this.properties = properties;
        this.intake = intake;
    }

    public void receive(Exchange exchange) throws Exception {
        String supplier = SupplierRoutes.supplierOf(exchange);
        SupplierProperties.Supplier config = properties.supplier(supplier);
        var m = exchange.getMessage();
        String name = m.getHeader(Exchange.FILE_NAME_ONLY, String.class);
        Long length = m.getHeader(Exchange.FILE_LENGTH, Long.class);
        long max = properties.getMaxFileBytes();
        byte[] content;
        ParsedFile parsed;
        if (length != null && length > max) {
            // not read at all; identified by name and size so that a re-delivery is recognised
            content = (name + "\n" + length).getBytes(StandardCharsets.UTF_8);
            parsed = ParsedFile.rejected("file", "TOO_BIG", "the file has " + length + " bytes, the limit is " + max);
        } else {
            try (InputStream in = m.getBody(InputStream.class)) {
                content = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
            }
            if (content.length > max) {
                parsed = ParsedFile.rejected("file", "TOO_BIG", "the file has more than " + max + " bytes");
            } else if (config.getType() == Type.ELECTRICITY_CSV) {
                parsed = ElectricityCsv.parse(name, content, config.getSupplierCode());
            } else {
                parsed = GasXml.parse(content, config.getSupplierCode());
            }
        }
        m.setBody(intake.receive(supplier, name, content, parsed));
    }
}

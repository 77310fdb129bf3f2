package energyhub.supplier;

import energyhub.routing.LineError;
import java.util.List;

/**
 * What an adapter read from one supplier file (or API window): the readings, the rows it refused
 * with their reasons, and, when the whole file is refused (trailer mismatch, bad XML, too big), why.
 */
public record ParsedFile(List<SupplierReading> readings, List<RowError> rowErrors, LineError rejection) {

    public record RowError(int line, String field, String code, String message, String raw) {
    }

    public static ParsedFile rejected(String field, String code, String message) {
        return new ParsedFile(List.of(), List.of(), new LineError(0, field, code, message));
    }
}

package energyhub.standard;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;

/**
 * The canonical record of contracts §1 (用能单位能源资源计量采集数据), exactly as it is on the wire:
 * every value a string, field names as in the standard, including the misspelt {@code convertRation}.
 * It holds raw wire values; {@link RecordValidator} decides whether they are acceptable.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"enterpriseCode", "regVersion", "dicVersion", "dataCode", "dataValue", "convertRation",
        "valid", "scope", "inputType", "statType", "statDate", "uploadDate"})
public record EnergyRecord(String enterpriseCode, String regVersion, String dicVersion, String dataCode,
                           String dataValue, String convertRation, String valid, String scope, String inputType,
                           String statType, String statDate, String uploadDate) {

    /** The wire field names in wire order (the same order as {@code @JsonPropertyOrder}). */
    public static final List<String> FIELDS = List.of("enterpriseCode", "regVersion", "dicVersion", "dataCode",
            "dataValue", "convertRation", "valid", "scope", "inputType", "statType", "statDate", "uploadDate");

    public EnergyRecord withConvertRation(String convertRation) {
        return new EnergyRecord(enterpriseCode, regVersion, dicVersion, dataCode, dataValue, convertRation,
                valid, scope, inputType, statType, statDate, uploadDate);
    }

    /** The record of these values, in the order of {@link #FIELDS}. */
    public static EnergyRecord of(String[] values) {
        if (values.length != FIELDS.size()) {
            throw new IllegalArgumentException(values.length + " values for " + FIELDS.size() + " fields");
        }
        return new EnergyRecord(values[0], values[1], values[2], values[3], values[4], values[5], values[6],
                values[7], values[8], values[9], values[10], values[11]);
    }

    /** The value of the field at this position of {@link #FIELDS}. */
    public String value(int field) {
        return switch (field) {
            case 0 -> enterpriseCode;
            case 1 -> regVersion;
            case 2 -> dicVersion;
            case 3 -> dataCode;
            case 4 -> dataValue;
            case 5 -> convertRation;
            case 6 -> valid;
            case 7 -> scope;
            case 8 -> inputType;
            case 9 -> statType;
            case 10 -> statDate;
            case 11 -> uploadDate;
            default -> throw new IndexOutOfBoundsException("field " + field + " of " + FIELDS.size());
        };
    }

    /** Identity for de-duplication and last-writer-wins; {@code uploadDate} is the version. */
    public RecordKey key() {
        return new RecordKey(enterpriseCode, dataCode, statType, statDate);
    }
}

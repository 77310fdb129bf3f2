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

    /** Identity for de-duplication and last-writer-wins; {@code uploadDate} is the version. */
    public RecordKey key() {
        return new RecordKey(enterpriseCode, dataCode, statType, statDate);
    }
}

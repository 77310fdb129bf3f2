package energyhub.standard;

/** Identity of a record (contracts §1): a re-send with the same key replaces the earlier value. */
public record RecordKey(String enterpriseCode, String dataCode, String statType, String statDate) {
}

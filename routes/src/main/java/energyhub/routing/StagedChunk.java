package energyhub.routing;

/** One queue message of contracts section 3, as staged in the ledger before it is sent to each target. */
public record StagedChunk(int seq, String messageId, String enterpriseCode, int recordCount, String body) {
}

package energyhub.routing;

/** One reason a record (or, with line 0, the whole package) was not accepted; listed in the ACK. */
public record LineError(int line, String field, String code, String message) {
}

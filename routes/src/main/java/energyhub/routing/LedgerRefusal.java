package energyhub.routing;

import java.sql.SQLException;
import java.util.Optional;

/**
 * Tells the ledger's database refusing a batch's <em>data</em> from the database failing: PostgreSQL's
 * SQLState class 22 (data exception: a value out of range, an invalid character, a number overflow) and
 * class 23 (integrity constraint violation), except 23505, the unique index that tells two hubs staging
 * one batch at once apart ({@link BatchStager} judges that case again). Data refused once is refused on
 * every attempt: staging it again would loop for ever, so {@link BatchStager} rejects the batch instead.
 * Everything else (connection lost, server shutting down, timeouts) is an outage, retried later.
 */
public final class LedgerRefusal {

    /** The unique index of the ledger that serialises concurrent staging of one batchId. */
    static final String UNIQUE_VIOLATION = "23505";
    private static final int MAX_MESSAGE_CHARS = 200;

    private LedgerRefusal() {
    }

    /** The SQLException saying the database refused the data, anywhere in the failure's causes, if any. */
    public static Optional<SQLException> of(Throwable failure) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 32; t = t.getCause() == t ? null : t.getCause(), depth++) {
            if (t instanceof SQLException sql) {
                // a batched statement's failure ("Batch entry 0 was aborted") carries the server's own
                // exception as its next exception: the last one of the data states is the one to name
                SQLException found = null;
                for (SQLException s = sql; s != null && depth < 32; s = s.getNextException(), depth++) {
                    if (isDataState(s.getSQLState())) {
                        found = s;
                    }
                }
                if (found != null) {
                    return Optional.of(found);
                }
            }
        }
        return Optional.empty();
    }

    static boolean isDataState(String state) {
        return state != null && state.length() == 5 && (state.startsWith("22")
                || state.startsWith("23") && !UNIQUE_VIOLATION.equals(state));
    }

    /**
     * The refusal as one safe line for the ACK and the log: the SQLState and the first line of the server's
     * message without its severity ({@code ERROR: }), control characters replaced, at most 200 characters.
     */
    public static String describe(SQLException refusal) {
        String message = refusal.getMessage() == null ? "" : refusal.getMessage();
        int eol = message.indexOf('\n');
        String first = (eol < 0 ? message : message.substring(0, eol)).replaceFirst("^ERROR:\\s*", "");
        String line = DeliveryCauses.oneLine(first).replaceAll("\\p{Cntrl}", "?");
        if (line.length() > MAX_MESSAGE_CHARS) {
            line = line.substring(0, MAX_MESSAGE_CHARS) + "...";
        }
        return "SQLState " + refusal.getSQLState() + ": " + line;
    }
}

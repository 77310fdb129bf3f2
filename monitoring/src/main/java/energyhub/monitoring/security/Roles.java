package energyhub.monitoring.security;

/** The cockpit's two roles. */
public final class Roles {
    /** Reads everything: Jolokia reads, searches and lists, the operator API's GETs, metrics. */
    public static final String VIEWER = "viewer";
    /** Also acts: replays, moves and retries messages, stops and starts routes, edits the registry. */
    public static final String OPERATOR = "operator";

    private Roles() {
    }
}

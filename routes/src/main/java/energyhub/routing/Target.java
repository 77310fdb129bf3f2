package energyhub.routing;

/** The two platforms every accepted batch is delivered to (一端双发). */
public enum Target {
    NATIONAL("national"),
    PROVINCIAL("provincial");

    private final String id;

    Target(String id) {
        this.id = id;
    }

    /** The stable name used in route ids, the delivery ledger, {@code hubTarget} and the duplicate id. */
    public String id() {
        return id;
    }

    public static Target of(String id) {
        for (Target t : values()) {
            if (t.id.equals(id)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown target " + id);
    }
}

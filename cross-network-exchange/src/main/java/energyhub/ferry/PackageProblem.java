package energyhub.ferry;

/** A ferry package that fails its checks: it is quarantined and answered REJECTED with this reason. */
public class PackageProblem extends Exception {

    private final String field;
    private final String code;
    private final boolean unfinished;

    public PackageProblem(String field, String code, String message) {
        this(field, code, message, false);
    }

    /** unfinished: what a file still being written also looks like (empty, cut off in the middle). */
    public PackageProblem(String field, String code, String message, boolean unfinished) {
        super(message);
        this.field = field;
        this.code = code;
        this.unfinished = unfinished;
    }

    public boolean unfinished() {
        return unfinished;
    }

    public String field() {
        return field;
    }

    public String code() {
        return code;
    }
}

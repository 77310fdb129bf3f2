package energyhub.ferry;

/** A ferry package that fails its checks: it is quarantined and answered REJECTED with this reason. */
public class PackageProblem extends Exception {

    private final String field;
    private final String code;

    public PackageProblem(String field, String code, String message) {
        super(message);
        this.field = field;
        this.code = code;
    }

    public String field() {
        return field;
    }

    public String code() {
        return code;
    }
}

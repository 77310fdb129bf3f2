package energyhub.signing;

/** A refused signature or envelope, with the one refusal code the ACK carries (docs/ferry-contract.md). */
public class SignatureProblem extends Exception {

    private final String code;

    public SignatureProblem(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}

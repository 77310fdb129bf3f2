package energyhub.routing;

/**
 * Thrown by a {@link LineSource} whose batch turns out, while it is read, not to be what its sender
 * declared: a digest or record count that does not match, bytes that are not UTF-8, a line or a
 * decompressed size over its limit. An intake that checks its package in the same pass as it is staged
 * (instead of reading it twice) ends the stream with this; {@link BatchStager} then rolls back what was
 * staged of the batch and records it REJECTED with this field, code and message.
 */
public class UnreadableBatchException extends RuntimeException {

    private final String field;
    private final String code;

    public UnreadableBatchException(String field, String code, String message) {
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

package energyhub.routing;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One queue message of contracts section 3, as staged in the ledger before it is sent to each target. The
 * ledger keeps its body gzip-compressed ({@link #gzip()}); the JSON text ({@link #body()}) and its UTF-8
 * bytes ({@link #utf8()}) are made from it when a target's encoding needs them, and the other way round for
 * a chunk made from text. Each form is made once and kept: a chunk is used by one thread at a time.
 */
public final class StagedChunk {

    private final int seq;
    private final String messageId;
    private final String enterpriseCode;
    private final int recordCount;
    private String body;
    private byte[] gzip;

    /** A chunk from its JSON text (as the chunker writes it, or a ledger row staged before V5). */
    public StagedChunk(int seq, String messageId, String enterpriseCode, int recordCount, String body) {
        this(seq, messageId, enterpriseCode, recordCount, Objects.requireNonNull(body, "body"), null);
    }

    private StagedChunk(int seq, String messageId, String enterpriseCode, int recordCount, String body, byte[] gzip) {
        this.seq = seq;
        this.messageId = messageId;
        this.enterpriseCode = enterpriseCode;
        this.recordCount = recordCount;
        this.body = body;
        this.gzip = gzip;
    }

    /** A chunk as the ledger stores it: its body gzip-compressed. */
    public static StagedChunk compressed(int seq, String messageId, String enterpriseCode, int recordCount,
            byte[] gzip) {
        return new StagedChunk(seq, messageId, enterpriseCode, recordCount, null, Objects.requireNonNull(gzip, "gzip"));
    }

    public int seq() {
        return seq;
    }

    public String messageId() {
        return messageId;
    }

    public String enterpriseCode() {
        return enterpriseCode;
    }

    public int recordCount() {
        return recordCount;
    }

    /** The message body, JSON text. */
    public String body() {
        if (body == null) {
            body = new String(MessageEncoding.gunzip(gzip), StandardCharsets.UTF_8);
        }
        return body;
    }

    /** The message body as UTF-8 bytes (the {@code utf8} encoding). */
    public byte[] utf8() {
        return body != null ? body.getBytes(StandardCharsets.UTF_8) : MessageEncoding.gunzip(gzip);
    }

    /** The message body's UTF-8 bytes, gzip-compressed (the {@code gzip} encoding, and what the ledger stores). */
    public byte[] gzip() {
        if (gzip == null) {
            gzip = MessageEncoding.gzip(body.getBytes(StandardCharsets.UTF_8));
        }
        return gzip;
    }

    @Override
    public String toString() {
        return "chunk " + seq + " (" + messageId + ", " + enterpriseCode + ", " + recordCount + " records)";
    }
}

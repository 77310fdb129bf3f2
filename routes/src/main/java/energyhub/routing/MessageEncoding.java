package energyhub.routing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * How a target's queue messages carry the chunk body (queue contract v1.1, docs/queue-contract.md),
 * chosen per target by {@code hub.routing.national-encoding} / {@code hub.routing.provincial-encoding}.
 * {@link #TEXT}, the default, is contract v1 unchanged: a JMS TextMessage, which Artemis stores as
 * UTF-16. {@link #UTF8} and {@link #GZIP} send a BytesMessage with the JSON body as UTF-8 bytes, the
 * latter gzip-compressed (RFC 1952). Every message carries the string property {@value #PROPERTY}
 * with the {@link #id()}, so a consumer can dispatch on it.
 */
public enum MessageEncoding {
    TEXT("text", "Text"),
    UTF8("utf8", "Bytes"),
    GZIP("gzip", "Bytes");

    /** The JMS string property naming the encoding of a message's body. */
    public static final String PROPERTY = "hubEncoding";

    /**
     * Deflate level of {@link #GZIP}. BEST_SPEED measured against the default level on a 500-record
     * chunk (docs/queue-contract.md): a few percent more bytes for a fraction of the time.
     */
    static final int GZIP_LEVEL = Deflater.BEST_SPEED;

    private final String id;
    private final String jmsMessageType;

    MessageEncoding(String id, String jmsMessageType) {
        this.id = id;
        this.jmsMessageType = jmsMessageType;
    }

    /** The configuration value and the value of {@value #PROPERTY}: text, utf8 or gzip. */
    public String id() {
        return id;
    }

    /** Camel JMS's {@code jmsMessageType} for this encoding: {@code Text} or {@code Bytes}. */
    public String jmsMessageType() {
        return jmsMessageType;
    }

    /**
     * The message body of a staged chunk in this encoding: its JSON String for {@link #TEXT}, else bytes; for
     * {@link #GZIP}, the bytes the ledger stores.
     */
    public Object encode(StagedChunk chunk) {
        return switch (this) {
            case TEXT -> chunk.body();
            case UTF8 -> chunk.utf8();
            case GZIP -> chunk.gzip();
        };
    }

    /** The chunk's JSON back from a message body of this encoding (a String or a byte[]). */
    public String decode(Object body) {
        return switch (this) {
            case TEXT -> (String) body;
            case UTF8 -> new String((byte[]) body, StandardCharsets.UTF_8);
            case GZIP -> new String(gunzip((byte[]) body), StandardCharsets.UTF_8);
        };
    }

    /**
     * The encoding a setting names, case and surrounding blanks ignored; otherwise a
     * {@link HubConfigurationException} naming the setting and the allowed values, which stops start-up.
     */
    public static MessageEncoding of(String setting, String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        for (MessageEncoding e : values()) {
            if (e.id.equals(v)) {
                return e;
            }
        }
        throw new HubConfigurationException(setting, "is '" + value + "', not one of " + allowed(),
                "set " + setting + " to one of " + allowed() + " (text is queue contract v1; see docs/queue-contract.md)");
    }

    private static String allowed() {
        return String.join(", ", Arrays.stream(values()).map(MessageEncoding::id).toList());
    }

    /** gzip (RFC 1952) of the bytes, at {@link #GZIP_LEVEL}. */
    static byte[] gzip(byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, in.length / 4));
        try (GZIPOutputStream gz = new GZIPOutputStream(out) {
            {
                def.setLevel(GZIP_LEVEL);
            }
        }) {
            gz.write(in);
        } catch (IOException e) {
            throw new UncheckedIOException("gzip in memory", e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    /** The bytes gzip-compressed in {@code body}: the hub's own chunks and test messages, not outside input. */
    static byte[] gunzip(byte[] body) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("not a gzip body", e);
        }
    }
}

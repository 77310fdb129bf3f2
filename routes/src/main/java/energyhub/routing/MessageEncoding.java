package energyhub.routing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;

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

    private static final byte[] GZIP_HEADER = {0x1f, (byte) 0x8b, Deflater.DEFLATED, 0, 0, 0, 0, 0, 0, (byte) 0xff};

    /**
     * Deflaters are costly to make (native zlib state) and not thread-safe: each send borrows one and gives
     * it back, so the pool holds at most as many as sends ever ran at once (a handful per hub).
     */
    private static final ConcurrentLinkedQueue<Deflater> DEFLATERS = new ConcurrentLinkedQueue<>();

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

    /** The message body for a chunk's JSON: the String itself for {@link #TEXT}, else the bytes. */
    public Object encode(String json) {
        return switch (this) {
            case TEXT -> json;
            case UTF8 -> json.getBytes(StandardCharsets.UTF_8);
            case GZIP -> gzip(json.getBytes(StandardCharsets.UTF_8));
        };
    }

    /** The chunk's JSON back from a message body of this encoding (a String or a byte[]). */
    public String decode(Object body) {
        return switch (this) {
            case TEXT -> (String) body;
            case UTF8 -> new String((byte[]) body, StandardCharsets.UTF_8);
            case GZIP -> gunzip((byte[]) body);
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

    /** gzip (RFC 1952) of the bytes with a pooled deflater: header, raw deflate, CRC-32 and size. */
    static byte[] gzip(byte[] in) {
        Deflater deflater = DEFLATERS.poll();
        if (deflater == null) {
            deflater = new Deflater(GZIP_LEVEL, true);
        }
        try {
            deflater.setInput(in);
            deflater.finish();
            byte[] out = new byte[Math.max(64, in.length / 4)];
            System.arraycopy(GZIP_HEADER, 0, out, 0, GZIP_HEADER.length);
            int n = GZIP_HEADER.length;
            while (!deflater.finished()) {
                if (n == out.length) {
                    out = Arrays.copyOf(out, out.length * 2);
                }
                n += deflater.deflate(out, n, out.length - n);
            }
            CRC32 crc = new CRC32();
            crc.update(in);
            out = Arrays.copyOf(out, n + 8);
            writeIntLe(out, n, (int) crc.getValue());
            writeIntLe(out, n + 4, in.length);
            return out;
        } finally {
            deflater.reset();
            DEFLATERS.offer(deflater);
        }
    }

    private static void writeIntLe(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
        b[at + 2] = (byte) (v >>> 16);
        b[at + 3] = (byte) (v >>> 24);
    }

    private static String gunzip(byte[] body) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("not a gzip body", e);
        }
    }
}

package energyhub.uplink;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Step {@code uplink-upsert-chunk} of route {@code uplink-intake}: takes a chunk off energy.national (queue contract
 * v1.1: text, utf8 or gzip) and upserts its records in one database transaction. The route's JMS session is transacted
 * and commits after the exchange completes, so a message leaves the queue only once its rows are committed; a failure
 * fails the exchange, which rolls the message back for redelivery (and the broker's dead-letter policy).
 */
public class ChunkListener {

    private static final int MAX_CHUNK_BYTES = 16 << 20;

    private final DeliveryStore store;
    private final TransactionTemplate tx;

    public ChunkListener(DeliveryStore store, TransactionTemplate tx) {
        this.store = store;
        this.tx = tx;
    }

    /** The chunk's records upserted and committed; the count. */
    public int upsert(Message message) {
        try {
            JsonNode chunk = PlatformClient.JSON.readTree(body(message));
            JsonNode records = chunk.path("records");
            if (!records.isArray()) {
                throw new IllegalArgumentException("chunk " + message.getStringProperty("hubBatchId") + "/"
                        + message.getObjectProperty("hubChunk") + " has no records array");
            }
            List<JsonNode> list = new ArrayList<>(records.size());
            records.forEach(list::add);
            tx.executeWithoutResult(s -> store.upsert(list));
            return list.size();
        } catch (JMSException | IOException e) {
            throw new IllegalStateException("chunk not readable: " + PlatformClient.rootMessage(e), e);
        }
    }

    static String body(Message m) throws JMSException, IOException {
        String encoding = m.getStringProperty("hubEncoding");
        if (encoding == null || encoding.equals("text")) {
            return ((TextMessage) m).getText();
        }
        BytesMessage bytes = (BytesMessage) m;
        if (bytes.getBodyLength() > MAX_CHUNK_BYTES) {
            throw new IOException("body of " + bytes.getBodyLength() + " bytes is over " + MAX_CHUNK_BYTES);
        }
        byte[] raw = new byte[(int) bytes.getBodyLength()];
        bytes.readBytes(raw);
        return switch (encoding) {
            case "utf8" -> new String(raw, StandardCharsets.UTF_8);
            case "gzip" -> {
                try (var in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
                    yield new String(in.readNBytes(MAX_CHUNK_BYTES), StandardCharsets.UTF_8);
                }
            }
            default -> throw new IOException("unknown hubEncoding " + encoding);
        };
    }
}

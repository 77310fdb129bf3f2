package energyhub.bench;

import energyhub.routing.MessageEncoding;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.message.impl.CoreMessage;
import org.apache.activemq.artemis.reader.TextMessageUtil;

/**
 * Queue contract v1.1 (docs/queue-contract.md): bytes and time per chunk of each encoding, and the
 * size Artemis stores for the message (its persistent size: body plus properties, as journalled).
 * Run with bench/message-encoding.sh [records per chunk].
 */
public class MessageEncodingBench {

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        String json = chunk(records);
        byte[] utf8 = json.getBytes(StandardCharsets.UTF_8);
        System.out.printf("chunk of %d records: %d chars, %d UTF-8 bytes%n", records, json.length(), utf8.length);

        for (int level : new int[] {Deflater.BEST_SPEED, Deflater.DEFAULT_COMPRESSION, 9}) {
            byte[] gz = gzip(utf8, level);
            long t = time(() -> gzip(utf8, level));
            System.out.printf("gzip level %2s (new GZIPOutputStream each): %7d bytes, %6.1f bytes/record, %7.0f µs/chunk%n",
                    level, gz.length, gz.length / (double) records, t / 1000.0);
        }
        for (MessageEncoding e : MessageEncoding.values()) {
            Object body = e.encode(chunk(json));
            int bodyBytes = body instanceof byte[] b ? b.length : json.length() * 2;
            long encode = time(() -> e.encode(chunk(json))); // a fresh chunk each time: gzip compresses anew
            long decode = time(() -> e.decode(body));
            int stored = storedSize(e, body, records);
            System.out.printf("%-5s body %7d bytes (%6.1f/record), stored by Artemis %7d bytes (%6.1f/record),"
                            + " encode %6.0f µs, decode %6.0f µs per chunk%n", e.id(), bodyBytes,
                    bodyBytes / (double) records, stored, stored / (double) records, encode / 1000.0, decode / 1000.0);
        }
    }

    /** The staged chunk of this JSON, as the hub's delivery routes encode it. */
    static energyhub.routing.StagedChunk chunk(String json) {
        return new energyhub.routing.StagedChunk(1, "bench-0001", "91530100MA6NX4QW2G", 500, json);
    }

    /**
     * A chunk as the hub stages it (Chunker): one enterprise's canonical records, convertRation filled,
     * with varied values (readings with decimals, 30 data codes, days and upload times), so gzip is
     * not flattered by repeated lines.
     */
    static String chunk(int records) {
        java.util.Random random = new java.util.Random(12);
        StringBuilder b = new StringBuilder("{\"messageId\":\"5f0c3e0e-1b2c-4d5e-8f90-123456789abc-0001\","
                + "\"batchId\":\"5f0c3e0e-1b2c-4d5e-8f90-123456789abc\",\"enterpriseCode\":\"91530100MA6NX4QW2G\","
                + "\"source\":\"ferry-inbox\",\"records\":[");
        String[] types = {"3300", "0100", "1500", "3100", "3200", "4000"};
        String[] rations = {"1.229", "0.7143", "1.4714", "0.0341", "1.2143", "0.0000"};
        for (int i = 0; i < records; i++) {
            if (i > 0) {
                b.append(',');
            }
            int t = random.nextInt(types.length);
            b.append(String.format("{\"enterpriseCode\":\"91530100MA6NX4QW2G\",\"regVersion\":\"1.0\",\"dicVersion\":\"1.0\","
                            + "\"dataCode\":\"0000000002%s%02d\",\"dataValue\":\"%d.%02d\",\"convertRation\":\"%s\","
                            + "\"valid\":\"1\",\"scope\":\"%d\",\"inputType\":\"4\",\"statType\":\"%d\","
                            + "\"statDate\":\"2026-10-%02d 00:00:00\",\"uploadDate\":\"2026-11-%02d %02d:%02d:%02d\"}",
                    types[t], random.nextInt(5), random.nextInt(1_000_000), random.nextInt(100), rations[t],
                    1 + random.nextInt(3), 1 + random.nextInt(2), 1 + i % 28, 1 + random.nextInt(28),
                    random.nextInt(24), random.nextInt(60), random.nextInt(60)));
        }
        return b.append("]}").toString();
    }

    /** The Artemis core message the JMS client sends for this body, with the hub's properties. */
    static int storedSize(MessageEncoding e, Object body, int records) throws Exception {
        CoreMessage m = new CoreMessage().initBuffer(1500);
        if (body instanceof String text) {
            m.setType(Message.TEXT_TYPE);
            TextMessageUtil.writeBodyText(m.getBodyBuffer(), SimpleString.of(text));
        } else {
            m.setType(Message.BYTES_TYPE);
            m.getBodyBuffer().writeBytes((byte[]) body);
        }
        m.setDurable(true);
        m.putStringProperty("hubBatchId", "5f0c3e0e-1b2c-4d5e-8f90-123456789abc");
        m.putIntProperty("hubChunk", 1);
        m.putStringProperty("hubTarget", "national");
        m.putStringProperty("enterpriseCode", "91530100MA6NX4QW2G");
        m.putIntProperty("recordCount", records);
        m.putStringProperty("hubSource", "ferry-inbox");
        m.putStringProperty("_AMQ_DUPL_ID", "5f0c3e0e-1b2c-4d5e-8f90-123456789abc-0001:national");
        m.putStringProperty(MessageEncoding.PROPERTY, e.id());
        return (int) m.getPersistentSize();
    }

    static byte[] gzip(byte[] in, int level) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(in.length / 4);
            try (GZIPOutputStream gz = new GZIPOutputStream(out, 8192) {
                {
                    def.setLevel(level);
                }
            }) {
                gz.write(in);
            }
            return out.toByteArray();
        } catch (java.io.IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** Median-ish: nanoseconds per call, after a warm-up. */
    static long time(java.util.function.Supplier<Object> work) {
        for (int i = 0; i < 300; i++) {
            work.get();
        }
        int n = 500;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            work.get();
        }
        return (System.nanoTime() - start) / n;
    }
}

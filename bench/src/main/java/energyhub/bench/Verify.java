package energyhub.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * Drains both platform queues over TCP and checks that every record of the given packages is there
 * exactly once in each queue, and nothing else. A record's identity is (enterpriseCode, dataCode,
 * statType, statDate) (contracts section 1), kept as a 64-bit hash. A message body is a chunk
 * ({@code {"records":[...]}}, contracts section 3) or a single record (the naive baseline); it is
 * decoded by the JMS property {@code hubEncoding}: {@code text} or absent → TextMessage,
 * {@code utf8} → BytesMessage of UTF-8 JSON, {@code gzip} → BytesMessage of gzip-compressed UTF-8 JSON.
 *
 * <pre>Verify LABEL URL NATIONAL_USER NATIONAL_PASSWORD PROVINCIAL_USER PROVINCIAL_PASSWORD LIST_FILE [IDLE_S]</pre>
 * LIST_FILE names the packages' data files, one per line. Prints {@code verify.LABEL.*} lines and
 * exits 0 when both queues hold exactly the expected records, 1 otherwise.
 */
public final class Verify {

    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        String label = args[0];
        String url = args[1];
        List<Path> files = Files.readAllLines(Path.of(args[6])).stream().filter(s -> !s.isBlank()).map(Path::of)
                .toList();
        long idleMs = (args.length > 7 ? Long.parseLong(args[7]) : 30) * 1000;

        long t0 = System.nanoTime();
        long[] expected = expected(files);
        int dupInput = 0;
        for (int i = 1; i < expected.length; i++) {
            if (expected[i] == expected[i - 1]) {
                dupInput++;
            }
        }
        System.err.printf("verify %s: %d expected records from %d files (%.1f s); draining %s%n", label,
                expected.length, files.size(), (System.nanoTime() - t0) / 1e9, url);
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(url);
        Drain national = new Drain(factory, Broker.NATIONAL, args[2], args[3], expected, idleMs);
        Drain provincial = new Drain(factory, Broker.PROVINCIAL, args[4], args[5], expected, idleMs);
        national.start();
        provincial.start();
        national.join();
        provincial.join();
        boolean ok = dupInput == 0;
        StringBuilder out = new StringBuilder();
        out.append("verify.").append(label).append(".expected=").append(expected.length).append('\n');
        for (Drain d : List.of(national, provincial)) {
            ok &= d.report(out, "verify." + label + "." + (d == national ? "national" : "provincial"));
        }
        out.append("verify.").append(label).append(".ok=").append(ok).append('\n');
        System.out.print(out);
        System.exit(ok ? 0 : 1);
    }

    static long[] expected(List<Path> files) throws IOException {
        long[] keys = new long[1 << 16];
        int n = 0;
        for (Path f : files) {
            try (Stream<String> lines = Files.lines(f, StandardCharsets.UTF_8)) {
                for (String line : (Iterable<String>) lines::iterator) {
                    if (line.isBlank()) {
                        continue;
                    }
                    if (n == keys.length) {
                        keys = Arrays.copyOf(keys, n * 2);
                    }
                    try (JsonParser p = JSON.createParser(line)) {
                        p.nextToken();
                        keys[n++] = identity(p);
                    }
                }
            }
        }
        keys = Arrays.copyOf(keys, n);
        Arrays.sort(keys);
        return keys;
    }

    /** Reads one record object (the parser on its START_OBJECT) and returns its identity hash. */
    static long identity(JsonParser p) throws IOException {
        String enterprise = "";
        String dataCode = "";
        String statType = "";
        String statDate = "";
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                p.skipChildren();
                continue;
            }
            switch (name) {
                case "enterpriseCode" -> enterprise = p.getText();
                case "dataCode" -> dataCode = p.getText();
                case "statType" -> statType = p.getText();
                case "statDate" -> statDate = p.getText();
                default -> {
                }
            }
        }
        return hash(enterprise + '|' + dataCode + '|' + statType + '|' + statDate);
    }

    /** FNV-1a 64 with a SplitMix64 finaliser: collisions among a few million identities are negligible. */
    static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }

    /** Decodes a queue message's body by its {@code hubEncoding} property. */
    static String body(Message m) throws Exception {
        String encoding = m.getStringProperty("hubEncoding");
        if (encoding == null || encoding.equals("text")) {
            return ((TextMessage) m).getText();
        }
        BytesMessage b = (BytesMessage) m;
        byte[] bytes = new byte[(int) b.getBodyLength()];
        b.readBytes(bytes);
        return switch (encoding) {
            case "utf8" -> new String(bytes, StandardCharsets.UTF_8);
            case "gzip" -> {
                try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
                    yield new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
            default -> throw new IllegalStateException("unknown hubEncoding " + encoding);
        };
    }

    static final class Drain extends Thread {
        private final ActiveMQConnectionFactory factory;
        private final String queue;
        private final String user;
        private final String password;
        private final long[] expected;
        private final byte[] seen;
        private final long idleMs;
        private final Map<String, Integer> encodings = new ConcurrentHashMap<>();
        private long messages;
        private long records;
        private long extras;
        private long bytes;
        private double seconds;
        private Exception failure;

        Drain(ActiveMQConnectionFactory factory, String queue, String user, String password, long[] expected,
                long idleMs) {
            super("verify-" + queue);
            this.factory = factory;
            this.queue = queue;
            this.user = user;
            this.password = password;
            this.expected = expected;
            this.seen = new byte[expected.length];
            this.idleMs = idleMs;
        }

        @Override
        public void run() {
            long t0 = System.nanoTime();
            try (Connection c = user.isEmpty() ? factory.createConnection() : factory.createConnection(user, password)) {
                Session session = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
                MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
                c.start();
                Message last = null;
                while (true) {
                    // once everything expected is in, wait a little for extras; before that, up to idleMs
                    Message m = consumer.receive(records >= expected.length ? 2000 : idleMs);
                    if (m == null) {
                        break;
                    }
                    messages++;
                    last = m;
                    encodings.merge(String.valueOf(m.getStringProperty("hubEncoding")), 1, Integer::sum);
                    String body = body(m);
                    bytes += body.length();
                    count(body);
                    if (messages % 10 == 0) {
                        // acknowledge often: a paging queue reads its next page only as delivered messages are acknowledged
                        m.acknowledge();
                    }
                    seconds = (System.nanoTime() - t0) / 1e9;
                }
                if (last != null) {
                    last.acknowledge();
                }
            } catch (Exception e) {
                failure = e;
                e.printStackTrace();
            }
        }

        private void count(String body) throws IOException {
            JsonNode root = MAPPER.readTree(body);
            JsonNode list = root.has("records") ? root.get("records") : null;
            if (list == null) {
                countRecord(root);
            } else {
                for (JsonNode r : list) {
                    countRecord(r);
                }
            }
        }

        private void countRecord(JsonNode r) {
            records++;
            long key = hash(r.path("enterpriseCode").asText() + '|' + r.path("dataCode").asText() + '|'
                    + r.path("statType").asText() + '|' + r.path("statDate").asText());
            int i = Arrays.binarySearch(expected, key);
            if (i < 0) {
                extras++;
            } else if (seen[i] < 100) {
                seen[i]++;
            }
        }

        boolean report(StringBuilder out, String prefix) {
            long missing = 0;
            long duplicates = 0;
            for (byte s : seen) {
                if (s == 0) {
                    missing++;
                } else if (s > 1) {
                    duplicates += s - 1;
                }
            }
            boolean ok = failure == null && missing == 0 && duplicates == 0 && extras == 0;
            out.append(prefix).append(".messages=").append(messages).append('\n')
                    .append(prefix).append(".records=").append(records).append('\n')
                    .append(prefix).append(".missing=").append(missing).append('\n')
                    .append(prefix).append(".duplicates=").append(duplicates).append('\n')
                    .append(prefix).append(".extras=").append(extras).append('\n')
                    .append(prefix).append(".encodings=").append(new TreeMap<>(encodings)).append('\n')
                    .append(prefix).append(".chars=").append(bytes).append('\n')
                    .append(prefix).append(".drain_seconds=").append(String.format("%.1f", seconds)).append('\n')
                    .append(prefix).append(".error=").append(failure == null ? "" : failure.toString()).append('\n')
                    .append(prefix).append(".ok=").append(ok).append('\n');
            return ok;
        }
    }
}

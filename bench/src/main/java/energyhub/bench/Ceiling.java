package energyhub.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.stream.Stream;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * The raw pipeline ceiling: what the hub's job costs without validation, ledger or ACK. Reads each
 * package's lines, parses each with Jackson, groups them into per-enterprise chunks of at most 500
 * records (body as contracts section 3), and sends each chunk as a persistent TextMessage to both
 * queues, one thread and one transacted session per queue, committing once per package.
 *
 * <pre>Ceiling PACKAGE_DIR BROKER_DIR TCP_PORT</pre>
 * Drains the packages twice: first under other batchIds to warm the JVM (its messages are deleted after it), then
 * the timed drain. Prints {@code ceiling.warmup_seconds}, {@code ceiling.records}, {@code ceiling.seconds} (first file read → last commit), {@code ceiling.cpu_s}
 * (CPU seconds of the whole process, broker included, on the same clock) and {@code ceiling.rate}, then keeps its broker up for the verifier until it is terminated.
 */
public final class Ceiling {

    private static final int CHUNK = 500;
    private static final Chunk END_OF_PACKAGE = new Chunk(null, null, null, 0, 0);

    record Chunk(String body, String batchId, String enterprise, int index, int records) {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        EmbeddedActiveMQ broker = Broker.start(Path.of(args[1]), Integer.parseInt(args[2]));
        List<Path> packages;
        try (Stream<Path> s = Files.list(dir)) {
            packages = s.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList();
        }
        ObjectMapper json = new ObjectMapper();
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory("vm://0");

        // warm against warm (issue 23): a first drain of the same packages under other batchIds warms this JVM as
        // the hub's first drain warms the hub; its messages are then deleted, so the verifier sees the timed drain's
        long warm0 = System.nanoTime();
        pass(factory, json, packages, "warmup-");
        double warmupSeconds = (System.nanoTime() - warm0) / 1e9;
        for (String queue : new String[] {Broker.NATIONAL, Broker.PROVINCIAL}) {
            broker.getActiveMQServer().locateQueue(queue).deleteAllReferences();
        }

        long start = System.nanoTime();
        long cpuStart = cpuNanos();
        long records = pass(factory, json, packages, "");
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpu = (cpuNanos() - cpuStart) / 1e9;
        System.out.printf("ceiling.warmup_seconds=%.2f%n", warmupSeconds);
        System.out.printf("ceiling.records=%d%nceiling.seconds=%.2f%nceiling.cpu_s=%.1f%nceiling.rate=%.0f%n", records,
                seconds, cpu, records / seconds);
        System.out.flush();
        Broker.serveUntilKilled(broker);
    }

    /** Reads, chunks and sends every package to both queues; batchIds are the file names after {@code prefix}. */
    private static long pass(ActiveMQConnectionFactory factory, ObjectMapper json, List<Path> packages, String prefix)
            throws Exception {
        List<Sender> senders = List.of(new Sender(factory, Broker.NATIONAL, packages.size()),
                new Sender(factory, Broker.PROVINCIAL, packages.size()));
        senders.forEach(Thread::start);
        long records = 0;
        for (Path p : packages) {
            String batchId = prefix + p.getFileName().toString();
            Map<String, ArrayNode> open = new LinkedHashMap<>();
            Map<String, Integer> chunkNo = new LinkedHashMap<>();
            try (BufferedReader in = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonNode record = json.readTree(line);
                    String enterprise = record.get("enterpriseCode").asText();
                    ArrayNode chunk = open.computeIfAbsent(enterprise, k -> json.createArrayNode());
                    chunk.add(record);
                    records++;
                    if (chunk.size() == CHUNK) {
                        emit(json, senders, batchId, enterprise, chunkNo, open.remove(enterprise));
                    }
                }
            }
            for (Map.Entry<String, ArrayNode> e : open.entrySet()) {
                emit(json, senders, batchId, e.getKey(), chunkNo, e.getValue());
            }
            for (Sender s : senders) {
                s.queue.put(END_OF_PACKAGE);
            }
        }
        for (Sender s : senders) {
            s.join();
            if (s.failure != null) {
                throw s.failure;
            }
        }
        return records;
    }

    /** CPU time of this whole process (reader, senders and the embedded broker), in nanoseconds. */
    static long cpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
    }

    private static void emit(ObjectMapper json, List<Sender> senders, String batchId, String enterprise,
            Map<String, Integer> chunkNo, ArrayNode records) throws Exception {
        int n = chunkNo.merge(enterprise, 1, Integer::sum);
        ObjectNode body = json.createObjectNode();
        body.put("messageId", batchId + "-" + enterprise + "-" + n);
        body.put("batchId", batchId);
        body.put("enterpriseCode", enterprise);
        body.put("source", "ferry-file");
        body.set("records", records);
        Chunk chunk = new Chunk(json.writeValueAsString(body), batchId, enterprise, n, records.size());
        for (Sender s : senders) {
            s.queue.put(chunk);
        }
    }

    /** One target: its own connection, transacted session and producer; commits at each package's end. */
    static final class Sender extends Thread {
        final BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(64);
        private final ActiveMQConnectionFactory factory;
        private final String target;
        private final int packages;
        volatile Exception failure;

        Sender(ActiveMQConnectionFactory factory, String target, int packages) {
            super("ceiling-" + target);
            this.factory = factory;
            this.target = target;
            this.packages = packages;
        }

        @Override
        public void run() {
            try (Connection connection = factory.createConnection()) {
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                MessageProducer producer = session.createProducer(session.createQueue(target));
                producer.setDeliveryMode(DeliveryMode.PERSISTENT);
                int done = 0;
                while (done < packages) {
                    Chunk c = queue.take();
                    if (c == END_OF_PACKAGE) {
                        session.commit();
                        done++;
                        continue;
                    }
                    TextMessage m = session.createTextMessage(c.body());
                    m.setStringProperty("hubBatchId", c.batchId());
                    m.setIntProperty("hubChunk", c.index());
                    m.setStringProperty("hubTarget", target);
                    m.setStringProperty("enterpriseCode", c.enterprise());
                    m.setIntProperty("recordCount", c.records());
                    m.setStringProperty("hubSource", "ferry-file");
                    m.setStringProperty("_AMQ_DUPL_ID", c.batchId() + "-" + c.enterprise() + "-" + c.index()
                            + ":" + target);
                    producer.send(m);
                }
            } catch (Exception e) {
                failure = e;
                e.printStackTrace();
            }
        }
    }
}

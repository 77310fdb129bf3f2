package energyhub.e2e.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * A platform's consumer, as the national or provincial platform runs it: a separate JMS client
 * connecting to the hub's broker over TCP with its own account. It reads every body encoding of
 * queue contract v1.1 (docs/queue-contract.md) as a platform would, by {@code hubEncoding}.
 */
public final class PlatformClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Connection connection;
    private final Session session;
    private final String queue;

    public PlatformClient(int port, String user, String password, String queue) throws JMSException {
        this("tcp://127.0.0.1:" + port, user, password, queue);
    }

    /** A consumer on any broker URL, e.g. an HA pair's {@code (tcp://a,tcp://b)?ha=true}. */
    public PlatformClient(String url, String user, String password, String queue) throws JMSException {
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(url, user, password);
        this.connection = factory.createConnection();
        this.session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        this.queue = queue;
        connection.start();
    }

    public static PlatformClient national(int port) throws JMSException {
        return new PlatformClient(port, "national", "national-test", "energy.national");
    }

    public static PlatformClient provincial(int port) throws JMSException {
        return new PlatformClient(port, "provincial", "provincial-test", "energy.provincial");
    }

    /**
     * One queue message as the platform sees it: {@code body} is the decoded JSON whatever the encoding,
     * {@code encoding} the message's {@code hubEncoding}, {@code messageType} {@code Text} or {@code Bytes}.
     */
    public record Received(String body, JsonNode json, String batchId, int chunk, String target, String enterpriseCode,
            int recordCount, String source, String duplicateId, String encoding, String messageType) {

        public int records() {
            return json.get("records").size();
        }
    }

    /** Looks at the messages of one batch without taking them. */
    public List<Received> browse(String batchId) throws JMSException {
        List<Received> out = new ArrayList<>();
        QueueBrowser browser = session.createBrowser(session.createQueue(queue), "hubBatchId = '" + batchId + "'");
        for (Message m : Collections.list((java.util.Enumeration<Message>) browser.getEnumeration())) {
            out.add(toReceived(m));
        }
        browser.close();
        return out;
    }

    /** Takes every message now on the queue (waiting up to idleMillis for the next one). */
    public List<Received> drain(long idleMillis) throws JMSException {
        List<Received> out = new ArrayList<>();
        try (MessageConsumer consumer = session.createConsumer(session.createQueue(queue))) {
            Message m;
            while ((m = consumer.receive(idleMillis)) != null) {
                out.add(toReceived(m));
            }
        }
        return out;
    }

    /** Takes the messages of one batch now on the queue (waiting up to idleMillis for the next one), leaving the rest. */
    public List<Received> drainBatch(String batchId, long idleMillis) throws JMSException {
        List<Received> out = new ArrayList<>();
        try (MessageConsumer consumer = session.createConsumer(session.createQueue(queue),
                "hubBatchId = '" + batchId + "'")) {
            Message m;
            while ((m = consumer.receive(idleMillis)) != null) {
                out.add(toReceived(m));
            }
        }
        return out;
    }

    /** Tries to read a queue that is not this account's; throws a JMSSecurityException when refused. */
    public void consumeFrom(String otherQueue) throws JMSException {
        session.createConsumer(session.createQueue(otherQueue)).close();
    }

    private static Received toReceived(Message m) throws JMSException {
        String body = body(m);
        try {
            return new Received(body, JSON.readTree(body), m.getStringProperty("hubBatchId"), m.getIntProperty("hubChunk"),
                    m.getStringProperty("hubTarget"), m.getStringProperty("enterpriseCode"),
                    m.getIntProperty("recordCount"), m.getStringProperty("hubSource"),
                    m.getStringProperty("_AMQ_DUPL_ID"), m.getStringProperty("hubEncoding"),
                    m instanceof TextMessage ? "Text" : m instanceof BytesMessage ? "Bytes" : m.getClass().getSimpleName());
        } catch (Exception e) {
            throw new IllegalStateException("not a queue message of contracts section 3: " + body, e);
        }
    }

    /** The JSON of a queue message, dispatched on {@code hubEncoding} (absent: contract v1, text). */
    public static String body(Message m) throws JMSException {
        String encoding = m.getStringProperty("hubEncoding");
        if (encoding == null || encoding.equals("text")) {
            return ((TextMessage) m).getText();
        }
        BytesMessage bytes = (BytesMessage) m;
        byte[] raw = new byte[(int) bytes.getBodyLength()];
        bytes.readBytes(raw);
        switch (encoding) {
            case "utf8":
                return new String(raw, StandardCharsets.UTF_8);
            case "gzip":
                try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new IllegalStateException("hubEncoding gzip but not a gzip body", e);
                }
            default:
                throw new IllegalStateException("unknown hubEncoding " + encoding);
        }
    }

    @Override
    public void close() throws JMSException {
        connection.close();
    }

}

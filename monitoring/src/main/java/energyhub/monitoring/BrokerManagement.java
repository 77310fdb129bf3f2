package energyhub.monitoring;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.Message;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.apache.activemq.artemis.api.jms.management.JMSManagementHelper;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.stereotype.Component;

/**
 * Asks the broker through its management address with the hub's own connection, so it works the
 * same for the embedded broker and an external one: queue depths and the dead-letter replay.
 */
@Component
public class BrokerManagement {

    static final String MANAGEMENT_ADDRESS = "activemq.management";

    private final JmsTemplate jms;

    public BrokerManagement(ConnectionFactory connectionFactory) {
        this.jms = new JmsTemplate(connectionFactory);
        this.jms.setReceiveTimeout(10_000);
    }

    /** Messages on a queue; -1 when the queue does not exist (a dead-letter queue before its first message). */
    public long messageCount(String queue) {
        Object result = call(queue, session -> {
            Message m = session.createMessage();
            JMSManagementHelper.putAttribute(m, ResourceNames.QUEUE + queue, "messageCount");
            return m;
        });
        return result instanceof Number n ? n.longValue() : -1;
    }

    /** Moves every message of a dead-letter queue back to the address it came from; how many moved. */
    public long retryAll(String deadLetterQueue) {
        Object result = call(deadLetterQueue, session -> {
            Message m = session.createMessage();
            JMSManagementHelper.putOperationInvocation(m, ResourceNames.QUEUE + deadLetterQueue, "retryMessages");
            return m;
        });
        if (!(result instanceof Number n)) {
            throw new IllegalStateException("the broker has no queue " + deadLetterQueue);
        }
        return n.longValue();
    }

    private Object call(String queue, org.springframework.jms.core.MessageCreator creator) {
        Message reply = jms.sendAndReceive(MANAGEMENT_ADDRESS, creator);
        if (reply == null) {
            throw new IllegalStateException("the broker did not answer a management request about " + queue);
        }
        try {
            if (!JMSManagementHelper.hasOperationSucceeded(reply)) {
                return null;
            }
            return JMSManagementHelper.getResult(reply);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the broker's answer about " + queue, e);
        }
    }
}

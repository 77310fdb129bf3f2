package energyhub.deployment;

import energyhub.routing.RoutingProperties;
import energyhub.routing.Target;
import energyhub.routing.TargetSender;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Opens each target's connection, session and producer to the embedded broker before the hub reports
 * itself ready, so that the first package after a start is not the one to pay for them. Measured: the
 * first live package after a start took 922 ms from landing to ACK, 480 ms of it in its two first sends
 * (connecting, logging in and loading the client's classes), while the next ones took 70–280 ms
 * (docs/benchmarks.md). The connection factories cache what is opened here, so the routes' first sends
 * reuse it; nothing is sent. Spring Boot runs this before readiness turns to ACCEPTING_TRAFFIC.
 * Only with the embedded broker, which is up at this point: an external one may be down at a start, and
 * the hub must start then all the same (its sends connect when the broker answers).
 */
@Component
@ConditionalOnProperty(name = "hub.broker.embedded", havingValue = "true", matchIfMissing = true)
public class BrokerWarmUp implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(BrokerWarmUp.class);

    private final BeanFactory beans;
    private final RoutingProperties routing;

    public BrokerWarmUp(BeanFactory beans, RoutingProperties routing) {
        this.beans = beans;
        this.routing = routing;
    }

    @Override
    public void run(ApplicationArguments args) {
        for (Target target : Target.values()) {
            String bean = TargetSender.connectionFactoryBean(target);
            if (!beans.containsBean(bean)) {
                continue;
            }
            String queue = routing.queueOf(target);
            try {
                open(beans.getBean(bean, ConnectionFactory.class), queue);
            } catch (JMSException | RuntimeException e) {
                // not a reason to stop: the first send connects as it always could
                log.warn("could not open the connection to {} ahead of the first send ({}); the first send opens it",
                        queue, e.toString());
            }
        }
    }

    /** Opens and closes (into the cache of the caching factory) a connection, a session and a producer. */
    private static void open(ConnectionFactory factory, String queue) throws JMSException {
        Connection connection = factory.createConnection();
        try {
            // the session mode of Camel's JMS producer: not transacted, AUTO_ACKNOWLEDGE
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue(queue));
            producer.close();
            session.close();
        } finally {
            connection.close();
        }
    }
}

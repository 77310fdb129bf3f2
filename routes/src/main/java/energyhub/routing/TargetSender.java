package energyhub.routing;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jms.connection.SingleConnectionFactory;
import org.springframework.stereotype.Component;

/**
 * Sends one queue message to a target with a bound on the wait. A JMS send that blocks (an address
 * full under the BLOCK policy, a broker that stops answering, a disk full) has no timeout of its
 * own: Artemis's producer waits for credits as long as it takes. Here the send runs on Camel's
 * producer-template thread and the delivery waits at most {@code hub.routing.send-timeout}; then
 * the attempt has failed ("no answer within 10s from energy.national") and the target's own
 * connection is reset, which ends the blocked send. Each target has its own connection
 * (bean {@code <target>ConnectionFactory}, see {@link #connectionFactoryBean}), so resetting or
 * blocking one never touches the other. While a target is silent, one send at a time probes it and
 * the others fail at once with the same cause.
 */
@Component
public class TargetSender {

    private static final Logger log = LoggerFactory.getLogger(TargetSender.class);

    private final CamelContext camel;
    private final RoutingProperties properties;
    private final Map<Target, Endpoint> endpoints = new ConcurrentHashMap<>();
    private final Map<Target, State> states = new ConcurrentHashMap<>();
    private volatile ProducerTemplate template;

    public TargetSender(CamelContext camel, RoutingProperties properties) {
        this.camel = camel;
        this.properties = properties;
    }

    /** The bean name of a target's own JMS connection factory, when the deployment provides one. */
    public static String connectionFactoryBean(Target target) {
        return target.id() + "ConnectionFactory";
    }

    /** The JMS endpoint of a target: its queue, on its own connection where there is one. */
    String uri(Target target) {
        String uri = "jms:queue:" + properties.queueOf(target) + "?jmsMessageType="
                + properties.encodingOf(target).jmsMessageType() + "&deliveryPersistent=true";
        if (ownConnection(target) != null) {
            uri += "&connectionFactory=#" + connectionFactoryBean(target);
        }
        return uri;
    }

    /**
     * Sends the exchange's message to the target named by the exchange property {@code hubTarget}.
     * While a target is not answering, one send at a time probes it; the others fail at once with
     * the same cause, so neither the intake nor delivery-sweep waits a timeout per delivery.
     */
    public void send(Exchange exchange) throws Exception {
        Target target = Target.of(exchange.getProperty(Headers.TARGET, String.class));
        Endpoint endpoint = endpoints.computeIfAbsent(target, t -> camel.getEndpoint(uri(t)));
        State state = states.computeIfAbsent(target, t -> new State());
        java.time.Instant silentSince = state.silent.since();
        boolean probe = false;
        if (silentSince != null) {
            if (!state.probing.compareAndSet(false, true)) {
                throw noAnswer(target, "; not answering since " + silentSince + ", tried again when a probe gets through");
            }
            probe = true;
        }
        try {
            sendBounded(target, endpoint, exchange, state);
        } finally {
            if (probe) {
                state.probing.set(false);
            }
        }
    }

    private void sendBounded(Target target, Endpoint endpoint, Exchange exchange, State state) throws Exception {
        long resetsBefore = state.resets.get();
        Exchange copy = exchange.copy();
        CompletableFuture<Exchange> sent = template().asyncSend(endpoint, copy);
        long timeout = properties.getSendTimeout().toMillis();
        try {
            Exchange done = sent.get(timeout, TimeUnit.MILLISECONDS);
            if (done.getException() != null && state.resets.get() != resetsBefore) {
                // ended by the reset of another send to this target that got no answer: the same cause
                throw noAnswer(target, "");
            }
            // the broker answered, with success or a refusal: the target is not silent
            if (state.silent.ended() != null) {
                log.info("{} answers again", properties.queueOf(target));
            }
            if (done.getException() != null) {
                throw done.getException();
            }
        } catch (TimeoutException e) {
            state.resets.incrementAndGet();
            state.silent.failed("no answer");
            reset(target);
            throw noAnswer(target, "");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
    }

    private DeliveryCauses.NoAnswerException noAnswer(Target target, String more) {
        return new DeliveryCauses.NoAnswerException("no answer within " + properties.getSendTimeout().toSeconds()
                + "s from " + properties.queueOf(target) + " (address blocked or full, or the broker does not answer"
                + more + ")");
    }

    /** Per target: resets of its connection, since when it has not answered, whether a probe is out. */
    private static final class State {
        final java.util.concurrent.atomic.AtomicLong resets = new java.util.concurrent.atomic.AtomicLong();
        final Outage silent = new Outage();
        final java.util.concurrent.atomic.AtomicBoolean probing = new java.util.concurrent.atomic.AtomicBoolean();
    }

    private void reset(Target target) {
        SingleConnectionFactory own = ownConnection(target);
        if (own != null) {
            log.debug("resetting the connection to {} to end a blocked send", properties.queueOf(target));
            own.resetConnection();
        }
    }

    private SingleConnectionFactory ownConnection(Target target) {
        Object bean = camel.getRegistry().lookupByName(connectionFactoryBean(target));
        return bean instanceof SingleConnectionFactory s ? s : null;
    }

    private ProducerTemplate template() {
        if (template == null) {
            synchronized (this) {
                if (template == null) {
                    template = camel.createProducerTemplate();
                }
            }
        }
        return template;
    }
}

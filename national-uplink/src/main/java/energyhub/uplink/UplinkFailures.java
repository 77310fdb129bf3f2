package energyhub.uplink;

import jakarta.jms.JMSException;
import jakarta.jms.Message;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the uplink's routes say a failure ({@link UplinkFailurePolicy}): one WARN line naming the route and the cause. A
 * sending or housekeeping route that fails the same way again (the database is down, say) is not said again each round,
 * only when its cause changes or after {@link #REPEAT}; a chunk the intake could not store is said each time, with its
 * name, since each such delivery is rolled back to the queue.
 */
public class UplinkFailures {

    static final Duration REPEAT = Duration.ofMinutes(5);

    private static final Logger log = LoggerFactory.getLogger(UplinkFailures.class);

    private record Said(String cause, long at) {
    }

    private final Map<String, Said> said = new ConcurrentHashMap<>();

    /** A round of uplink-send, uplink-housekeeping or their timers failed: it runs again on its next round. */
    public void roundFailed(Exchange exchange) {
        String route = route(exchange);
        String cause = cause(exchange);
        long now = System.nanoTime();
        Said before = said.get(route);
        if (before == null || !before.cause().equals(cause) || now - before.at() > REPEAT.toNanos()) {
            said.put(route, new Said(cause, now));
            log.warn("national uplink: route {} failed: {}; it runs again on its next round (said again when the "
                    + "cause changes, or after {} min)", route, cause, REPEAT.toMinutes());
        }
    }

    /** uplink-intake could not store a chunk: the message goes back to the queue (the broker redelivers it). */
    public void intakeFailed(Exchange exchange) {
        Object body = exchange.getIn().getBody();
        String chunk = "?";
        if (body instanceof Message m) {
            try {
                chunk = m.getStringProperty("hubBatchId") + "/" + m.getObjectProperty("hubChunk");
            } catch (JMSException | RuntimeException e) {
                // the name is only for the line
            }
        }
        log.warn("national uplink: chunk {} from {} not stored: {}; rolled back to the queue, which redelivers it "
                + "(after its maximum deliveries the broker dead-letters it)", chunk,
                exchange.getFromEndpoint() == null ? "the queue" : exchange.getFromEndpoint().getEndpointBaseUri(),
                cause(exchange));
    }

    private static String route(Exchange exchange) {
        String failed = exchange.getProperty(Exchange.FAILURE_ROUTE_ID, String.class);
        return failed != null ? failed : exchange.getFromRouteId();
    }

    private static String cause(Exchange exchange) {
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (t == null) {
            t = exchange.getException();
        }
        // one line: a database's message may have more (PostgreSQL's "Where: ...")
        return t == null ? "unknown" : PlatformClient.rootMessage(t).replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }
}

package energyhub.monitoring;

import energyhub.routing.DeliveryCauses;
import energyhub.routing.Outage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Asks the broker for the depth of each platform and dead-letter queue ({@code hub-queue-depths-ask}). While
 * no broker answers (an external pair failing over, or down) the metrics keep their last values, one WARN
 * line says so per outage (the broker health group is DOWN meanwhile) and one INFO line when it answers again,
 * not a stack trace per run.
 */
@Component("queueDepthProbe")
public class QueueDepthProbe {

    private static final Logger log = LoggerFactory.getLogger(QueueDepthProbe.class);

    private final BrokerManagement broker;
    private final HubMetrics metrics;
    private final Outage failing = new Outage();

    public QueueDepthProbe(BrokerManagement broker, HubMetrics metrics) {
        this.broker = broker;
        this.metrics = metrics;
    }

    public void ask() {
        try {
            for (String queue : metrics.queueDepths().keySet()) {
                metrics.queueDepth(queue, broker.messageCount(queue));
            }
        } catch (RuntimeException e) {
            String cause = DeliveryCauses.rootMessage(e);
            if (failing.failed(cause)) {
                log.warn("queue depths: the broker does not answer ({}); the metrics keep their last values and "
                        + "are asked again every run, further failures are not logged until it answers", cause);
            }
            return;
        }
        if (failing.ended() != null) {
            log.info("queue depths: the broker answers again");
        }
    }
}

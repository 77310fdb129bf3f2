package energyhub.monitoring;

import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/** Asks the broker for the depth of the platform queues and their dead-letter queues ({@code hub-queue-depths}). */
@Component
public class QueueDepthRoute extends RouteBuilder {

    private final BrokerManagement broker;
    private final HubMetrics metrics;

    public QueueDepthRoute(BrokerManagement broker, HubMetrics metrics) {
        this.broker = broker;
        this.metrics = metrics;
    }

    @Override
    public void configure() {
        from("timer:hub-queue-depths?delay=2000&period={{hub.monitoring.queue-depth-interval:15s}}")
                .routeId("hub-queue-depths")
                .process(exchange -> {
                    for (String queue : metrics.queueDepths().keySet()) {
                        metrics.queueDepth(queue, broker.messageCount(queue));
                    }
                }).id("hub-queue-depths-ask");
    }
}

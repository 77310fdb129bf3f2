package energyhub.monitoring;

import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/** Asks the broker for the depth of the platform queues and their dead-letter queues ({@code hub-queue-depths}). */
@Component
public class QueueDepthRoute extends RouteBuilder {

    @Override
    public void configure() {
        from("timer:hub-queue-depths?delay=2000&period={{hub.monitoring.queue-depth-interval:15s}}")
                .routeId("hub-queue-depths")
                .bean("queueDepthProbe", "ask").id("hub-queue-depths-ask");
    }
}

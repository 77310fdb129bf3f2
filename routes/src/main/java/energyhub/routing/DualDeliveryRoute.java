package energyhub.routing;

import org.apache.camel.builder.AggregationStrategies;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * 一端双发: one staged batch goes to both platform queues. Each target is its own route with its
 * own claim, errors and retries, run in parallel, so a target that is down or slow never holds
 * back or loses the other's copy.
 */
@Component
public class DualDeliveryRoute extends RouteBuilder {

    public static final String ENDPOINT = "direct:dual-delivery";

    static String targetEndpoint(Target target) {
        return "direct:deliver-" + target.id();
    }

    @Override
    public void configure() {
        from(ENDPOINT).routeId("dual-delivery")
                .routeConfigurationId(DeliveryFailurePolicy.ID)
                // the original exchange goes on: a target's failure is handled (and recorded) in its own
                // route, and must neither stop the caller nor change what it carries
                .multicast(AggregationStrategies.useOriginal(false)).parallelProcessing().id("fan-out")
                    .to(targetEndpoint(Target.NATIONAL), targetEndpoint(Target.PROVINCIAL))
                .end();
    }
}

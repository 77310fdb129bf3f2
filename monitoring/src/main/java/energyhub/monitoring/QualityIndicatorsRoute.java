package energyhub.monitoring;

import energyhub.routing.quality.QualityProperties;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/** Recomputes the hub_quality_* gauges every {@code hub.quality.refresh-interval} ({@code quality-indicators}). */
@Component
public class QualityIndicatorsRoute extends RouteBuilder {

    private final QualityProperties properties;

    public QualityIndicatorsRoute(QualityProperties properties) {
        this.properties = properties;
    }

    @Override
    public void configure() {
        long period = Math.max(1000, properties.getRefreshInterval().toMillis());
        from("timer:quality-indicators?delay=1000&period=" + period)
                .routeId("quality-indicators")
                .bean("qualityIndicators", "refresh").id("quality-indicators-refresh");
    }
}

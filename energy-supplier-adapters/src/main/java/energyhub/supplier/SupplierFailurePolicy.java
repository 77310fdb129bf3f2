package energyhub.supplier;

import java.util.Map;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.springframework.stereotype.Component;

/**
 * Failure policy of the heat API pulls, one route configuration per heat supplier
 * ({@code supplier-failure-policy-{name}}, as each has its own retries): an answer that is not a
 * usable page ({@link HeatPull.HeatApiException}: HTTP 4xx, not JSON, too large, totalPages not
 * believable) is not asked again within the pull; a busy or unreachable API (HTTP 5xx or 429, a
 * timeout) is retried with back-off. Either way, once given up, the window is marked FAILED with one
 * log line and a report saying why and what happens next ({@link HeatPull#failWindow}).
 */
@Component
public class SupplierFailurePolicy extends RouteConfigurationBuilder {

    public static final String ID_PREFIX = "supplier-failure-policy-";

    private final SupplierProperties properties;
    private final HeatPull heat;

    public SupplierFailurePolicy(SupplierProperties properties, HeatPull heat) {
        this.properties = properties;
        this.heat = heat;
    }

    public static String id(String supplier) {
        return ID_PREFIX + supplier;
    }

    @Override
    public void configuration() {
        for (Map.Entry<String, SupplierProperties.Supplier> e : properties.getSuppliers().entrySet()) {
            SupplierProperties.Supplier c = e.getValue();
            if (c.getType() != SupplierProperties.Type.HEAT_API) {
                continue;
            }
            routeConfiguration(id(e.getKey()))
                    .onException(HeatPull.HeatApiException.class).handled(true)
                        .bean(heat, "failWindow").id(e.getKey() + "-refuse-window")
                    .end()
                    .onException(Exception.class).handled(true)
                        .maximumRedeliveries(c.getRetries()).redeliveryDelay(c.getRetryDelay().toMillis())
                        .useExponentialBackOff().backOffMultiplier(2).retryAttemptedLogLevel(LoggingLevel.WARN)
                        .logRetryStackTrace(false)
                        .bean(heat, "failWindow").id(e.getKey() + "-fail-window")
                    .end();
        }
    }
}

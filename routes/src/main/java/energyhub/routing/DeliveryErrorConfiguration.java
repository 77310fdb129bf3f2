package energyhub.routing;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.springframework.stereotype.Component;

/**
 * Error handling of the per-target delivery routes: a failed send marks that target's delivery
 * FAILED with the error and a back-off, and is handled, so the other target and the intake go on.
 * {@code delivery-sweep} retries it when due.
 */
@Component
public class DeliveryErrorConfiguration extends RouteConfigurationBuilder {

    public static final String ID = "delivery-errors";

    private final BatchLedger ledger;

    public DeliveryErrorConfiguration(BatchLedger ledger) {
        this.ledger = ledger;
    }

    @Override
    public void configuration() {
        routeConfiguration(ID)
                .onException(Exception.class).handled(true)
                    .process(exchange -> {
                        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
                        long pk = exchange.getMessage().getHeader(Headers.BATCH_PK, Long.class);
                        String target = exchange.getMessage().getHeader(Headers.TARGET, String.class);
                        ledger.failed(pk, target, cause.getClass().getSimpleName() + ": " + cause.getMessage());
                    })
                    .log(org.apache.camel.LoggingLevel.WARN, "delivery of batch #${header.hubBatchPk} to "
                            + "${header.hubTarget} failed, will retry: ${exception.message}");
    }
}

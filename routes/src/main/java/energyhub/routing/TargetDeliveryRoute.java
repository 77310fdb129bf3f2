package energyhub.routing;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * Sends the staged chunks of one batch to one target queue ({@code deliver-national},
 * {@code deliver-provincial}). Every message is persistent and carries
 * {@code _AMQ_DUPL_ID = messageId:target}, so a resend after a crash or a retry is dropped by the
 * broker: the ledger row is marked delivered only after the last send returned, that is after
 * the broker has stored every copy durably. Failures are recorded by the route configuration
 * {@code delivery-errors} and retried by {@code delivery-sweep}.
 */
@Component
public class TargetDeliveryRoute extends RouteBuilder {

    private final RoutingProperties properties;
    private final BatchLedger ledger;

    public TargetDeliveryRoute(RoutingProperties properties, BatchLedger ledger) {
        this.properties = properties;
        this.ledger = ledger;
    }

    @Override
    public void configure() {
        for (Target target : Target.values()) {
            String t = target.id();
            from(DualDeliveryRoute.targetEndpoint(target)).routeId("deliver-" + t)
                    .routeConfigurationId(DeliveryErrorConfiguration.ID)
                    .setHeader(Headers.TARGET, constant(t))
                    .filter(method(ledger, "claim(${header." + Headers.BATCH_PK + "}, '" + t + "')"))
                        .id(t + "-claim")
                        .setProperty("hubSource", method(ledger, "sourceOf(${header." + Headers.BATCH_PK + "})"))
                        .setProperty("hubBatchId", method(ledger, "batchIdOf(${header." + Headers.BATCH_PK + "})"))
                        .split(method(ledger, "chunks(${header." + Headers.BATCH_PK + "})"))
                            .streaming().stopOnException().id(t + "-chunks")
                            .process(exchange -> toQueueMessage(exchange, t)).id(t + "-message")
                            .to("jms:queue:" + properties.queueOf(target) + "?jmsMessageType=Text&deliveryPersistent=true")
                                .id(t + "-send")
                        .end()
                        .bean(ledger, "delivered(${header." + Headers.BATCH_PK + "}, '" + t + "')")
                            .id(t + "-delivered")
                    .end();
        }
    }

    private static void toQueueMessage(Exchange exchange, String target) {
        StagedChunk chunk = exchange.getMessage().getBody(StagedChunk.class);
        var m = exchange.getMessage();
        m.removeHeaders("*");
        m.setHeader(Headers.BATCH_ID, exchange.getProperty("hubBatchId"));
        m.setHeader(Headers.CHUNK, chunk.seq());
        m.setHeader(Headers.TARGET, target);
        m.setHeader(Headers.ENTERPRISE_CODE, chunk.enterpriseCode());
        m.setHeader(Headers.RECORD_COUNT, chunk.recordCount());
        m.setHeader(Headers.SOURCE, exchange.getProperty("hubSource"));
        m.setHeader(Headers.DUPLICATE_ID, chunk.messageId() + ":" + target);
        m.setBody(chunk.body());
    }
}

package energyhub.routing;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * Sends the staged chunks of one batch to one target queue ({@code deliver-national},
 * {@code deliver-provincial}). Every message is persistent and carries
 * {@code _AMQ_DUPL_ID = messageId:target}, so a resend after a crash or a retry is dropped by the
 * broker: the ledger row is marked delivered only after the last send returned, that is after
 * the broker has stored every copy durably. A failed send stops the batch for this target only:
 * the delivery is marked FAILED with the error and a back-off, and {@code delivery-sweep} retries it.
 */
@Component
public class TargetDeliveryRoute extends RouteBuilder {

    static final String PK = "hubBatchPk";

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
            String pk = "${exchangeProperty." + PK + "}";
            from(DualDeliveryRoute.targetEndpoint(target)).routeId("deliver-" + t)
                    // properties, unlike headers, reach every split message and survive its header reset
                    .setProperty(PK, header(Headers.BATCH_PK))
                    .filter(method(ledger, "claim(" + pk + ", '" + t + "')")).id(t + "-claim")
                        .setProperty(Headers.SOURCE, method(ledger, "sourceOf(" + pk + ")"))
                        .setProperty(Headers.BATCH_ID, method(ledger, "batchIdOf(" + pk + ")"))
                        // try/catch rather than the error handler: a failure inside the split must end
                        // the whole delivery as FAILED, never let the split go on to "delivered"
                        .doTry()
                            .split(method(ledger, "chunks(" + pk + ")")).streaming().stopOnException()
                                .id(t + "-chunks")
                                .process(exchange -> toQueueMessage(exchange, t)).id(t + "-message")
                                // fire-and-forget whatever the caller's pattern: an InOut exchange would make
                                // the JMS producer wait for a reply no platform sends
                                .setExchangePattern(ExchangePattern.InOnly).id(t + "-in-only")
                                .to("jms:queue:" + properties.queueOf(target)
                                        + "?jmsMessageType=Text&deliveryPersistent=true").id(t + "-send")
                            .endDoTry()
                            .bean(ledger, "delivered(" + pk + ", '" + t + "')").id(t + "-delivered")
                        .doCatch(Exception.class)
                            .process(exchange -> failed(exchange, t)).id(t + "-failed")
                            .log(LoggingLevel.WARN, "delivery of batch #" + pk + " to " + t
                                    + " failed, will retry: ${exception.message}").id(t + "-failed-log")
                        .end()
                    .end();
        }
    }

    private void failed(Exchange exchange, String target) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        ledger.failed(exchange.getProperty(PK, Long.class), target,
                cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }

    private static void toQueueMessage(Exchange exchange, String target) {
        StagedChunk chunk = exchange.getMessage().getBody(StagedChunk.class);
        var m = exchange.getMessage();
        m.removeHeaders("*");
        m.setHeader(Headers.BATCH_ID, exchange.getProperty(Headers.BATCH_ID));
        m.setHeader(Headers.CHUNK, chunk.seq());
        m.setHeader(Headers.TARGET, target);
        m.setHeader(Headers.ENTERPRISE_CODE, chunk.enterpriseCode());
        m.setHeader(Headers.RECORD_COUNT, chunk.recordCount());
        m.setHeader(Headers.SOURCE, exchange.getProperty(Headers.SOURCE));
        m.setHeader(Headers.DUPLICATE_ID, chunk.messageId() + ":" + target);
        m.setBody(chunk.body());
    }
}

package energyhub.routing;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * Answers a batch once its final status is known: ACCEPTED or PARTIAL only after both targets hold
 * their copies. The ACK (JSON of {@link BatchAck}) goes to the intake's own ACK endpoint with the
 * header {@code hubAckRef}; the ledger marks it sent only after that endpoint returned, so a crash
 * in between sends it again (ACK writers overwrite the same name, which is harmless).
 */
@Component
public class SettleBatchRoute extends RouteBuilder {

    public static final String ENDPOINT = "direct:settle-batch";

    private final BatchLedger ledger;
    private final ObjectMapper mapper;

    public SettleBatchRoute(BatchLedger ledger, energyhub.standard.RecordCodec codec) {
        this.ledger = ledger;
        this.mapper = codec.mapper();
    }

    @Override
    public void configure() {
        from(ENDPOINT).routeId("settle-batch")
                .routeConfigurationId(DeliveryFailurePolicy.ID)
                .process(this::settle).id("settle")
                .filter(header(Headers.ACK_STATUS).isNotNull())
                    .filter(header("hubAckEndpoint").isNotNull())
                        .toD("${header.hubAckEndpoint}").id("send-ack")
                    .end()
                    .bean(ledger, "markAcked(${header." + Headers.BATCH_PK + "})").id("mark-acked")
                    // batch-intake's enrich carries this back (BatchIntakeRoute.ANSWERED): answered now
                    .setProperty(BatchIntakeRoute.ANSWERED, constant(true)).id("answered-now")
                .end();
    }

    private void settle(Exchange exchange) throws Exception {
        var m = exchange.getMessage();
        long pk = m.getHeader(Headers.BATCH_PK, Long.class);
        m.removeHeaders("hubAck*");
        var pending = ledger.settle(pk);
        if (pending.isEmpty()) {
            return;
        }
        BatchAck ack = pending.get().ack();
        m.setHeader(Headers.ACK_STATUS, ack.status());
        m.setHeader(Headers.ACK_REF, pending.get().ref());
        m.setHeader("hubAckEndpoint", pending.get().endpoint());
        m.setHeader(Headers.BATCH_ID, ack.batchId());
        m.setBody(mapper.writeValueAsString(ack));
    }
}

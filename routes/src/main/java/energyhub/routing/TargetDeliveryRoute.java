package energyhub.routing;

import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * Sends the staged chunks of one batch to one target queue ({@code deliver-national},
 * {@code deliver-provincial}, each with its chunk loop {@code send-<target>}). Every message is
 * persistent and carries {@code _AMQ_DUPL_ID = messageId:target} ({@code :resend-N} appended for an
 * operator's re-send), so a resend after a crash or a retry is dropped by the broker: the ledger
 * row is marked delivered only after the last send returned, that is after the broker has stored
 * every copy durably. The claim is a lease, renewed while chunks go out; each send waits at most
 * {@code hub.routing.send-timeout} ({@link TargetSender}). Failures are handled by
 * {@link DeliveryFailurePolicy}: a failed send stops the batch for this target only, FAILED with
 * the named cause and a back-off, and {@code delivery-sweep} retries it.
 */
@Component
public class TargetDeliveryRoute extends RouteBuilder {

    static final String PK = "hubBatchPk";
    static final String DUPLICATE_SUFFIX = "hubDuplicateSuffix";
    static final String LEASE_RENEWED = "hubLeaseRenewed";

    private final RoutingProperties properties;
    private final BatchLedger ledger;
    private final TargetSender sender;

    public TargetDeliveryRoute(RoutingProperties properties, BatchLedger ledger, TargetSender sender) {
        this.properties = properties;
        this.ledger = ledger;
        this.sender = sender;
    }

    @Override
    public void configure() {
        for (Target target : Target.values()) {
            String t = target.id();
            String pk = "${exchangeProperty." + PK + "}";
            from(DualDeliveryRoute.targetEndpoint(target)).routeId("deliver-" + t)
                    .routeConfigurationId(DeliveryFailurePolicy.ID)
                    // properties, unlike headers, reach every split message and survive its header reset
                    .setProperty(PK, header(Headers.BATCH_PK))
                    .setProperty(Headers.TARGET, constant(t))
                    // the claim returns the batch's source and batchId and the duplicate-id suffix, which it sets
                    .filter(method(this, "claim")).id(t + "-claim")
                        .setProperty(LEASE_RENEWED, method(this, "leaseClock")).id(t + "-lease-clock")
                        .to("direct:send-" + t).id(t + "-send-chunks")
                        .bean(ledger, "delivered(" + pk + ", '" + t + "')").id(t + "-delivered")
                    .end();

            // no error handler of its own: the first failed chunk ends the loop and the failure goes
            // to deliver-<target>, whose policy records it once for the whole delivery
            from("direct:send-" + t).routeId("send-" + t).errorHandler(noErrorHandler())
                    .split(method(this, "chunks")).streaming().stopOnException().id(t + "-chunks")
                        .bean(this, "toQueueMessage").id(t + "-message")
                        // fire-and-forget whatever the caller's pattern: an InOut exchange would make
                        // the JMS producer wait for a reply no platform sends
                        .setExchangePattern(ExchangePattern.InOnly).id(t + "-in-only")
                        .bean(sender, "send").id(t + "-send")
                        .bean(this, "renewLease").id(t + "-renew-lease")
                    .end();
        }
    }

    /**
     * Takes the delivery ({@link BatchLedger#take}); when taken, sets what every chunk message carries: the
     * batch's source ({@code hubSource}) and batchId, and the duplicate-id suffix. False when another holder
     * has it or it is delivered already.
     */
    public boolean claim(Exchange exchange) {
        long pk = exchange.getProperty(PK, Long.class);
        var claimed = ledger.take(pk, exchange.getProperty(Headers.TARGET, String.class));
        claimed.ifPresent(c -> {
            exchange.setProperty(Headers.SOURCE, c.source());
            exchange.setProperty(Headers.BATCH_ID, c.batchId());
            exchange.setProperty(DUPLICATE_SUFFIX, c.duplicateSuffix());
        });
        return claimed.isPresent();
    }

    /**
     * The chunks to send: those batch-intake staged just now ({@link BatchStager#STAGED_CHUNKS}, a small batch's
     * first delivery), else the ledger's, a page at a time.
     */
    public Iterator<StagedChunk> chunks(Exchange exchange) {
        List<?> staged = exchange.getProperty(BatchStager.STAGED_CHUNKS, List.class);
        if (staged != null) {
            return staged.stream().map(StagedChunk.class::cast).iterator();
        }
        return ledger.chunks(exchange.getProperty(PK, Long.class));
    }

    /** When the lease was last taken or renewed; shared by the chunk messages of one delivery. */
    public AtomicLong leaseClock() {
        return new AtomicLong(System.nanoTime());
    }

    /** Renews the claim once a third of the lease has passed; stops if another holder has it now. */
    public void renewLease(Exchange exchange) {
        AtomicLong renewed = exchange.getProperty(LEASE_RENEWED, AtomicLong.class);
        long now = System.nanoTime();
        if (now - renewed.get() < properties.getClaimLease().toNanos() / 3) {
            return;
        }
        long pk = exchange.getProperty(PK, Long.class);
        String target = exchange.getProperty(Headers.TARGET, String.class);
        if (!ledger.renew(pk, target)) {
            throw new DeliveryCauses.LeaseLostException("the claim on batch #" + pk + " to " + target
                    + " lapsed and another holder took it over");
        }
        renewed.set(now);
    }

    /**
     * A staged chunk as the queue message of contracts section 3, with the hub* properties; its body
     * in the target's {@link MessageEncoding}, named by {@code hubEncoding} (queue contract v1.1).
     */
    public void toQueueMessage(Exchange exchange) {
        StagedChunk chunk = exchange.getMessage().getBody(StagedChunk.class);
        String target = exchange.getProperty(Headers.TARGET, String.class);
        String suffix = exchange.getProperty(DUPLICATE_SUFFIX, "", String.class);
        var m = exchange.getMessage();
        m.removeHeaders("*");
        m.setHeader(Headers.BATCH_ID, exchange.getProperty(Headers.BATCH_ID));
        m.setHeader(Headers.CHUNK, chunk.seq());
        m.setHeader(Headers.TARGET, target);
        m.setHeader(Headers.ENTERPRISE_CODE, chunk.enterpriseCode());
        m.setHeader(Headers.RECORD_COUNT, chunk.recordCount());
        m.setHeader(Headers.SOURCE, exchange.getProperty(Headers.SOURCE));
        m.setHeader(Headers.DUPLICATE_ID, chunk.messageId() + ":" + target + suffix);
        if (!suffix.isEmpty()) {
            m.setHeader(Headers.RESEND, suffix.substring(suffix.lastIndexOf('-') + 1));
        }
        MessageEncoding encoding = properties.encodingOf(Target.of(target));
        m.setHeader(MessageEncoding.PROPERTY, encoding.id());
        m.setBody(encoding.encode(chunk));
    }
}

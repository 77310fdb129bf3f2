package energyhub.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

/**
 * A batch's first delivery from batch-intake sends the chunks its staging just committed
 * ({@link BatchStager#STAGED_CHUNKS}) without reading them back from the ledger; any other delivery (the sweep's,
 * a retry, a replay) reads the ledger. And batch-intake learns from settle-batch itself that the batch was answered.
 */
class FirstDeliveryTest extends CamelTestSupport {

    private final DeliveryFailurePolicyTest.FakeLedger ledger = new DeliveryFailurePolicyTest.FakeLedger();
    private final RoutingProperties properties = new RoutingProperties();

    @Override
    public boolean isUseAdviceWith() {
        return true;
    }

    @Override
    protected RoutesBuilder[] createRouteBuilders() {
        LedgerOutage outage = new LedgerOutage(Clock.systemUTC());
        return new RoutesBuilder[] {new DeliveryFailurePolicy(outage, new DeliveryFailures(ledger, properties, outage)),
                new DualDeliveryRoute(), new TargetDeliveryRoute(properties, ledger, new TargetSender(context, properties)),
                new RouteBuilder() {
                    @Override
                    public void configure() {
                        from("direct:staged-now").routeId("test-staged-now")
                                .setProperty(BatchStager.STAGED_CHUNKS, constant(List.of(
                                        new StagedChunk(1, "B1-0001", "E1", 50, "{\"staged\":1}"))))
                                .to(DualDeliveryRoute.ENDPOINT);
                        from("direct:sweep").routeId("test-sweep").to(DualDeliveryRoute.ENDPOINT);
                    }
                }};
    }

    private void sendsGoTo(String uri) throws Exception {
        for (String t : List.of("national", "provincial")) {
            AdviceWith.adviceWith(context, "send-" + t, a -> a.weaveById(t + "-send").replace().to(uri));
        }
        context.start();
    }

    @Test
    void theFirstDeliverySendsWhatWasJustStagedWithoutReadingTheLedger() throws Exception {
        sendsGoTo("mock:sent");
        MockEndpoint sent = getMockEndpoint("mock:sent");
        sent.expectedMessageCount(2);
        sent.expectedBodiesReceived("{\"staged\":1}", "{\"staged\":1}");
        sent.expectedHeaderValuesReceivedInAnyOrder(Headers.DUPLICATE_ID, "B1-0001:national", "B1-0001:provincial");

        template.sendBodyAndHeader("direct:staged-now", "x", Headers.BATCH_PK, 5L);

        MockEndpoint.assertIsSatisfied(context);
        assertThat(ledger.chunkReads).hasValue(0);
        assertThat(ledger.results).containsEntry("5:national", "DELIVERED").containsEntry("5:provincial", "DELIVERED");
    }

    @Test
    void everyOtherDeliveryReadsTheLedger() throws Exception {
        sendsGoTo("mock:sent");
        getMockEndpoint("mock:sent").expectedMessageCount(4); // the fake ledger's two chunks, to each target

        template.sendBodyAndHeader("direct:sweep", "x", Headers.BATCH_PK, 6L);

        MockEndpoint.assertIsSatisfied(context);
        assertThat(ledger.chunkReads).hasValue(2);
    }

    @Test
    void batchIntakeIsToldByTheSettlementWhetherItAnswered() {
        BatchIntakeRoute.KeepOriginal keep = new BatchIntakeRoute.KeepOriginal();
        Exchange original = new DefaultExchange(context);
        original.getMessage().setBody("outcome");

        Exchange answered = new DefaultExchange(context);
        answered.setProperty(BatchIntakeRoute.ANSWERED, true);
        answered.getMessage().setBody("{\"status\":\"ACCEPTED\"}");
        assertThat(keep.aggregate(original, answered)).isSameAs(original);
        assertThat(original.getProperty(BatchIntakeRoute.ANSWERED)).isEqualTo(true);
        assertThat(original.getMessage().getBody()).isEqualTo("outcome");

        Exchange notYet = new DefaultExchange(context);
        Exchange second = new DefaultExchange(context);
        keep.aggregate(second, notYet);
        assertThat(second.getProperty(BatchIntakeRoute.ANSWERED)).isNull(); // batch-intake then asks the ledger

        Exchange failed = new DefaultExchange(context);
        failed.setProperty(BatchIntakeRoute.ANSWERED, true);
        failed.setException(new IllegalStateException("ACK endpoint failed"));
        Exchange third = new DefaultExchange(context);
        keep.aggregate(third, failed);
        assertThat(third.getProperty(BatchIntakeRoute.ANSWERED)).isNull();
    }
}

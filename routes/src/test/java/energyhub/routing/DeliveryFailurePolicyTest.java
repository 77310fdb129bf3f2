package energyhub.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;

/**
 * delivery-failure-policy on the real routing-core routes, with the targets' sends and the ledger
 * replaced: a target that fails is recorded FAILED with its named cause while the other target
 * receives its copy and the caller goes on; a ledger that fails is reported as an outage, not
 * thrown at the caller; a claim taken over by another holder stops the attempt without a result.
 */
class DeliveryFailurePolicyTest extends CamelTestSupport {

    private final FakeLedger ledger = new FakeLedger();
    private final RoutingProperties properties = new RoutingProperties();
    private final LedgerOutage outage = new LedgerOutage(Clock.systemUTC());

    @Override
    public boolean isUseAdviceWith() {
        return true;
    }

    @Override
    protected RoutesBuilder[] createRouteBuilders() {
        DeliveryFailures failures = new DeliveryFailures(ledger, properties, outage);
        TargetSender sender = new TargetSender(context, properties);
        BatchStager downAtStaging = new BatchStager(ledger, null, null, properties, null, null) {
            @Override
            public IntakeOutcome stage(org.apache.camel.Exchange exchange) {
                throw new org.springframework.transaction.CannotCreateTransactionException(
                        "Could not open JDBC Connection for transaction", new java.net.ConnectException("Connection refused"));
            }
        };
        return new RoutesBuilder[] {new DeliveryFailurePolicy(outage, failures), new DualDeliveryRoute(),
                new BatchIntakeRoute(downAtStaging, ledger),
                new TargetDeliveryRoute(properties, ledger, sender), new RouteBuilder() {
                    @Override
                    public void configure() {
                        from("direct:intake").routeId("test-intake")
                                .to(DualDeliveryRoute.ENDPOINT)
                                .to("mock:after-delivery");
                    }
                }};
    }

    private void sendsGoTo(String nationalUri, String provincialUri) throws Exception {
        AdviceWith.adviceWith(context, "send-national", a -> a.weaveById("national-send").replace().to(nationalUri));
        AdviceWith.adviceWith(context, "send-provincial",
                a -> a.weaveById("provincial-send").replace().to(provincialUri));
        context.start();
    }

    @Test
    void aFullNationalAddressIsRecordedByNameWhileProvincialGetsItsCopyAndTheCallerGoesOn() throws Exception {
        AdviceWith.adviceWith(context, "send-national", a -> a.weaveById("national-send").replace()
                .throwException(new IllegalStateException("AMQ229102: Address \"energy.national\" is full.")));
        AdviceWith.adviceWith(context, "send-provincial", a -> a.weaveById("provincial-send").replace()
                .to("mock:provincial"));
        context.start();
        MockEndpoint provincial = getMockEndpoint("mock:provincial");
        provincial.expectedMessageCount(2);
        provincial.expectedHeaderValuesReceivedInAnyOrder(Headers.DUPLICATE_ID, "B1-0001:provincial",
                "B1-0002:provincial");
        MockEndpoint after = getMockEndpoint("mock:after-delivery");
        after.expectedMessageCount(1);

        template.sendBodyAndHeader("direct:intake", "x", Headers.BATCH_PK, 7L);

        MockEndpoint.assertIsSatisfied(context);
        assertThat(ledger.results).containsEntry("7:provincial", "DELIVERED");
        assertThat(ledger.results.get("7:national")).startsWith("FAILED address full: energy.national");
        assertThat(outage.isDown()).isFalse();
    }

    @Test
    void aLedgerThatCannotRecordTheResultIsAnOutageNotAnErrorOfTheCaller() throws Exception {
        sendsGoTo("mock:national", "mock:provincial");
        ledger.failOnDelivered = true;
        getMockEndpoint("mock:national").expectedMessageCount(2);
        getMockEndpoint("mock:after-delivery").expectedMessageCount(1);

        template.sendBodyAndHeader("direct:intake", "x", Headers.BATCH_PK, 8L);

        MockEndpoint.assertIsSatisfied(context);
        assertThat(outage.isDown()).isTrue();
        assertThat(ledger.results).doesNotContainKey("8:national");
        outage.answered();
        assertThat(outage.isDown()).isFalse();
    }

    @Test
    void aLedgerOutageAtStagingGoesBackToTheIntakeWhichKeepsItsInput() throws Exception {
        context.start();
        getMockEndpoint("mock:national").expectedMessageCount(0);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> template.sendBody(BatchIntakeRoute.ENDPOINT, null))
                .hasRootCauseInstanceOf(java.net.ConnectException.class);

        assertThat(outage.isDown()).isTrue();
        assertThat(ledger.results).isEmpty();
    }

    @Test
    void aClaimTakenOverByAnotherHolderStopsTheAttemptWithoutAResult() throws Exception {
        properties.setClaimLease(Duration.ZERO); // renew after every chunk
        ledger.leaseLost = true;
        sendsGoTo("mock:national", "mock:provincial");
        getMockEndpoint("mock:national").expectedMessageCount(1);
        getMockEndpoint("mock:after-delivery").expectedMessageCount(1);

        template.sendBodyAndHeader("direct:intake", "x", Headers.BATCH_PK, 9L);

        MockEndpoint.assertIsSatisfied(context);
        assertThat(ledger.results).doesNotContainKey("9:national").doesNotContainKey("9:provincial");
    }

    @Test
    void aReSendCarriesFreshDuplicateIdsAndSaysItIsOne() throws Exception {
        ledger.suffix = ":resend-2";
        sendsGoTo("mock:national", "mock:provincial");
        MockEndpoint national = getMockEndpoint("mock:national");
        national.expectedHeaderValuesReceivedInAnyOrder(Headers.DUPLICATE_ID, "B1-0001:national:resend-2",
                "B1-0002:national:resend-2");
        national.allMessages().header(Headers.RESEND).isEqualTo("2");

        template.sendBodyAndHeader("direct:intake", "x", Headers.BATCH_PK, 10L);

        MockEndpoint.assertIsSatisfied(context);
    }

    /** The ledger as the routes see it: two chunks per batch, every claim granted, results kept. */
    static final class FakeLedger extends BatchLedger {
        final Map<String, String> results = new ConcurrentHashMap<>();
        volatile boolean failOnDelivered;
        volatile boolean leaseLost;
        volatile String suffix = "";

        FakeLedger() {
            super(null, new RoutingProperties(), new HubInstance("test"));
        }

        @Override
        public Optional<Claimed> take(long pk, String target) {
            return Optional.of(new Claimed("test", "B1", suffix));
        }

        @Override
        public boolean renew(long pk, String target) {
            return !leaseLost;
        }

        /** How often a delivery read its chunks from the ledger. */
        final java.util.concurrent.atomic.AtomicInteger chunkReads = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public Iterator<StagedChunk> chunks(long pk) {
            chunkReads.incrementAndGet();
            List<StagedChunk> chunks = new ArrayList<>();
            chunks.add(new StagedChunk(1, "B1-0001", "E1", 1, "{}"));
            chunks.add(new StagedChunk(2, "B1-0002", "E1", 1, "{}"));
            return chunks.iterator();
        }

        @Override
        public void delivered(long pk, String target) {
            if (failOnDelivered) {
                throw new DataAccessResourceFailureException("Could not get JDBC connection",
                        new java.net.ConnectException("Connection refused"));
            }
            results.put(pk + ":" + target, "DELIVERED");
        }

        @Override
        public void failed(long pk, String target, String error) {
            results.put(pk + ":" + target, "FAILED " + error);
        }
    }
}

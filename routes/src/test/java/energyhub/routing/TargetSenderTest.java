package energyhub.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

/**
 * The bounded send: a target whose send blocks fails that attempt after the send timeout with a
 * cause naming its queue; while it stays silent one send at a time probes it and the others fail at
 * once; the other target is not affected; once the target answers, sends go through again.
 */
class TargetSenderTest extends CamelTestSupport {

    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger entered = new AtomicInteger();

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                // the national "queue" holds every send until released, as a full address under BLOCK does
                from("direct:national-queue").process(e -> {
                    entered.incrementAndGet();
                    release.await();
                }).to("mock:national");
                from("direct:provincial-queue").to("mock:provincial");
            }
        };
    }

    private TargetSender sender() {
        RoutingProperties properties = new RoutingProperties();
        properties.setSendTimeout(Duration.ofSeconds(1));
        return new TargetSender(context, properties) {
            @Override
            String uri(Target target) {
                return "direct:" + target.id() + "-queue";
            }
        };
    }

    private Exchange to(String target) {
        Exchange exchange = new DefaultExchange(context);
        exchange.setProperty(Headers.TARGET, target);
        exchange.getMessage().setBody("{}");
        return exchange;
    }

    @Test
    void aSilentTargetFailsInBoundedTimeIsProbedOneSendAtATimeAndHoldsBackNothingElse() throws Exception {
        TargetSender sender = sender();
        MockEndpoint provincial = getMockEndpoint("mock:provincial");
        provincial.expectedMessageCount(1);

        assertThatThrownBy(() -> sender.send(to("national"))).isInstanceOf(DeliveryCauses.NoAnswerException.class)
                .hasMessageStartingWith("no answer within 1s from energy.national");

        CompletableFuture<Void> probe = CompletableFuture.runAsync(() -> {
            try {
                sender.send(to("national"));
            } catch (Exception expected) {
                // the probe times out as well
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> entered.get() == 2);
        assertThatThrownBy(() -> sender.send(to("national"))).as("fails at once while the probe is out")
                .hasMessageContaining("not answering since");
        sender.send(to("provincial"));
        provincial.assertIsSatisfied();
        probe.get();

        release.countDown();
        getMockEndpoint("mock:national").expectedMinimumMessageCount(1);
        sender.send(to("national"));
        sender.send(to("national"));
        MockEndpoint.assertIsSatisfied(context);
    }
}

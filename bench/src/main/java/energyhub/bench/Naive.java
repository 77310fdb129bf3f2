package energyhub.bench;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.springframework.jms.connection.CachingConnectionFactory;

/**
 * The naive baseline: the straightforward Camel route a first version would be, in plain Camel (no
 * Spring Boot) with the same embedded broker configuration as the hub: file inbox → split per line
 * (streaming) → multicast to both persistent queues, one JMS message per record, no transactions
 * (camel-jms over a caching connection factory, so sessions and producers are reused).
 *
 * <pre>Naive INBOX BROKER_DIR TCP_PORT EXPECTED_RECORDS</pre>
 * Prints {@code naive.records}, {@code naive.seconds} (first line split → last record sent) and
 * {@code naive.rate}, then keeps its broker up for the verifier until it is terminated.
 */
public final class Naive {

    public static void main(String[] args) throws Exception {
        Path inbox = Path.of(args[0]);
        EmbeddedActiveMQ broker = Broker.start(Path.of(args[1]), Integer.parseInt(args[2]));
        long expected = Long.parseLong(args[3]);
        CountDownLatch done = new CountDownLatch(1);
        AtomicLong start = new AtomicLong();
        AtomicLong sent = new AtomicLong();

        DefaultCamelContext camel = new DefaultCamelContext();
        JmsComponent jms = new JmsComponent();
        jms.setConnectionFactory(new CachingConnectionFactory(new ActiveMQConnectionFactory("vm://0")));
        camel.addComponent("jms", jms);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("file:" + inbox + "?include=.*\\.jsonl&noop=true&initialDelay=0&delay=200")
                        .routeId("naive-ferry")
                        .process(e -> start.compareAndSet(0, System.nanoTime())).id("naive-clock-start")
                        .split(body().tokenize("\n")).streaming().id("naive-split-lines")
                            .multicast().id("naive-both-queues")
                                .to("jms:queue:" + Broker.NATIONAL).id("naive-to-national")
                                .to("jms:queue:" + Broker.PROVINCIAL).id("naive-to-provincial")
                            .end()
                            .process(e -> sent.incrementAndGet()).id("naive-count")
                        .end()
                        .process(e -> done.countDown()).id("naive-clock-end");
            }
        });
        camel.start();
        while (!done.await(10, TimeUnit.SECONDS)) {
            System.err.printf("naive: %d of %d records sent%n", sent.get(), expected);
        }
        double seconds = (System.nanoTime() - start.get()) / 1e9;
        System.out.printf("naive.records=%d%nnaive.seconds=%.2f%nnaive.rate=%.1f%n", sent.get(), seconds,
                sent.get() / seconds);
        System.out.flush();
        camel.stop();
        Broker.serveUntilKilled(broker);
    }
}

package energyhub.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import energyhub.routing.RoutingProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.time.Clock;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * hub-queue-depths while the broker is away: the metrics keep their last values, one WARN line per outage
 * and one INFO line when the broker answers again, not a stack trace per run; then the depths are asked again.
 */
class QueueDepthProbeTest {

    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(QueueDepthProbe.class);
    private EmbeddedActiveMQ broker;

    @BeforeEach
    void captureLog() {
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void stop() throws Exception {
        logger.detachAppender(lines);
        if (broker != null) {
            broker.stop();
        }
    }

    @Test
    void anAbsentBrokerIsSaidOnceAndTheDepthsAreAskedAgainWhenItAnswers() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        HubMetrics metrics = new HubMetrics(new SimpleMeterRegistry(), null, Clock.systemUTC(), new RoutingProperties(),
                "target/no-inbox");
        metrics.queueDepth("energy.national", 5);
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + port
                + "?initialConnectAttempts=1&reconnectAttempts=0");
        QueueDepthProbe probe = new QueueDepthProbe(new BrokerManagement(factory), metrics);

        probe.ask();
        probe.ask();
        probe.ask();
        assertThat(metrics.queueDepths()).containsEntry("energy.national", 5L);
        assertThat(lines.list).hasSize(1).first().satisfies(line -> {
            assertThat(line.getLevel()).isEqualTo(Level.WARN);
            assertThat(line.getFormattedMessage()).contains("the broker does not answer")
                    .contains("further failures are not logged until it answers");
            assertThat(line.getThrowableProxy()).as("no stack trace").isNull();
        });

        broker = new EmbeddedActiveMQ();
        broker.setConfiguration(new ConfigurationImpl().setName("queue-depth-probe-test").setPersistenceEnabled(false)
                .setSecurityEnabled(false).addAcceptorConfiguration("tcp", "tcp://127.0.0.1:" + port)
                .addQueueConfiguration(QueueConfiguration.of("energy.national").setRoutingType(RoutingType.ANYCAST)));
        broker.start();
        probe.ask();
        assertThat(metrics.queueDepths()).containsEntry("energy.national", 0L);
        assertThat(lines.list).hasSize(2);
        assertThat(lines.list.get(1).getLevel()).isEqualTo(Level.INFO);
        assertThat(lines.list.get(1).getFormattedMessage()).isEqualTo("queue depths: the broker answers again");
    }
}

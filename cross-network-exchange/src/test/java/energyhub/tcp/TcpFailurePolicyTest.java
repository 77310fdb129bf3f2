package energyhub.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.component.netty.NettyConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** What tcp-failure-policy answers when the hub itself fails on a frame (e.g. its database is down). */
class TcpFailurePolicyTest {

    @Test
    void aFailureInsideTheHubIsAnsweredInternalAndTheConnectionClosed() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            Exchange exchange = new DefaultExchange(camel);
            exchange.getMessage().setHeader(NettyConstants.NETTY_REMOTE_ADDRESS, "/10.0.0.9:40000");
            exchange.setProperty(Exchange.EXCEPTION_CAUGHT, new IllegalStateException("database down"));

            TcpFailurePolicy.answerInternal(exchange);

            var frame = new ObjectMapper().readTree(exchange.getMessage().getBody(String.class));
            assertThat(frame.get("type").asText()).isEqualTo("ERROR");
            assertThat(frame.get("code").asText()).isEqualTo("INTERNAL");
            assertThat(frame.get("message").asText()).doesNotContain("database down"); // no internals to the peer
            assertThat(exchange.getMessage().getHeader(NettyConstants.NETTY_CLOSE_CHANNEL_WHEN_COMPLETE)).isEqualTo(true);
        }
    }
}

package energyhub.tcp;

import energyhub.routing.BatchSubmission;
import energyhub.routing.DeliveryCauses;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.component.netty.NettyConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Failure policy of the TCP intake ({@code tcp-failure-policy}): whatever fails inside the hub while
 * a frame is handled (the database down, the core refusing the batch), the client gets
 * {@code ERROR INTERNAL} and the connection is closed, and the log gets one line naming the peer,
 * the cause and what happens next. Conditions the hub understands (bad frames, limits) never get
 * here: the route and the pipeline answer them themselves.
 */
@Component
public class TcpFailurePolicy extends RouteConfigurationBuilder {

    public static final String ID = "tcp-failure-policy";
    private static final Logger log = LoggerFactory.getLogger(TcpFailurePolicy.class);

    @Override
    public void configuration() {
        routeConfiguration(ID)
                .onException(Exception.class).handled(true)
                    .process(TcpFailurePolicy::answerInternal).id("tcp-answer-internal")
                .end();
    }

    /**
     * Also the answer of tcp-intake's own catch around the routing core, whose failures (a ledger outage while
     * staging) reach no second onException once the core's failure policy has seen them.
     */
    static void answerInternal(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String frame = exchange.getMessage().getBody() instanceof BatchSubmission s ? "DATA " + s.batchId() : "frame";
        log.error("TCP intake: {} from {} not taken: {}; answered ERROR INTERNAL and closed, the client retries "
                        + "(a replayed batchId is answered DUPLICATE if it was stored)", frame,
                exchange.getMessage().getHeader(NettyConstants.NETTY_REMOTE_ADDRESS),
                cause == null ? "unknown" : DeliveryCauses.rootMessage(cause));
        exchange.getMessage().setBody(TcpIntakeRoute.error("INTERNAL", "the hub could not take the frame; try again later"));
        exchange.getMessage().setHeader(NettyConstants.NETTY_CLOSE_CHANNEL_WHEN_COMPLETE, true);
    }
}

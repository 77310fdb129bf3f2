package energyhub.tcp;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import energyhub.routing.BatchIntakeRoute;
import energyhub.routing.BatchSubmission;
import energyhub.routing.NumberedLine;
import energyhub.standard.RecordCodec;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.netty.NettyConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * TCP push intake, contracts section 5 ({@code tcp-intake}): LOGIN, DATA, HEARTBEAT frames on a
 * length-prefixed connection. A DATA frame is handed to the routing core like a ferry package and
 * answered with its ACK only once the core has settled it (both targets hold their copies): the
 * core sends the ACK to {@code direct:tcp-intake-ack}, which completes the waiting connection.
 * The listener starts only when {@code hub.tcp.clients} names at least one client.
 */
@Component
public class TcpIntakeRoute extends RouteBuilder {

    public static final String ROUTE_ID = "tcp-intake";
    public static final String ACK_ENDPOINT = "direct:" + ROUTE_ID + "-ack";
    private static final Logger log = LoggerFactory.getLogger(TcpIntakeRoute.class);
    private static final ObjectMapper PLAIN = new ObjectMapper();
    private static final AttributeKey<String> CLIENT = TcpFrames.CLIENT;
    private static final Pattern BATCH_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final String ACK_REF = "hubTcpAckRef";

    private final TcpProperties properties;
    private final TcpGuard guard;
    private final ObjectMapper mapper;
    /** Reads frames: nesting bounded by hub.tcp.max-json-depth (a JSON nesting bomb is BAD_JSON). */
    private final ObjectMapper reader;
    /** DATA frames waiting for their ACK, by ackRef. */
    private final Map<String, Waiting> waiting = new ConcurrentHashMap<>();

    private record Waiting(CompletableFuture<String> ack, Channel channel) {
    }

    public TcpIntakeRoute(TcpProperties properties, TcpGuard guard, RecordCodec codec) {
        this.properties = properties;
        this.guard = guard;
        this.mapper = codec.mapper();
        this.reader = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
                .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder()
                        .maxNestingDepth(properties.getMaxJsonDepth()).build())
                .build());
    }

    @Override
    public void configure() {
        if (properties.getClients().isEmpty()) {
            log.info("TCP intake off: hub.tcp.clients names no client");
            return;
        }
        from("netty:tcp://" + properties.getHost() + ":" + properties.getPort()
                + "?sync=true&serverInitializerFactory=#tcpFrames&disconnectOnNoReply=false")
                .routeId(ROUTE_ID)
                // whatever fails inside the hub, the client gets a frame, not a silent close (TcpFailurePolicy)
                .routeConfigurationId(TcpFailurePolicy.ID)
                .process(this::readFrame).id("tcp-read-frame")
                .filter(body().isInstanceOf(BatchSubmission.class))
                    // the core's own failure policy (intake-failure-policy) sees a failure first and throws it
                    // back; Camel then hands it to no second error handler, so tcp-failure-policy's onException
                    // never saw it and the client got no answer at all (issue 20): the DATA frame is answered here
                    .doTry()
                        // InOnly inside the core: the Netty exchange is request-reply, but the platform queues
                        // must get fire-and-forget sends, not JMS request-reply waiting for an answer
                        .to(org.apache.camel.ExchangePattern.InOnly, BatchIntakeRoute.ENDPOINT).id("tcp-submit")
                        .process(this::awaitAck).id("tcp-await-ack")
                    .doCatch(Exception.class)
                        .process(this::forgetAck).id("tcp-forget-ack")
                        .process(TcpFailurePolicy::answerInternal).id("tcp-core-failed")
                    .end()
                .end();

        from(ACK_ENDPOINT).routeId(ROUTE_ID + "-ack")
                .process(this::ackArrived).id("tcp-hand-over-ack");

        // connections displaced or refused by the budgets: one line a minute when there were any, never one each
        from("timer:tcp-connection-report?period=" + TcpConnectionReport.PERIOD.toMillis() + "&delay="
                + TcpConnectionReport.PERIOD.toMillis()).routeId(ROUTE_ID + "-connection-report")
                .process(new TcpConnectionReport(guard)).id("tcp-report-connections");
    }

    /** Answers LOGIN and HEARTBEAT, refuses what is not allowed, turns DATA into a submission. */
    private void readFrame(Exchange exchange) throws Exception {
        var m = exchange.getMessage();
        Channel channel = m.getHeader(NettyConstants.NETTY_CHANNEL_HANDLER_CONTEXT,
                io.netty.channel.ChannelHandlerContext.class).channel();
        Object body = m.getBody();
        if (body instanceof TcpFrames.FrameProblem p) {
            refuse(exchange, p.code(), p.message());
            return;
        }
        JsonNode frame;
        try {
            frame = reader.readTree((String) body);
        } catch (JacksonException e) {
            refuse(exchange, "BAD_JSON", "the frame is not JSON: " + e.getOriginalMessage());
            return;
        }
        String type = frame != null && frame.isObject() ? frame.path("type").asText("") : "";
        switch (type) {
            case "LOGIN" -> login(exchange, channel, frame);
            case "HEARTBEAT" -> m.setBody("{\"type\":\"HEARTBEAT\"}");
            case "DATA" -> data(exchange, channel, frame, (String) body);
            default -> refuse(exchange, "UNKNOWN_TYPE", "unknown frame type '" + type + "'");
        }
    }

    private void login(Exchange exchange, Channel channel, JsonNode frame) {
        if (channel.attr(CLIENT).get() != null) {
            refuse(exchange, "ALREADY_LOGGED_IN", "this connection is logged in already");
            return;
        }
        String address = address(channel);
        if (guard.throttled(address)) {
            refuse(exchange, "LOGIN_THROTTLED", "too many failed logins from " + address + "; wait "
                    + properties.getLoginLockout() + " after the last one");
            return;
        }
        String clientId = frame.path("clientId").asText("");
        String secret = frame.path("secret").asText("");
        String expected = properties.getClients().get(clientId);
        // compared in constant time, and a made-up secret for an unknown client, so timing tells nothing
        boolean ok = constantTimeEquals(expected == null ? "\u0000unknown-client" : expected, secret)
                && expected != null && !expected.isEmpty();
        if (!ok) {
            guard.loginFailed(address);
            String shown = clientId.length() > 64 ? clientId.substring(0, 64) + "..." : clientId;
            refuse(exchange, "LOGIN_FAILED", "unknown client or wrong secret (client '" + shown.replaceAll("\\p{Cntrl}", "?")
                    + "')");
            return;
        }
        guard.loginSucceeded(address);
        if (!guard.loginClient(clientId)) {
            refuse(exchange, "TOO_MANY_CONNECTIONS", "client " + clientId + " is logged in on "
                    + properties.getMaxConnectionsPerClient() + " connections already");
            return;
        }
        channel.closeFuture().addListener(f -> guard.logoutClient(clientId));
        // a session of its own from now on: out of the budget of connections waiting to log in, never displaced
        if (!guard.startSession(channel)) {
            refuse(exchange, "TOO_MANY_CONNECTIONS", "the hub serves at most " + guard.connectionsLimit()
                    + " logged-in connections at once; try again later");
            return;
        }
        channel.closeFuture().addListener(f -> guard.endSession());
        channel.attr(CLIENT).set(clientId);
        log.info("TCP intake: client {} logged in from {}", clientId, channel.remoteAddress());
        exchange.getMessage().setBody("{\"type\":\"LOGIN_OK\"}");
    }

    static boolean constantTimeEquals(String a, String b) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] x = sha.digest(a.getBytes(StandardCharsets.UTF_8));
            byte[] y = sha.digest(b.getBytes(StandardCharsets.UTF_8));
            return MessageDigest.isEqual(x, y);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void data(Exchange exchange, Channel channel, JsonNode frame, String text) throws Exception {
        String clientId = channel.attr(CLIENT).get();
        if (clientId == null) {
            refuse(exchange, "NOT_LOGGED_IN", "DATA before a successful LOGIN");
            return;
        }
        String batchId = frame.path("batchId").asText("");
        JsonNode records = frame.get("records");
        if (!BATCH_ID.matcher(batchId).matches() || records == null || !records.isArray()) {
            refuse(exchange, "BAD_FRAME", "DATA needs a batchId of 1-64 of [A-Za-z0-9._:-] and an array 'records'");
            return;
        }
        List<NumberedLine> lines = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            lines.add(new NumberedLine(i + 1, mapper.writeValueAsString(records.get(i))));
        }
        String ackRef = UUID.randomUUID().toString();
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(StandardCharsets.UTF_8)));
        waiting.put(ackRef, new Waiting(new CompletableFuture<>(), channel));
        channel.closeFuture().addListener(f -> waiting.remove(ackRef));
        exchange.setProperty(ACK_REF, ackRef);
        // a frame is never "the same file read again": its own name makes a replayed batchId a DUPLICATE
        exchange.getMessage().setBody(new BatchSubmission(batchId, ROUTE_ID, "tcp/" + clientId + "/" + ackRef,
                "SHA-256", digest, (long) text.length(), lines.size(), lines::stream, ACK_ENDPOINT, ackRef, null));
    }

    /** After the core returned: the ACK, which it sends only once both targets are durable, or a wait for it. */
    private void awaitAck(Exchange exchange) throws Exception {
        String ackRef = exchange.getProperty(ACK_REF, String.class);
        Waiting w = waiting.get(ackRef);
        try {
            exchange.getMessage().setBody(w.ack().get(properties.getAckTimeout().toMillis(), TimeUnit.MILLISECONDS));
            waiting.remove(ackRef);
        } catch (TimeoutException e) {
            if (!w.ack().cancel(false)) { // it came just now after all
                exchange.getMessage().setBody(w.ack().join());
                waiting.remove(ackRef);
                return;
            }
            // stored in the ledger and being delivered; the ACK follows on this connection if it is still open
            exchange.getMessage().setBody(error("ACK_PENDING", "the batch is stored but not yet delivered to both "
                    + "platforms; its ACK follows on this connection, or replay the batchId later (answered DUPLICATE)"));
        }
    }

    /** The core failed on a DATA frame: no ACK will come for it (the connection is closed with ERROR INTERNAL). */
    private void forgetAck(Exchange exchange) {
        String ackRef = exchange.getProperty(ACK_REF, String.class);
        if (ackRef != null) {
            waiting.remove(ackRef);
        }
    }

    /** The core's ACK of a DATA frame: to the connection waiting for it, or straight onto its channel when late. */
    private void ackArrived(Exchange exchange) throws Exception {
        String ackRef = exchange.getMessage().getHeader("hubAckRef", String.class);
        ObjectNode frame = mapper.createObjectNode().put("type", "ACK");
        frame.setAll((ObjectNode) mapper.readTree(exchange.getMessage().getBody(String.class)));
        String text = mapper.writeValueAsString(frame);
        Waiting w = ackRef == null ? null : waiting.get(ackRef);
        if (w == null) {
            // the connection is gone (or the hub restarted): the client learns the outcome by replaying the batchId
            log.info("TCP intake: ACK {} has no connection left to go to; dropped", ackRef);
            return;
        }
        if (!w.ack().complete(text) && w.channel().isActive()) {
            w.channel().writeAndFlush(text);
            waiting.remove(ackRef);
        }
    }

    static String address(Channel channel) {
        return channel.remoteAddress() instanceof java.net.InetSocketAddress a
                ? a.getAddress().getHostAddress() : String.valueOf(channel.remoteAddress());
    }

    private static void refuse(Exchange exchange, String code, String message) {
        log.warn("TCP intake: {} from {}: {}; answered ERROR and closed", code,
                exchange.getMessage().getHeader(NettyConstants.NETTY_REMOTE_ADDRESS), message);
        exchange.getMessage().setBody(error(code, message));
        exchange.getMessage().setHeader(NettyConstants.NETTY_CLOSE_CHANNEL_WHEN_COMPLETE, true);
    }

    static String error(String code, String message) {
        return PLAIN.createObjectNode().put("type", "ERROR").put("code", code).put("message", message).toString();
    }
}

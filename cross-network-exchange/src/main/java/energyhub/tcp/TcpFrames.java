package energyhub.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.codec.string.StringEncoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.camel.component.netty.NettyConsumer;
import org.apache.camel.component.netty.ServerInitializerFactory;
import org.apache.camel.component.netty.handlers.ServerChannelHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty pipeline of a TCP intake connection: a 4-byte big-endian length then that many bytes
 * of UTF-8 JSON in each direction, and the limits that keep a hostile peer from taking the hub's
 * memory or its connections: budgets for connections waiting to log in, a small frame limit until LOGIN (a LOGIN frame is tiny) and the
 * full one after, a total budget for partly received frames across connections, a login timeout
 * and an idle timeout. A frame that breaks a limit or is not UTF-8 reaches the route as a
 * {@link FrameProblem}, so that it is answered with an ERROR frame before the connection is closed;
 * nothing is read from that connection afterwards.
 */
public class TcpFrames extends ServerInitializerFactory {

    private static final Logger log = LoggerFactory.getLogger(TcpFrames.class);

    /** The client a connection is logged in as (set by the route on LOGIN_OK). */
    public static final AttributeKey<String> CLIENT = AttributeKey.valueOf("hubTcpClient");

    /** A frame that could not be read as text; the route answers ERROR and closes. */
    public record FrameProblem(String code, String message) {
    }

    private final TcpProperties properties;
    private final TcpGuard guard;
    private final NettyConsumer consumer;

    TcpFrames(TcpProperties properties, TcpGuard guard, NettyConsumer consumer) {
        this.properties = properties;
        this.guard = guard;
        this.consumer = consumer;
    }

    @Override
    public ServerInitializerFactory createPipelineFactory(NettyConsumer consumer) {
        return new TcpFrames(properties, guard, consumer);
    }

    @Override
    protected void initChannel(Channel ch) {
        addFraming(ch.pipeline(), properties, guard);
        ChannelPipeline p = ch.pipeline();
        if (consumer.getConfiguration().isUsingExecutorService()) {
            // frames are handled off the I/O threads: a DATA frame waits for its batch to be delivered
            p.addLast(consumer.getEndpoint().getComponent().getExecutorService(), "handler",
                    new ServerChannelHandler(consumer));
        } else {
            p.addLast("handler", new ServerChannelHandler(consumer));
        }
    }

    /** Everything in front of the route's handler (also what the unit tests put in an EmbeddedChannel). */
    static void addFraming(ChannelPipeline p, TcpProperties properties, TcpGuard guard) {
        p.addLast("connection-limit", new ConnectionLimit(guard));
        p.addLast("idle", new IdleStateHandler(properties.getIdleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS));
        p.addLast("idle-close", new IdleClose());
        p.addLast("login-timeout", new LoginTimeout(properties.getLoginTimeout().toMillis()));
        p.addLast("frame-decoder", new FrameDecoder(properties.getMaxUnauthenticatedFrameBytes(),
                properties.getMaxFrameBytes(), guard));
        p.addLast("frame-length", new LengthFieldPrepender(4));
        p.addLast("frame-text", new StringEncoder(StandardCharsets.UTF_8));
    }

    /** Answers ERROR and closes; what the peer sends afterwards is dropped. */
    static void refuse(Channel channel, String code, String message) {
        log.warn("TCP intake: {} from {}: {}; answered ERROR and closed", code, channel.remoteAddress(), message);
        channel.writeAndFlush(TcpIntakeRoute.error(code, message)).addListener(ChannelFutureListener.CLOSE);
    }

    /** Answers ERROR and closes without a log line of its own: floods are counted and reported once a minute. */
    static void refuseQuietly(Channel channel, String code, String message) {
        channel.writeAndFlush(TcpIntakeRoute.error(code, message)).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * Admits a new connection to the budget of connections waiting to log in (TcpGuard#admit): one over its
     * address's budget is answered TOO_MANY_CONNECTIONS and closed, and nothing it sends goes further; when the
     * budget as a whole is full, the oldest waiting connection is answered so and closed instead. The login
     * timeout runs from the moment of connecting, whether the peer sends a byte or not.
     */
    static final class ConnectionLimit extends ChannelInboundHandlerAdapter {
        private final TcpGuard guard;
        private boolean refused;

        ConnectionLimit(TcpGuard guard) {
            this.guard = guard;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            Channel channel = ctx.channel();
            TcpGuard.Admission admission = guard.admit(channel, TcpIntakeRoute.address(channel));
            if (admission.displaced() instanceof Channel displaced) {
                refuseQuietly(displaced, "TOO_MANY_CONNECTIONS", "displaced by a newer connection before logging in: "
                        + "the hub holds at most " + guard.pendingLimit() + " connections waiting to log in");
            }
            if (admission.admitted()) {
                super.channelActive(ctx);
            } else {
                refused = true;
                refuseQuietly(channel, "TOO_MANY_CONNECTIONS", "too many connections waiting to log in from "
                        + TcpIntakeRoute.address(channel) + "; log in on one of them or try again later");
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (refused) {
                ReferenceCountUtil.release(msg);
            } else {
                super.channelRead(ctx, msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            guard.leavePending(ctx.channel());
            if (!refused) {
                super.channelInactive(ctx);
            }
        }
    }

    /**
     * Length-prefixed frames to strict UTF-8 strings. The length is checked as soon as it arrives,
     * against the small limit until the connection is logged in; a frame not yet complete holds its
     * length in the shared buffer budget until it is. Problems become a {@link FrameProblem} and the
     * rest of the connection's input is dropped.
     */
    static final class FrameDecoder extends ByteToMessageDecoder {
        private final int maxUnauthenticated;
        private final int max;
        private final TcpGuard guard;
        private long reserved;
        private boolean failed;

        FrameDecoder(int maxUnauthenticated, int max, TcpGuard guard) {
            this.maxUnauthenticated = maxUnauthenticated;
            this.max = max;
            this.guard = guard;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            if (failed) {
                in.skipBytes(in.readableBytes());
                return;
            }
            if (in.readableBytes() < 4) {
                return;
            }
            long length = in.getUnsignedInt(in.readerIndex());
            boolean loggedIn = ctx.channel().attr(CLIENT).get() != null;
            int limit = loggedIn ? max : maxUnauthenticated;
            if (length > limit) {
                fail(in, out, "FRAME_TOO_LARGE", (loggedIn ? "frames are limited to " : "frames before LOGIN are limited to ")
                        + limit + " bytes; this one announced " + length);
                return;
            }
            if (length == 0) {
                fail(in, out, "BAD_JSON", "an empty frame (length 0) is not JSON");
                return;
            }
            if (in.readableBytes() - 4 < length) {
                if (reserved == 0) {
                    if (!guard.reserve(length)) {
                        fail(in, out, "BUSY", "the hub is receiving too many large frames at once; try again later");
                        return;
                    }
                    reserved = length;
                }
                return;
            }
            in.skipBytes(4);
            ByteBuf frame = in.readSlice((int) length);
            releaseReservation();
            try {
                out.add(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(frame.nioBuffer()).toString());
            } catch (CharacterCodingException e) {
                fail(in, out, "BAD_JSON", "the frame is not UTF-8");
            }
        }

        private void fail(ByteBuf in, List<Object> out, String code, String message) {
            failed = true;
            releaseReservation();
            in.skipBytes(in.readableBytes());
            out.add(new FrameProblem(code, message));
        }

        private void releaseReservation() {
            if (reserved > 0) {
                guard.release(reserved);
                reserved = 0;
            }
        }

        @Override
        protected void handlerRemoved0(ChannelHandlerContext ctx) {
            releaseReservation();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            releaseReservation();
            super.channelInactive(ctx);
        }
    }

    /** Closes a connection that has been silent longer than the idle timeout, saying why first. */
    static final class IdleClose extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof IdleStateEvent) {
                refuse(ctx.channel(), "IDLE_TIMEOUT", "no frame within the idle timeout");
            } else {
                super.userEventTriggered(ctx, evt);
            }
        }
    }

    /** Closes a connection that is not logged in within the login timeout, whatever it sends meanwhile. */
    static final class LoginTimeout extends ChannelInboundHandlerAdapter {
        private final long millis;
        private ScheduledFuture<?> timer;

        LoginTimeout(long millis) {
            this.millis = millis;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            Channel channel = ctx.channel();
            timer = ctx.executor().schedule(() -> {
                if (channel.isActive() && channel.attr(CLIENT).get() == null) {
                    refuse(channel, "LOGIN_TIMEOUT", "no successful LOGIN within " + millis + " ms");
                }
            }, millis, TimeUnit.MILLISECONDS);
            super.channelActive(ctx);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (timer != null) {
                timer.cancel(false);
            }
            super.channelInactive(ctx);
        }
    }
}

package energyhub.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.string.StringEncoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.apache.camel.component.netty.NettyConsumer;
import org.apache.camel.component.netty.ServerInitializerFactory;
import org.apache.camel.component.netty.handlers.ServerChannelHandler;

/**
 * The Netty pipeline of a TCP intake connection: a 4-byte big-endian length then that many bytes
 * of UTF-8 JSON in each direction, a frame size limit, and an idle timeout. A frame that is too
 * long or not UTF-8 reaches the route as a {@link FrameProblem}, so that it is answered with an
 * ERROR frame before the connection is closed.
 */
public class TcpFrames extends ServerInitializerFactory {

    /** A frame that could not be read as text; the route answers ERROR and closes. */
    public record FrameProblem(String code, String message) {
    }

    private final TcpProperties properties;
    private final NettyConsumer consumer;

    TcpFrames(TcpProperties properties, NettyConsumer consumer) {
        this.properties = properties;
        this.consumer = consumer;
    }

    @Override
    public ServerInitializerFactory createPipelineFactory(NettyConsumer consumer) {
        return new TcpFrames(properties, consumer);
    }

    @Override
    protected void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        p.addLast("idle", new IdleStateHandler(properties.getIdleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS));
        p.addLast("idle-close", new IdleClose());
        p.addLast("frame-decoder", new FrameDecoder(properties.getMaxFrameBytes()));
        p.addLast("frame-length", new LengthFieldPrepender(4));
        p.addLast("frame-text", new StringEncoder(StandardCharsets.UTF_8));
        if (consumer.getConfiguration().isUsingExecutorService()) {
            // frames are handled off the I/O threads: a DATA frame waits for its batch to be delivered
            p.addLast(consumer.getEndpoint().getComponent().getExecutorService(), "handler",
                    new ServerChannelHandler(consumer));
        } else {
            p.addLast("handler", new ServerChannelHandler(consumer));
        }
    }

    /** Length-prefixed frames to strict UTF-8 strings; over-long or undecodable ones to a {@link FrameProblem}. */
    static final class FrameDecoder extends LengthFieldBasedFrameDecoder {
        private final int max;

        FrameDecoder(int max) {
            super(max, 0, 4, 0, 4, true);
            this.max = max;
        }

        @Override
        protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
            ByteBuf frame;
            try {
                frame = (ByteBuf) super.decode(ctx, in);
            } catch (TooLongFrameException e) {
                in.skipBytes(in.readableBytes());
                return new FrameProblem("FRAME_TOO_LARGE", "frames are limited to " + max + " bytes");
            }
            if (frame == null) {
                return null;
            }
            try {
                ByteBuffer bytes = frame.nioBuffer();
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString();
            } catch (CharacterCodingException e) {
                return new FrameProblem("BAD_JSON", "the frame is not UTF-8");
            } finally {
                frame.release();
            }
        }
    }

    /** Closes a connection that has been silent longer than the idle timeout, saying why first. */
    static final class IdleClose extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof IdleStateEvent) {
                ctx.channel().writeAndFlush(TcpIntakeRoute.error("IDLE_TIMEOUT", "no frame within the idle timeout"))
                        .addListener(ChannelFutureListener.CLOSE);
            } else {
                super.userEventTriggered(ctx, evt);
            }
        }
    }
}

package energyhub.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The TCP intake's pipeline limits on Netty's EmbeddedChannel: no socket, no hub. */
class TcpFramesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static TcpProperties properties() {
        TcpProperties p = new TcpProperties();
        p.setMaxUnauthenticatedFrameBytes(256);
        p.setMaxFrameBytes(64 * 1024);
        p.setMaxBufferedBytes(100_000);
        p.setMaxConnections(2);
        p.setLoginTimeout(Duration.ofSeconds(10));
        return p;
    }

    private static EmbeddedChannel channel(TcpProperties p, TcpGuard guard) {
        EmbeddedChannel ch = new EmbeddedChannel();
        TcpFrames.addFraming(ch.pipeline(), p, guard);
        ch.pipeline().fireChannelActive();
        return ch;
    }

    private static ByteBuf frame(int length, byte[] payload) {
        return Unpooled.buffer().writeInt(length).writeBytes(payload);
    }

    private static ByteBuf frame(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return frame(b.length, b);
    }

    /** The ERROR frame the pipeline wrote itself, if any. */
    private static JsonNode written(EmbeddedChannel ch) throws Exception {
        ByteBuf all = Unpooled.buffer();
        for (Object o; (o = ch.readOutbound()) != null; ) {
            all.writeBytes((ByteBuf) o);
            ((ByteBuf) o).release();
        }
        if (all.readableBytes() == 0) {
            return null;
        }
        int n = all.readInt();
        return JSON.readTree(all.readCharSequence(n, StandardCharsets.UTF_8).toString());
    }

    @Test
    void beforeLoginAFrameOverTheSmallLimitIsAProblemAndNothingIsBuffered() {
        TcpGuard guard = new TcpGuard(properties(), Clock.systemUTC());
        EmbeddedChannel ch = new EmbeddedChannel();
        TcpFrames.addFraming(ch.pipeline(), properties(), guard);
        ch.writeInbound(frame(16 * 1024 * 1024, new byte[100]));
        TcpFrames.FrameProblem p = ch.readInbound();
        assertThat(p.code()).isEqualTo("FRAME_TOO_LARGE");
        assertThat(p.message()).contains("before LOGIN").contains("256");
        assertThat(guard.bufferedBytes()).isZero();
        // the rest of the connection's input is dropped, even a well-formed frame
        ch.writeInbound(frame("{\"type\":\"HEARTBEAT\"}"));
        assertThat((Object) ch.readInbound()).isNull();
    }

    @Test
    void afterLoginTheFullLimitApplies() {
        TcpGuard guard = new TcpGuard(properties(), Clock.systemUTC());
        EmbeddedChannel ch = channel(properties(), guard);
        ch.attr(TcpFrames.CLIENT).set("city-5301");
        String big = "{\"type\":\"DATA\",\"pad\":\"" + "x".repeat(10_000) + "\"}";
        ch.writeInbound(frame(big));
        assertThat((String) ch.readInbound()).isEqualTo(big);
        ch.writeInbound(frame(64 * 1024 + 1, new byte[10]));
        assertThat(((TcpFrames.FrameProblem) ch.readInbound()).code()).isEqualTo("FRAME_TOO_LARGE");
    }

    @Test
    void aNegativeOrZeroLengthOrNonUtf8FrameIsAProblem() {
        TcpGuard guard = new TcpGuard(properties(), Clock.systemUTC());
        EmbeddedChannel negative = channel(properties(), guard);
        negative.writeInbound(frame(-1, new byte[4]));
        assertThat(((TcpFrames.FrameProblem) negative.readInbound()).code()).isEqualTo("FRAME_TOO_LARGE");

        EmbeddedChannel empty = channel(properties(), guard);
        empty.writeInbound(frame(0, new byte[0]));
        assertThat(((TcpFrames.FrameProblem) empty.readInbound()).code()).isEqualTo("BAD_JSON");

        EmbeddedChannel latin = new EmbeddedChannel();
        TcpFrames.addFraming(latin.pipeline(), properties(), guard);
        latin.writeInbound(frame(4, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'}));
        TcpFrames.FrameProblem p = latin.readInbound();
        assertThat(p.code()).isEqualTo("BAD_JSON");
        assertThat(p.message()).contains("UTF-8");
    }

    @Test
    void partlyReceivedFramesShareOneBudgetAcrossConnections() {
        TcpProperties p = properties();
        p.setMaxConnections(10);
        TcpGuard guard = new TcpGuard(p, Clock.systemUTC());
        EmbeddedChannel first = channel(p, guard);
        first.attr(TcpFrames.CLIENT).set("a");
        first.writeInbound(frame(60_000, new byte[1000])); // announced, not yet complete
        assertThat(guard.bufferedBytes()).isEqualTo(60_000);

        EmbeddedChannel second = channel(p, guard);
        second.attr(TcpFrames.CLIENT).set("b");
        second.writeInbound(frame(60_000, new byte[1000])); // 120,000 > the 100,000 budget
        assertThat(((TcpFrames.FrameProblem) second.readInbound()).code()).isEqualTo("BUSY");
        assertThat(guard.bufferedBytes()).isEqualTo(60_000);

        first.writeInbound(Unpooled.wrappedBuffer(new byte[59_000])); // the rest arrives: decoded, budget free
        assertThat((String) first.readInbound()).hasSize(60_000);
        assertThat(guard.bufferedBytes()).isZero();

        EmbeddedChannel third = channel(p, guard);
        third.attr(TcpFrames.CLIENT).set("c");
        third.writeInbound(frame(60_000, new byte[10]));
        assertThat(guard.bufferedBytes()).isEqualTo(60_000);
        third.close(); // a peer that goes away gives its share back
        assertThat(guard.bufferedBytes()).isZero();
    }

    @Test
    void aConnectionOverItsAddresssBudgetIsAnsweredAndClosedAndItsBytesGoNowhere() throws Exception {
        TcpProperties p = properties();
        p.setMaxUnauthenticatedPerAddress(2); // an EmbeddedChannel's address is always the same
        TcpGuard guard = new TcpGuard(p, Clock.systemUTC());
        EmbeddedChannel a = channel(p, guard);
        EmbeddedChannel b = channel(p, guard);
        EmbeddedChannel c = channel(p, guard);
        assertThat(written(c).get("code").asText()).isEqualTo("TOO_MANY_CONNECTIONS");
        assertThat(c.isOpen()).isFalse();
        assertThat(guard.pending()).isEqualTo(2);
        assertThat(guard.refused()).isEqualTo(1);
        a.close();
        assertThat(guard.pending()).isEqualTo(1);
        EmbeddedChannel d = channel(p, guard);
        assertThat(d.isOpen()).isTrue();
        d.writeInbound(frame("{\"type\":\"HEARTBEAT\"}"));
        assertThat((String) d.readInbound()).isEqualTo("{\"type\":\"HEARTBEAT\"}");
        assertThat(b.isOpen()).isTrue();
    }

    @Test
    void aNewConnectionDisplacesTheOldestWaitingOneButNeverALoggedInSession() throws Exception {
        TcpProperties p = properties();
        p.setMaxUnauthenticatedConnections(2);
        p.setMaxUnauthenticatedPerAddress(100);
        TcpGuard guard = new TcpGuard(p, Clock.systemUTC());
        EmbeddedChannel a = channel(p, guard);
        EmbeddedChannel b = channel(p, guard);
        assertThat(guard.startSession(a)).as("a logs in").isTrue();
        EmbeddedChannel c = channel(p, guard);
        EmbeddedChannel d = channel(p, guard); // the waiting ones are b and c: b, the oldest, makes room
        assertThat(written(b).get("code").asText()).isEqualTo("TOO_MANY_CONNECTIONS");
        assertThat(b.isOpen()).isFalse();
        assertThat(c.isOpen()).isTrue();
        assertThat(d.isOpen()).isTrue();
        for (int i = 0; i < 10; i++) {
            channel(p, guard); // a flood of new ones displaces the waiting ones, never the session
        }
        assertThat(a.isOpen()).isTrue();
        assertThat(written(a)).isNull();
        assertThat(c.isOpen()).isFalse();
        assertThat(guard.pending()).isEqualTo(2);
        assertThat(guard.displaced()).isEqualTo(11);
        assertThat(guard.sessions()).isEqualTo(1);
        // sessions have their own budget (2 here)
        assertThat(guard.startSession(d)).isTrue();
        assertThat(guard.startSession(channel(p, guard))).as("a third session").isFalse();
        a.close();
        guard.endSession();
        assertThat(guard.sessions()).isEqualTo(1);
    }

    @Test
    void aConnectionNotLoggedInWithinTheLoginTimeoutIsClosed() throws Exception {
        TcpGuard guard = new TcpGuard(properties(), Clock.systemUTC());
        EmbeddedChannel silent = channel(properties(), guard);
        silent.writeInbound(frame(200, new byte[10])); // a length prefix that lies, then silence
        silent.advanceTimeBy(11, TimeUnit.SECONDS);
        silent.runScheduledPendingTasks();
        assertThat(written(silent).get("code").asText()).isEqualTo("LOGIN_TIMEOUT");
        assertThat(silent.isOpen()).isFalse();

        EmbeddedChannel loggedIn = channel(properties(), guard);
        loggedIn.attr(TcpFrames.CLIENT).set("city-5301");
        loggedIn.advanceTimeBy(11, TimeUnit.SECONDS);
        loggedIn.runScheduledPendingTasks();
        assertThat(written(loggedIn)).isNull();
        assertThat(loggedIn.isOpen()).isTrue();
    }

    @Test
    void failedLoginsLockAnAddressOutForALimitedTime() {
        TcpProperties p = properties();
        p.setMaxLoginFailures(3);
        p.setLoginLockout(Duration.ofMinutes(15));
        Instant[] now = {Instant.parse("2026-11-30T10:00:00Z")};
        Clock clock = new Clock() {
            @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
            @Override public Clock withZone(java.time.ZoneId zone) { return this; }
            @Override public Instant instant() { return now[0]; }
        };
        TcpGuard guard = new TcpGuard(p, clock);
        for (int i = 0; i < 3; i++) {
            assertThat(guard.throttled("10.0.0.9")).isFalse();
            guard.loginFailed("10.0.0.9");
        }
        assertThat(guard.throttled("10.0.0.9")).isTrue();
        assertThat(guard.throttled("10.0.0.10")).isFalse();
        now[0] = now[0].plus(Duration.ofMinutes(16));
        assertThat(guard.throttled("10.0.0.9")).isFalse();
    }

    @Test
    void aClientHoldsAtMostItsConnections() {
        TcpProperties p = properties();
        p.setMaxConnectionsPerClient(2);
        TcpGuard guard = new TcpGuard(p, Clock.systemUTC());
        assertThat(guard.loginClient("a")).isTrue();
        assertThat(guard.loginClient("a")).isTrue();
        assertThat(guard.loginClient("a")).isFalse();
        assertThat(guard.loginClient("b")).isTrue();
        guard.logoutClient("a");
        assertThat(guard.loginClient("a")).isTrue();
    }
}

package energyhub.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPInputStream;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * Queue contract v1.1: each encoding gives back the chunk's JSON exactly (non-ASCII included), gzip
 * is standard gzip any consumer can read, the settings default to text and a wrong value is refused
 * naming the setting and the allowed values, and the queue message carries {@code hubEncoding}.
 */
class MessageEncodingTest {

    /** A chunk as Chunker writes it, with names and a unit in Chinese as real records may carry. */
    static String chunk(int records) {
        List<StagedChunk> out = new ArrayList<>();
        Chunker chunker = new Chunker(new ObjectMapper(), "5f0c3e0e-1111-2222-3333-444455556666", "ferry-inbox",
                records, Integer.MAX_VALUE, 1, out::add);
        for (int i = 0; i < records; i++) {
            chunker.add("91530100MA6NX4QW2G", String.format("{\"enterpriseCode\":\"91530100MA6NX4QW2G\",\"regVersion\":\"1.0\","
                    + "\"dicVersion\":\"1.0\",\"dataCode\":\"00000000023300%02d\",\"dataValue\":\"%d.5\","
                    + "\"convertRation\":\"1.229\",\"valid\":\"1\",\"scope\":\"1\",\"inputType\":\"4\",\"statType\":\"1\","
                    + "\"statDate\":\"2026-10-%02d 00:00:00\",\"uploadDate\":\"2026-11-01 01:10:05\",\"remark\":\"电力 万千瓦时\"}",
                    i / 28 % 100, i * 37, 1 + i % 28));
        }
        chunker.finish();
        assertThat(out).hasSize(1);
        return out.get(0).body();
    }

    /**
     * A chunk as staged (text) and as the ledger gives it back (its gzip, V5) give every encoding the same
     * body; the gzip a target is sent is the stored bytes themselves, and the same text always compresses
     * to the same bytes (a re-send by any hub is byte for byte the message sent before).
     */
    @Test
    void aStagedChunkGivesEachEncodingTheSameBodyFromTextOrFromItsStoredGzip() {
        String json = chunk(500);
        StagedChunk staged = new StagedChunk(1, "b-0001", "91530100MA6NX4QW2G", 500, json);
        byte[] stored = staged.gzip();
        StagedChunk read = StagedChunk.compressed(1, "b-0001", "91530100MA6NX4QW2G", 500, stored);

        assertThat(new StagedChunk(1, "b-0001", "91530100MA6NX4QW2G", 500, json).gzip()).isEqualTo(stored);
        assertThat(MessageEncoding.GZIP.encode(read)).isSameAs(stored);
        for (MessageEncoding e : MessageEncoding.values()) {
            assertThat(e.decode(e.encode(read))).as(e.id() + " from the stored gzip").isEqualTo(json);
            assertThat(e.decode(e.encode(staged))).as(e.id() + " from the text").isEqualTo(json);
        }
        assertThat(read.body()).isEqualTo(json);
        assertThat(read.utf8()).isEqualTo(json.getBytes(StandardCharsets.UTF_8));
    }

    /** The message body of a chunk with this JSON, as the delivery routes make it. */
    static Object encode(MessageEncoding e, String json) {
        return e.encode(new StagedChunk(1, "b-0001", "91530100MA6NX4QW2G", 1, json));
    }

    @Test
    void everyEncodingGivesBackTheChunkExactly() {
        String json = chunk(500);
        for (MessageEncoding e : MessageEncoding.values()) {
            assertThat(e.decode(encode(e, json))).as(e.id()).isEqualTo(json);
        }
        assertThat(encode(MessageEncoding.TEXT, json)).isSameAs(json);
        assertThat((byte[]) encode(MessageEncoding.UTF8, json)).isEqualTo(json.getBytes(StandardCharsets.UTF_8));
        assertThat(MessageEncoding.GZIP.decode(encode(MessageEncoding.GZIP, ""))).isEmpty();
    }

    @Test
    void gzipIsStandardGzipAndSmall() throws Exception {
        String json = chunk(500);
        byte[] gz = (byte[]) encode(MessageEncoding.GZIP, json);
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(json);
        }
        assertThat(gz.length).isLessThan(json.getBytes(StandardCharsets.UTF_8).length / 5);
    }

    @Test
    void gzipGivesTheSameBytesWhateverTheThreadAndHistory() throws Exception {
        String small = chunk(3);
        String large = chunk(500);
        byte[] expectedSmall = (byte[]) encode(MessageEncoding.GZIP, small);
        byte[] expectedLarge = (byte[]) encode(MessageEncoding.GZIP, large);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Boolean>> tasks = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                boolean big = i % 2 == 0;
                tasks.add(() -> java.util.Arrays.equals((byte[]) encode(MessageEncoding.GZIP, big ? large : small),
                        big ? expectedLarge : expectedSmall));
            }
            for (Future<Boolean> f : pool.invokeAll(tasks)) {
                assertThat(f.get()).isTrue();
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void theMessageTypeFollowsTheEncoding() {
        assertThat(MessageEncoding.TEXT.jmsMessageType()).isEqualTo("Text");
        assertThat(MessageEncoding.UTF8.jmsMessageType()).isEqualTo("Bytes");
        assertThat(MessageEncoding.GZIP.jmsMessageType()).isEqualTo("Bytes");
    }

    @Test
    void bothTargetsDefaultToTextThatIsContractV1() {
        RoutingProperties properties = bind(Map.of());
        assertThat(properties.encodingOf(Target.NATIONAL)).isEqualTo(MessageEncoding.TEXT);
        assertThat(properties.encodingOf(Target.PROVINCIAL)).isEqualTo(MessageEncoding.TEXT);
        DefaultCamelContext camel = new DefaultCamelContext();
        assertThat(new TargetSender(camel, properties).uri(Target.NATIONAL))
                .isEqualTo("jms:queue:energy.national?jmsMessageType=Text&deliveryPersistent=true");
    }

    @Test
    void eachTargetHasItsOwnEncodingAndMessageType() {
        RoutingProperties properties = bind(Map.of("hub.routing.national-encoding", "gzip",
                "hub.routing.provincial-encoding", " UTF8 "));
        assertThat(properties.encodingOf(Target.NATIONAL)).isEqualTo(MessageEncoding.GZIP);
        assertThat(properties.encodingOf(Target.PROVINCIAL)).isEqualTo(MessageEncoding.UTF8);
        TargetSender sender = new TargetSender(new DefaultCamelContext(), properties);
        assertThat(sender.uri(Target.NATIONAL)).isEqualTo("jms:queue:energy.national?jmsMessageType=Bytes&deliveryPersistent=true");
        assertThat(sender.uri(Target.PROVINCIAL)).isEqualTo("jms:queue:energy.provincial?jmsMessageType=Bytes&deliveryPersistent=true");
    }

    @Test
    void anUnknownEncodingIsRefusedNamingTheSettingAndTheAllowedValues() {
        assertThatThrownBy(() -> bind(Map.of("hub.routing.provincial-encoding", "zstd")))
                .isInstanceOf(BindException.class)
                .rootCause().isInstanceOfSatisfying(HubConfigurationException.class, e -> {
                    assertThat(e.setting()).isEqualTo("hub.routing.provincial-encoding");
                    assertThat(e.getMessage()).isEqualTo("hub.routing.provincial-encoding is 'zstd', not one of text, utf8, gzip");
                    assertThat(e.action()).startsWith("set hub.routing.provincial-encoding to one of text, utf8, gzip");
                });
        assertThatThrownBy(() -> new RoutingProperties().setNationalEncoding(""))
                .isInstanceOfSatisfying(HubConfigurationException.class,
                        e -> assertThat(e.setting()).isEqualTo("hub.routing.national-encoding"));
    }

    @Test
    void theQueueMessageCarriesTheEncodedBodyAndHubEncoding() {
        RoutingProperties properties = bind(Map.of("hub.routing.national-encoding", "gzip"));
        TargetDeliveryRoute route = new TargetDeliveryRoute(properties, null, null);
        String json = chunk(2);
        for (Target target : Target.values()) {
            Exchange exchange = new DefaultExchange(new DefaultCamelContext());
            exchange.setProperty(Headers.TARGET, target.id());
            exchange.setProperty(Headers.BATCH_ID, "b-1");
            exchange.setProperty(Headers.SOURCE, "ferry-inbox");
            exchange.getMessage().setHeader("stale", "dropped");
            exchange.getMessage().setBody(new StagedChunk(1, "b-1-0001", "91530100MA6NX4QW2G", 2, json));

            route.toQueueMessage(exchange);

            var m = exchange.getMessage();
            MessageEncoding expected = target == Target.NATIONAL ? MessageEncoding.GZIP : MessageEncoding.TEXT;
            assertThat(m.getHeader(MessageEncoding.PROPERTY)).isEqualTo(expected.id());
            assertThat(expected.decode(m.getBody())).isEqualTo(json);
            assertThat(m.getHeader(Headers.DUPLICATE_ID)).isEqualTo("b-1-0001:" + target.id());
            assertThat(m.getHeaders()).doesNotContainKey("stale");
        }
    }

    private static RoutingProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values))
                .bindOrCreate("hub.routing", Bindable.of(RoutingProperties.class));
    }
}

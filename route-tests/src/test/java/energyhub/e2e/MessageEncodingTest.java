package energyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import energyhub.HubApplication;
import energyhub.e2e.support.ExactlyOnce;
import energyhub.e2e.support.FerryPackage;
import energyhub.e2e.support.FreePort;
import energyhub.e2e.support.HubTest;
import energyhub.e2e.support.PlatformClient;
import energyhub.e2e.support.PlatformClient.Received;
import energyhub.e2e.support.RunningHub;
import energyhub.e2e.support.TestDatabase;
import energyhub.routing.BatchLedger;
import energyhub.routing.StagedChunk;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Queue contract v1.1 on the real broker: national configured {@code gzip}, provincial {@code utf8}.
 * A ferry package's records reach each queue once, as BytesMessages named by {@code hubEncoding},
 * whose decoded bodies are exactly the staged chunks a {@code text} target gets as its TextMessage
 * body; the other properties are as in v1. An operator's re-send, which delivery-sweep sends, goes
 * out in the same encoding. A hub of its own, since its settings differ from the shared test hub's.
 */
@CamelSpringBootTest
@SpringBootTest(classes = HubApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
class MessageEncodingTest extends RunningHub {

    private static final Logger log = LoggerFactory.getLogger(MessageEncodingTest.class);
    private static final Path DATA_DIR = tempDir("hub-encoding");
    private static final int BROKER_PORT = FreePort.next();
    private static final int RECORDS = 1200; // three chunks of one enterprise: 500, 500, 200

    @Autowired
    BatchLedger batchLedger;
    @Autowired
    EmbeddedActiveMQ broker;

    @DynamicPropertySource
    static void hubProperties(DynamicPropertyRegistry registry) {
        HubTest.hubProperties(DATA_DIR, BROKER_PORT).forEach((k, v) -> registry.add(k, () -> v));
        registry.add("hub.routing.national-encoding", () -> "gzip");
        registry.add("hub.routing.provincial-encoding", () -> "utf8");
        TestDatabase.create().ifPresent(url -> registry.add("spring.datasource.url", () -> url));
    }

    MessageEncodingTest() {
        super(DATA_DIR, BROKER_PORT);
    }

    @Test
    void eachTargetGetsItsEncodingAndEveryRecordOnce() throws Exception {
        FerryPackage pkg = FerryPackage.of().records(FerryPackage.ENTERPRISE, RECORDS)
                .records(FerryPackage.OTHER_ENTERPRISE, 3).dropInto(inbox());

        assertThat(awaitAck(pkg).get("status").asText()).isEqualTo("ACCEPTED");

        long pk = (Long) ledger.batch(pkg.batchId()).get("id");
        List<StagedChunk> staged = staged(pk);
        assertThat(staged).hasSize(4);
        List<Received> nationalCopies = national.browse(pkg.batchId());
        List<Received> provincialCopies = provincial.browse(pkg.batchId());
        assertMessages(nationalCopies, staged, "national", "gzip", "");
        assertMessages(provincialCopies, staged, "provincial", "utf8", "");

        // what the broker stores per record for each encoding (docs/queue-contract.md)
        long gzipBytes = persistentSize("energy.national");
        long utf8Bytes = persistentSize("energy.provincial");
        log.info("stored per record: gzip {} bytes, utf8 {} bytes", gzipBytes / (RECORDS + 3), utf8Bytes / (RECORDS + 3));
        assertThat(gzipBytes).isLessThan(utf8Bytes / 4);

        ExactlyOnce.assertAcceptedOnceInEachQueue(outbox(), List.of(pkg), RECORDS + 3, national, provincial);

        // the ledger keeps each body gzip-compressed (V5), not as text
        assertThat(ledger.jdbc().queryForObject("select count(*) from chunk where batch_pk = ? and body_text is null "
                + "and body_gzip is not null", Long.class, pk)).isEqualTo(staged.size());

        // an operator's re-send goes through delivery-sweep and the same chunk loop: the same encoding
        assertThat(batchLedger.resend(pk, "national")).contains(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> national.browse(pkg.batchId()).size() == staged.size());
        assertMessages(national.browse(pkg.batchId()), staged, "national", "gzip", ":resend-1");
        assertThat(provincial.browse(pkg.batchId())).isEmpty();
    }

    /**
     * An upgrade: a chunk staged as text by a hub before the ledger stored bodies compressed (V5) is still
     * delivered, in each target's encoding, with the same body. The rows are what that hub wrote.
     */
    @Test
    void aChunkStagedAsTextBeforeV5IsDeliveredInEachEncoding() throws Exception {
        String batchId = java.util.UUID.randomUUID().toString();
        String messageId = batchId + "-0001";
        String body = "{\"messageId\":\"" + messageId + "\",\"batchId\":\"" + batchId + "\",\"enterpriseCode\":\""
                + FerryPackage.ENTERPRISE + "\",\"source\":\"ferry-inbox\",\"records\":[{\"enterpriseCode\":\""
                + FerryPackage.ENTERPRISE + "\",\"regVersion\":\"1.0\",\"dicVersion\":\"1.0\",\"dataCode\":\"0000000002330001\","
                + "\"dataValue\":\"12.5\",\"valid\":\"1\",\"scope\":\"1\",\"inputType\":\"4\",\"statType\":\"1\","
                + "\"statDate\":\"2026-10-01 00:00:00\",\"uploadDate\":\"2026-10-02 01:00:00\"}]}";
        var jdbc = ledger.jdbc();
        long pk = jdbc.queryForObject("insert into batch (batch_id, source, status, received, accepted) "
                + "values (?, 'ferry-inbox', 'DELIVERING', 1, 1) returning id", Long.class, batchId);
        // its text body, in the column V5 renamed to body_text
        jdbc.update("insert into chunk (batch_pk, seq, message_id, enterprise_code, record_count, body_text) "
                + "values (?, 1, ?, ?, 1, ?)", pk, messageId, FerryPackage.ENTERPRISE, body);
        jdbc.update("insert into delivery (batch_pk, target, status) values (?, 'national', 'PENDING'), "
                + "(?, 'provincial', 'PENDING')", pk, pk);

        // delivery-sweep finds the pending deliveries
        await().atMost(Duration.ofSeconds(30)).until(() -> national.browse(batchId).size() == 1
                && provincial.browse(batchId).size() == 1);
        List<StagedChunk> staged = staged(pk);
        assertThat(staged).singleElement().satisfies(c -> assertThat(c.body()).isEqualTo(body));
        assertMessages(national.browse(batchId), staged, "national", "gzip", "");
        assertMessages(provincial.browse(batchId), staged, "provincial", "utf8", "");
        await().atMost(Duration.ofSeconds(30)).until(() -> "ACCEPTED".equals(ledger.batch(batchId).get("status")));
        // taken off the queues, so that the other test counts only its own package
        assertThat(national.drain(500)).extracting(PlatformClient.Received::batchId).contains(batchId);
        assertThat(provincial.drain(500)).extracting(PlatformClient.Received::batchId).contains(batchId);
    }

    private static void assertMessages(List<Received> copies, List<StagedChunk> staged, String target, String encoding,
            String suffix) {
        assertThat(copies).hasSize(staged.size());
        for (int i = 0; i < staged.size(); i++) {
            StagedChunk chunk = staged.get(i);
            Received m = copies.stream().filter(c -> c.chunk() == chunk.seq()).findFirst().orElseThrow();
            assertThat(m.messageType()).as("JMS message type").isEqualTo("Bytes");
            assertThat(m.encoding()).isEqualTo(encoding);
            // the decoded body is, to the character, the body a text target gets
            assertThat(m.body()).isEqualTo(chunk.body());
            assertThat(m.records()).isEqualTo(chunk.recordCount());
            assertThat(m.recordCount()).isEqualTo(chunk.recordCount());
            assertThat(m.enterpriseCode()).isEqualTo(chunk.enterpriseCode());
            assertThat(m.target()).isEqualTo(target);
            assertThat(m.source()).isEqualTo("ferry-inbox");
            assertThat(m.duplicateId()).isEqualTo(chunk.messageId() + ":" + target + suffix);
        }
    }

    private List<StagedChunk> staged(long pk) {
        List<StagedChunk> out = new ArrayList<>();
        batchLedger.chunks(pk).forEachRemaining(out::add);
        return out;
    }

    private long persistentSize(String queue) {
        return broker.getActiveMQServer().locateQueue(SimpleString.of(queue)).getPersistentSize();
    }
}

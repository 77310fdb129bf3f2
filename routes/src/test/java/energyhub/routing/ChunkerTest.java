package energyhub.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import energyhub.standard.EnergyRecord;
import energyhub.standard.RecordCodec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The chunks of a batch: per enterprise, at most so many records and characters, at most so many open at
 * once, numbered in the order they close, each body the queue message of contracts section 3 whose
 * records are the codec's canonical form of each accepted record, in order.
 */
class ChunkerTest {

    private static final String BATCH = "5f0c3e0e-1111-2222-3333-444455556666";
    private final RecordCodec codec = new RecordCodec();
    private final ObjectMapper json = new ObjectMapper();
    private final List<StagedChunk> out = new ArrayList<>();

    private static EnergyRecord record(String enterprise, int i) {
        return new EnergyRecord(enterprise, "1.0", "1.0", "00000000023300" + String.format("%02d", i % 100),
                i + ".5", i % 2 == 0 ? "1.229" : null, "1", "1", "4", "1",
                String.format("2026-10-%02d 00:00:00", 1 + i % 28), "2026-11-01 01:10:05");
    }

    private Chunker chunker(int maxRecords, int maxChars, int maxOpen) {
        return new Chunker(codec.mapper(), BATCH, "ferry-inbox", maxRecords, maxChars, maxOpen, out::add);
    }

    private void add(Chunker chunker, EnergyRecord record) {
        chunker.add(record.enterpriseCode(), codec.write(record));
    }

    @Test
    void theBodyIsTheContractMessageWithEachRecordInCanonicalForm() throws Exception {
        Chunker chunker = chunker(500, 200_000, 256);
        List<EnergyRecord> records = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            records.add(record("91530100MA6NX4QW2G", i));
        }
        // one value to escape: written through Jackson, inside the same body
        records.add(record("91530100MA6NX4QW2G", 3).withConvertRation("1.2\"29\\"));
        records.forEach(r -> add(chunker, r));
        chunker.finish();

        assertThat(out).hasSize(1);
        StagedChunk chunk = out.get(0);
        assertThat(chunk.seq()).isEqualTo(1);
        assertThat(chunk.messageId()).isEqualTo(BATCH + "-0001");
        assertThat(chunk.recordCount()).isEqualTo(4);
        assertThat(chunk.body()).isEqualTo("{\"messageId\":\"" + BATCH + "-0001\",\"batchId\":\"" + BATCH
                + "\",\"enterpriseCode\":\"91530100MA6NX4QW2G\",\"source\":\"ferry-inbox\",\"records\":["
                + String.join(",", records.stream().map(codec::write).toList()) + "]}");
        JsonNode body = json.readTree(chunk.body());
        assertThat(body.get("records")).hasSize(4);
        assertThat(body.get("records").get(3).get("convertRation").asText()).isEqualTo("1.2\"29\\");
        assertThat(body.get("records").get(1).has("convertRation")).isFalse(); // absent stays absent
    }

    @Test
    void aChunkClosesAtMaxRecordsAndTheRestFollowInOrder() throws Exception {
        Chunker chunker = chunker(500, 200_000, 256);
        for (int i = 0; i < 1200; i++) {
            add(chunker, record("91530100MA6NX4QW2G", i));
        }
        chunker.finish();

        assertThat(out).extracting(StagedChunk::recordCount).containsExactly(500, 500, 200);
        assertThat(out).extracting(StagedChunk::messageId)
                .containsExactly(BATCH + "-0001", BATCH + "-0002", BATCH + "-0003");
        List<String> dataValues = new ArrayList<>();
        for (StagedChunk c : out) {
            json.readTree(c.body()).get("records").forEach(r -> dataValues.add(r.get("dataValue").asText()));
        }
        assertThat(dataValues).hasSize(1200).startsWith("0.5", "1.5").endsWith("1199.5");
    }

    @Test
    void aRecordThatWouldPassMaxCharsOpensTheNextChunk() throws Exception {
        int length = codec.write(record("91530100MA6NX4QW2G", 10)).length(); // records 10..19 have equal length
        int maxChars = 3 * length + 2 + length / 2; // three records and their two commas fit, a fourth does not
        Chunker chunker = chunker(500, maxChars, 256);
        for (int i = 10; i < 17; i += 2) { // even: all with a convertRation, the same length
            add(chunker, record("91530100MA6NX4QW2G", i));
        }
        chunker.finish();

        assertThat(out).extracting(StagedChunk::recordCount).containsExactly(3, 1);
        for (StagedChunk c : out) {
            String records = json.readTree(c.body()).get("records").toString();
            assertThat(records.length() - 2).isLessThanOrEqualTo(maxChars); // without the brackets
            assertThat(json.readTree(c.body()).get("records")).hasSize(c.recordCount());
        }
        assertThat(json.readTree(out.get(1).body()).get("records").get(0).get("dataValue").asText()).isEqualTo("16.5");
    }

    @Test
    void atMostMaxOpenChunksAreOpenTheOldestClosesFirst() throws Exception {
        Chunker chunker = chunker(500, 200_000, 2);
        add(chunker, record("91530100AAAAAAAAAA", 1));
        add(chunker, record("91530100BBBBBBBBBB", 2));
        add(chunker, record("91530100CCCCCCCCCC", 3)); // closes A's chunk
        add(chunker, record("91530100BBBBBBBBBB", 4));
        chunker.finish(); // B, then C: the order they first appeared

        assertThat(out).extracting(StagedChunk::enterpriseCode)
                .containsExactly("91530100AAAAAAAAAA", "91530100BBBBBBBBBB", "91530100CCCCCCCCCC");
        assertThat(out).extracting(StagedChunk::recordCount).containsExactly(1, 2, 1);
        assertThat(out).extracting(StagedChunk::seq).containsExactly(1, 2, 3);
    }
}

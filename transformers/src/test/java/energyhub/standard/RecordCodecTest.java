package energyhub.standard;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static energyhub.standard.Fixtures.CONTRACT_EXAMPLE;
import static energyhub.standard.Fixtures.CONTRACT_EXAMPLE_JSON;
import static energyhub.standard.Fixtures.codes;
import static org.assertj.core.api.Assertions.assertThat;

class RecordCodecTest {

    private final RecordCodec codec = new RecordCodec();

    @Test
    void parsesTheContractExample() {
        ParsedLine parsed = codec.parse(CONTRACT_EXAMPLE_JSON);
        assertThat(parsed.errors()).isEmpty();
        assertThat(parsed.record()).isEqualTo(CONTRACT_EXAMPLE);
    }

    @Test
    void roundTripKeepsSpellingAndFieldOrder() {
        String written = codec.write(codec.parse(CONTRACT_EXAMPLE_JSON).record());
        assertThat(written).isEqualTo(CONTRACT_EXAMPLE_JSON);
        assertThat(written).contains("\"convertRation\":\"1.229\"").doesNotContain("convertRatio\"");
    }

    @Test
    void writesNoNullsAndKeepsOrderOfTheRest() {
        EnergyRecord sparse = new EnergyRecord("91530100MA6NX4QW2G", null, null, "0000000002330001", "1", null,
                null, null, null, "1", null, "2026-11-24 01:10:05");
        assertThat(codec.write(sparse)).isEqualTo("{\"enterpriseCode\":\"91530100MA6NX4QW2G\","
                + "\"dataCode\":\"0000000002330001\",\"dataValue\":\"1\",\"statType\":\"1\","
                + "\"uploadDate\":\"2026-11-24 01:10:05\"}");
        assertThat(codec.parse(codec.write(sparse)).record()).isEqualTo(sparse);
    }

    @Test
    void mapperWritesRecordsIdenticallyInsideLargerDocuments() throws Exception {
        ObjectMapper mapper = codec.mapper();
        assertThat(mapper.writeValueAsString(CONTRACT_EXAMPLE)).isEqualTo(codec.write(CONTRACT_EXAMPLE));
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("records", List.of(CONTRACT_EXAMPLE));
        assertThat(mapper.writeValueAsString(envelope)).isEqualTo("{\"records\":[" + CONTRACT_EXAMPLE_JSON + "]}");
        // key() and withConvertRation() are methods, not properties
        assertThat(mapper.writeValueAsString(CONTRACT_EXAMPLE)).doesNotContain("key");
    }

    @Test
    void mapperIsACopySoCallersCannotReconfigureTheCodec() {
        codec.mapper().enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
        assertThat(codec.write(CONTRACT_EXAMPLE)).isEqualTo(CONTRACT_EXAMPLE_JSON);
        assertThat(codec.mapper().getFactory().streamReadConstraints().getMaxNestingDepth())
                .isEqualTo(RecordCodec.MAX_NESTING_DEPTH);
    }

    @Test
    void ignoresUnknownFieldsAndLeavesAbsentFieldsNull() {
        ParsedLine parsed = codec.parse("{\"dataValue\":\"7\",\"extra\":{\"a\":[1,2,{\"b\":null}]},\"n\":3}");
        assertThat(parsed.errors()).isEmpty();
        assertThat(parsed.record()).isEqualTo(new EnergyRecord(null, null, null, null, "7", null, null, null, null,
                null, null, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{",
            "not json",
            "{\"dataValue\":\"1\"",
            "{\"dataValue\":'1'}",
            "{\"dataValue\":\"1\"} {}",              // trailing content
            "{\"dataValue\":\"1\",\"dataValue\":\"2\"}", // duplicate field: readers could disagree
            "{\"dataValue\":\"1\",}",
            "",
            "   "})
    void rejectsBadJson(String line) {
        ParsedLine parsed = codec.parse(line);
        assertThat(parsed.record()).isNull();
        assertThat(codes(parsed.errors())).containsExactly(":BAD_JSON");
        assertThat(parsed.errors().get(0).message()).startsWith("line ")
                .doesNotContain("com.fasterxml", "[Source", "\n");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "[]                 | array",
            "[{}]               | array",
            "\"text\"           | string",
            "42                 | number",
            "null               | null",
            "true               | boolean"})
    void rejectsNonObjects(String line, String type) {
        ParsedLine parsed = codec.parse(line);
        assertThat(parsed.record()).isNull();
        assertThat(codes(parsed.errors())).containsExactly(":BAD_JSON");
        assertThat(parsed.errors().get(0).message()).contains("is a JSON " + type + ", expected one JSON object");
    }

    @Test
    void rejectsDeepNestingEvenInUnknownFields() {
        String deep = "[".repeat(RecordCodec.MAX_NESTING_DEPTH + 1) + "]".repeat(RecordCodec.MAX_NESTING_DEPTH + 1);
        ParsedLine parsed = codec.parse("{\"x\":" + deep + "}");
        assertThat(codes(parsed.errors())).containsExactly(":BAD_JSON");
        assertThat(parsed.errors().get(0).message()).contains("nesting depth");
    }

    @Test
    void badJsonMessageEscapesControlCharacters() {
        ParsedLine parsed = codec.parse("{\n\"a\":x}");
        assertThat(parsed.errors().get(0).message()).doesNotContain("\n").contains("\\u000a");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"dataValue\":12345.6}                  | dataValue     | 12345.6 | number",
            "{\"dataValue\":12}                       | dataValue     | 12      | number",
            "{\"statType\":1}                         | statType      | 1       | number",
            "{\"valid\":true}                         | valid         | true    | boolean",
            "{\"convertRation\":null}                 | convertRation | null    | null",
            "{\"scope\":[\"1\"]}                      | scope         | [\"1\"] | array",
            "{\"enterpriseCode\":{\"v\":\"x\"}}       | enterpriseCode | {\"v\":\"x\"} | object"})
    void rejectsValuesThatAreNotStrings(String line, String field, String shown, String type) {
        ParsedLine parsed = codec.parse(line);
        assertThat(parsed.record()).isNull();
        assertThat(parsed.errors()).containsExactly(new RecordError(field, "NOT_A_STRING",
                field + " \"" + shown + "\" is a JSON " + type + ", every value must be a JSON string"));
    }

    @Test
    void reportsEveryNonStringField() {
        ParsedLine parsed = codec.parse("{\"dataValue\":1,\"valid\":\"1\",\"statType\":1,\"uploadDate\":false}");
        assertThat(codes(parsed.errors()))
                .containsExactly("dataValue:NOT_A_STRING", "statType:NOT_A_STRING", "uploadDate:NOT_A_STRING");
    }

    @ParameterizedTest
    @CsvSource({"100, 100, true", "100, 101, false", "8192, 8192, true", "8192, 8193, false"})
    void limitsLineLength(int limit, int length, boolean accepted) {
        RecordCodec limited = limit == RecordCodec.DEFAULT_MAX_LINE_CHARS ? new RecordCodec() : new RecordCodec(limit);
        String prefix = "{\"dataValue\":\"1\",\"pad\":\"";
        String line = prefix + "x".repeat(length - prefix.length() - 2) + "\"}";
        assertThat(line).hasSize(length);
        ParsedLine parsed = limited.parse(line);
        if (accepted) {
            assertThat(parsed.errors()).isEmpty();
        } else {
            assertThat(codes(parsed.errors())).containsExactly(":LINE_TOO_LONG");
            assertThat(parsed.errors().get(0).message()).contains(length + " characters, the limit is " + limit);
        }
    }

    @Test
    void isSafeToShareBetweenThreads() {
        List<EnergyRecord> parsed = IntStream.range(0, 2000).parallel()
                .mapToObj(i -> codec.parse(codec.write(Fixtures.with("dataValue", Integer.toString(i)))).record())
                .toList();
        assertThat(parsed).extracting(EnergyRecord::dataValue)
                .containsExactlyElementsOf(IntStream.range(0, 2000).mapToObj(Integer::toString).toList());
    }

    @Test
    void keyIsTheDeduplicationIdentity() {
        assertThat(CONTRACT_EXAMPLE.key())
                .isEqualTo(new RecordKey("91530100MA6NX4QW2G", "0000000002330001", "1", "2026-11-23 00:00:00"));
        // uploadDate and value are the version, not the identity
        assertThat(Fixtures.with("uploadDate", "2026-11-24 02:00:00").key()).isEqualTo(CONTRACT_EXAMPLE.key());
        assertThat(Fixtures.with("dataValue", "1").key()).isEqualTo(CONTRACT_EXAMPLE.key());
        assertThat(Fixtures.with("statType", "0").key()).isNotEqualTo(CONTRACT_EXAMPLE.key());
    }

    @Test
    void withConvertRationChangesOnlyThatField() {
        EnergyRecord changed = CONTRACT_EXAMPLE.withConvertRation("4.04");
        assertThat(changed).isEqualTo(Fixtures.with("convertRation", "4.04"));
        assertThat(CONTRACT_EXAMPLE.convertRation()).isEqualTo("1.229");
    }

    @Test
    void theHandReadLinesGiveWhatJacksonGives() {
        // parse() reads the commonest shape by hand and leaves every other line to Jackson: on lines written
        // canonically and then damaged in the ways senders and attackers damage them, both must agree
        java.util.Random random = new java.util.Random(11);
        String[] pieces = {"a", "9", "-", " ", ":", ",", "{", "}", "\u00e9", "中", "\"", "\\", "\\\"", "\\u0041", "\t"};
        String[] damage = {" ", "\"", ",", ":", "}", "{", "\\", "\"x\":\"1\",", "\"dataValue\":\"2\",", "null", "\u0001",
                "\"scope\":1,", "[", "]", "\uFEFF", "\"statType\":", "\"enterpriseCode\""};
        int simple = 0;
        for (int n = 0; n < 100_000; n++) {
            String[] v = new String[12];
            for (int f = 0; f < v.length; f++) {
                if (random.nextInt(6) > 0) {
                    StringBuilder b = new StringBuilder();
                    for (int i = random.nextInt(6); i > 0; i--) {
                        b.append(pieces[random.nextInt(n % 5 == 0 ? pieces.length : 10)]);
                    }
                    v[f] = b.toString();
                }
            }
            String line = codec.write(new EnergyRecord(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9],
                    v[10], v[11]));
            for (int d = n % 3 == 0 ? random.nextInt(3) : 0; d > 0; d--) {
                int at = random.nextInt(line.length() + 1);
                line = random.nextBoolean() || line.isEmpty() ? line.substring(0, at) + damage[random.nextInt(damage.length)]
                        + line.substring(at) : line.substring(0, at) + line.substring(Math.min(line.length(), at + 1));
            }
            if (RecordCodec.parseSimple(line) != null) {
                simple++;
            }
            assertThat(codec.parse(line)).as("line %s", line).isEqualTo(codec.parseWithJackson(line));
        }
        assertThat(simple).as("lines read by hand").isGreaterThan(50_000);
    }

    @Test
    void theDirectWriteIsDatabindsOnRandomRecords() throws Exception {
        // write() appends values with nothing to escape directly and leaves the rest to Jackson: both paths
        // must give databind's characters, whatever the values hold
        var databind = codec.mapper().writerFor(EnergyRecord.class);
        java.util.Random random = new java.util.Random(5);
        String[] pieces = {"a", "Z", "0", "9", "-", ".", ":", " ", "/", "<", "\u007f", "\u00e9", "中", "\u2028",
                "\ud83d\ude00", "\"", "\\", "\t", "\n", "\u0001", "\u001f"};
        for (int n = 0; n < 100_000; n++) {
            String[] v = new String[12];
            for (int f = 0; f < v.length; f++) {
                int len = random.nextInt(8) - 1; // -1: the field is absent
                if (len >= 0) {
                    StringBuilder b = new StringBuilder();
                    // most records have nothing to escape, as in real data; some have
                    int alphabet = n % 4 == 0 ? pieces.length : 15;
                    for (int i = 0; i < len; i++) {
                        b.append(pieces[random.nextInt(alphabet)]);
                    }
                    v[f] = b.toString();
                }
            }
            EnergyRecord r = new EnergyRecord(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11]);
            assertThat(codec.write(r)).isEqualTo(databind.writeValueAsString(r));
        }
    }

    @Test
    void writesTheBytesDatabindWouldWrite() throws Exception {
        var databind = codec.mapper().writerFor(EnergyRecord.class);
        String[] tricky = {"plain", "quote \" and \\ back", "tab\tnew\nline\u0001", "中文 ✓ 😀", "</script>", ""};
        for (String t : tricky) {
            EnergyRecord r = new EnergyRecord(t, "1.0", null, t, "1.5", t, "1", null, "4", "1", t, "2026-11-24 01:10:05");
            assertThat(codec.write(r)).isEqualTo(databind.writeValueAsString(r));
            assertThat(codec.parse(codec.write(r)).record()).isEqualTo(r);
        }
        EnergyRecord empty = new EnergyRecord(null, null, null, null, null, null, null, null, null, null, null, null);
        assertThat(codec.write(empty)).isEqualTo(databind.writeValueAsString(empty)).isEqualTo("{}");
    }

    @Test
    void readsFieldsInAnyOrderAndSkipsUnknownOnesOfAnyShape() {
        String shuffled = "{\"statType\":\"1\",\"x\":{\"a\":[1,{\"b\":null}]},\"enterpriseCode\":\"E\","
                + "\"y\":[true,false],\"z\":3.5,\"dataValue\":\"1.5\"}";
        ParsedLine parsed = codec.parse(shuffled);
        assertThat(parsed.errors()).isEmpty();
        assertThat(parsed.record()).isEqualTo(new EnergyRecord("E", null, null, null, "1.5", null, null, null, null,
                "1", null, null));
        // the same field twice, a known field of another type, and trailing tokens are errors, as always
        assertThat(codec.parse("{\"dataValue\":\"1\",\"dataValue\":\"2\"}").errors())
                .singleElement().satisfies(e -> assertThat(e.code()).isEqualTo("BAD_JSON"));
        assertThat(codec.parse("{\"dataValue\":1}").errors())
                .singleElement().satisfies(e -> assertThat(e.code()).isEqualTo("NOT_A_STRING"));
        assertThat(codec.parse("{\"dataValue\":\"1\"} {}").errors())
                .singleElement().satisfies(e -> assertThat(e.code()).isEqualTo("BAD_JSON"));
    }
}

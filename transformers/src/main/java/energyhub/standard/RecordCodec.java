package energyhub.standard;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.SegmentedStringWriter;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Reads and writes one canonical record per JSON line. Parsing checks the shape only (an object whose
 * known fields are strings); {@link RecordValidator} checks the values. Immutable and thread-safe.
 */
public final class RecordCodec {

    public static final int DEFAULT_MAX_LINE_CHARS = 8192;
    /** A record is depth 1; anything deeper is either an unknown field or an attack. */
    static final int MAX_NESTING_DEPTH = 8;
    static final int MAX_NUMBER_CHARS = 64;
    static final int MAX_NAME_CHARS = 256;

    private final int maxLineChars;
    private final ObjectMapper mapper;

    public RecordCodec() {
        this(DEFAULT_MAX_LINE_CHARS);
    }

    public RecordCodec(int maxLineChars) {
        if (maxLineChars < 1) {
            throw new IllegalArgumentException("maxLineChars must be positive: " + maxLineChars);
        }
        this.maxLineChars = maxLineChars;
        // Jackson's defaults allow 500-deep nesting and 20 M-char strings; a record needs neither.
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .maxStringLength(maxLineChars)
                        .maxNumberLength(MAX_NUMBER_CHARS)
                        .maxNameLength(MAX_NAME_CHARS)
                        .build())
                // two values for one field would let two readers disagree on the record
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        this.mapper = JsonMapper.builder(factory)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }

    public int maxLineChars() {
        return maxLineChars;
    }

    /** Parses one line; never throws for bad input, it returns the errors instead. */
    public ParsedLine parse(String jsonLine) {
        if (jsonLine == null) {
            return failed(new RecordError("", "BAD_JSON", "line is absent"));
        }
        if (jsonLine.length() > maxLineChars) {
            return failed(new RecordError("", "LINE_TOO_LONG", "line " + RecordError.shown(jsonLine) + " has "
                    + jsonLine.length() + " characters, the limit is " + maxLineChars));
        }
        ParsedLine simple = parseSimple(jsonLine);
        return simple != null ? simple : parseWithJackson(jsonLine);
    }

    /** {@link #parse} by Jackson alone, for a line of any shape (package-private: tests compare the two). */
    ParsedLine parseWithJackson(String jsonLine) {
        ParsedLine plain = parsePlain(jsonLine);
        if (plain != null) {
            return plain;
        }
        JsonNode node;
        try {
            node = mapper.readTree(jsonLine);
        } catch (JacksonException e) {
            return failed(new RecordError("", "BAD_JSON", "line " + RecordError.shown(jsonLine)
                    + " is not valid JSON: " + jacksonReason(e)));
        }
        if (node == null || node.isMissingNode()) {
            return failed(new RecordError("", "BAD_JSON", "line is empty, expected one JSON object"));
        }
        if (!node.isObject()) {
            return failed(new RecordError("", "BAD_JSON", "line " + RecordError.shown(jsonLine) + " is a JSON "
                    + typeName(node) + ", expected one JSON object"));
        }
        List<RecordError> errors = new ArrayList<>();
        String[] values = new String[EnergyRecord.FIELDS.size()];
        for (int i = 0; i < values.length; i++) {
            String field = EnergyRecord.FIELDS.get(i);
            JsonNode value = node.get(field);
            if (value == null) {
                continue; // absent: the validator decides whether that is allowed
            }
            if (value.isTextual()) {
                values[i] = value.textValue();
            } else {
                // JSON null is not a string either: the contract says every value is a string
                errors.add(new RecordError(field, "NOT_A_STRING", field + " " + RecordError.shown(value.toString())
                        + " is a JSON " + typeName(value) + ", every value must be a JSON string"));
            }
        }
        if (!errors.isEmpty()) {
            return new ParsedLine(null, errors);
        }
        return new ParsedLine(EnergyRecord.of(values), List.of());
    }

    /**
     * The commonest line of all, read by hand: {@code {"name":"value",...}} with known names only, each at
     * most once, values that are strings with nothing escaped and no control character, no whitespace and
     * nothing after the object. This is how records are written (by this codec, and by senders' JSON
     * libraries in compact mode); Jackson's parser set-up and symbol table were 12 % of the hub's CPU for it.
     * Any other line returns null and is read by Jackson ({@link #parseWithJackson}), which gives the same
     * record for every line this accepts ({@code RecordCodecTest} compares the two on random lines).
     */
    static ParsedLine parseSimple(String s) {
        int n = s.length();
        if (n < 2 || s.charAt(0) != '{' || s.charAt(n - 1) != '}' || n == 2) {
            return null;
        }
        String[] values = new String[EnergyRecord.FIELDS.size()];
        int i = 1;
        while (true) {
            if (s.charAt(i) != '"') {
                return null;
            }
            int nameEnd = s.indexOf('"', i + 1);
            if (nameEnd < 0) {
                return null;
            }
            int field = fieldIndex(s, i + 1, nameEnd);
            if (field < 0 || values[field] != null) {
                return null; // an unknown field (Jackson skips it, whatever it holds) or a duplicate (an error)
            }
            int from = nameEnd + 3;
            if (from >= n || s.charAt(nameEnd + 1) != ':' || s.charAt(nameEnd + 2) != '"') {
                return null;
            }
            int to = from;
            for (char c; to < n && (c = s.charAt(to)) != '"'; to++) {
                if (c == '\\' || c < 0x20) {
                    return null;
                }
            }
            if (to >= n) {
                return null;
            }
            values[field] = s.substring(from, to);
            i = to + 1;
            if (i == n - 1) {
                break; // the closing brace, and nothing after it
            }
            if (s.charAt(i) != ',') {
                return null;
            }
            i++;
        }
        return new ParsedLine(EnergyRecord.of(values), List.of());
    }

    /** The position in {@link EnergyRecord#FIELDS} of the name between {@code from} and {@code to}, or -1. */
    private static int fieldIndex(String s, int from, int to) {
        int length = to - from;
        for (int i = 0; i < EnergyRecord.FIELDS.size(); i++) {
            String name = EnergyRecord.FIELDS.get(i);
            if (name.length() == length && s.startsWith(name, from)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The common case, read token by token without building a tree: one object whose known fields are all
     * strings, nothing after it. Anything else (bad JSON, a duplicate field, a value of another type, trailing
     * tokens) returns null and is read again by the tree above, which gives every error its one wording.
     */
    private ParsedLine parsePlain(String jsonLine) {
        String[] values = new String[EnergyRecord.FIELDS.size()];
        try (JsonParser p = mapper.getFactory().createParser(jsonLine)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                if (t != JsonToken.FIELD_NAME) {
                    return null;
                }
                int field = fieldIndex(p.currentName());
                JsonToken value = p.nextToken();
                if (field < 0) {
                    p.skipChildren(); // an unknown field: ignored, as the tree reading ignores it
                } else if (value == JsonToken.VALUE_STRING) {
                    values[field] = p.getText();
                } else {
                    return null;
                }
            }
            if (p.nextToken() != null) {
                return null;
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return new ParsedLine(EnergyRecord.of(values), List.of());
    }

    /** The position of a wire field name in {@link EnergyRecord#FIELDS}, or -1. */
    private static int fieldIndex(String name) {
        return fieldIndex(name, 0, name.length());
    }

    /** Compact JSON, fields in contract order, absent (null) fields omitted. */
    public String write(EnergyRecord record) {
        Objects.requireNonNull(record, "record");
        if (needsEscaping(record)) {
            return writeEscaped(record);
        }
        // nothing to escape (nearly every record the validator accepts): the characters Jackson writes for
        // plain strings, appended directly; Jackson's escaping loop and generator set-up were 8 % of the CPU
        StringBuilder out = new StringBuilder(320).append('{');
        for (int f = 0; f < EnergyRecord.FIELDS.size(); f++) {
            plain(out, EnergyRecord.FIELDS.get(f), record.value(f));
        }
        return out.append('}').toString();
    }

    private static void plain(StringBuilder out, String name, String value) {
        if (value != null) {
            if (out.length() > 1) {
                out.append(',');
            }
            out.append('"').append(name).append("\":\"").append(value).append('"');
        }
    }

    /** Whether a value holds what JSON escapes: a quote, a backslash or a control character (below U+0020). */
    private static boolean needsEscaping(EnergyRecord r) {
        for (int f = 0; f < EnergyRecord.FIELDS.size(); f++) {
            if (needsEscaping(r.value(f))) {
                return true;
            }
        }
        return false;
    }

    private static boolean needsEscaping(String value) {
        if (value == null) {
            return false;
        }
        for (int i = 0, n = value.length(); i < n; i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\') {
                return true;
            }
        }
        return false;
    }

    /**
     * {@link #write} through Jackson's generator, for the rare record with a value to escape: the characters
     * databind would write (the same escaping, order and omissions), into the pooled writer its
     * writeValueAsString uses.
     */
    private String writeEscaped(EnergyRecord record) {
        JsonFactory factory = mapper.getFactory();
        BufferRecycler recycler = factory._getBufferRecycler();
        try {
            SegmentedStringWriter out = new SegmentedStringWriter(recycler);
            try (JsonGenerator g = factory.createGenerator(out)) {
                g.writeStartObject();
                for (int f = 0; f < EnergyRecord.FIELDS.size(); f++) {
                    field(g, EnergyRecord.FIELDS.get(f), record.value(f));
                }
                g.writeEndObject();
            }
            return out.getAndClear();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a record", e); // only strings, written into memory
        } finally {
            recycler.releaseToPool();
        }
    }

    private static void field(JsonGenerator g, String name, String value) throws IOException {
        if (value != null) {
            g.writeStringField(name, value);
        }
    }

    /**
     * A copy of the configured mapper, for writing records inside larger documents (records come out
     * exactly as {@link #write} writes them). Reading through it applies the same limits. A copy, so that
     * a caller's configuration changes cannot affect this codec or other callers; keep it rather than
     * calling this per message.
     */
    public ObjectMapper mapper() {
        return mapper.copy();
    }

    private static ParsedLine failed(RecordError error) {
        return new ParsedLine(null, List.of(error));
    }

    private static String typeName(JsonNode node) {
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    /** Jackson's own reason, without its source excerpt, cut short and free of control characters. */
    private static String jacksonReason(JacksonException e) {
        String reason = Objects.requireNonNullElse(e.getOriginalMessage(), e.getClass().getSimpleName());
        for (String noise : new String[] {"\n", " (start marker", " (bound as", " at [Source"}) {
            int at = reason.indexOf(noise); // Jackson's internals mean nothing to a sender
            if (at > 0) {
                reason = reason.substring(0, at);
            }
        }
        if (reason.length() > 160) {
            reason = reason.substring(0, 160) + "…";
        }
        reason = reason.replaceAll("\\p{Cntrl}", "?");
        if (e.getLocation() != null && e.getLocation().getColumnNr() > 0) {
            reason += " (column " + e.getLocation().getColumnNr() + ")";
        }
        return reason;
    }
}

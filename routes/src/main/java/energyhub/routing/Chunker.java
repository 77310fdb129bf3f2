package energyhub.routing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Groups the accepted records of one batch into per-enterprise queue messages of at most
 * {@code maxRecords} records and {@code maxChars} characters. The same input always gives the
 * same chunks with the same message ids, which is what lets the broker drop a resend.
 * Memory is bounded: at most {@code maxOpen} chunks are open at once; the oldest is closed early.
 */
final class Chunker {

    private final ObjectMapper mapper;
    private final String batchId;
    private final String source;
    private final int maxRecords;
    private final int maxChars;
    private final int maxOpen;
    private final Consumer<StagedChunk> sink;
    private final Map<String, Open> open = new LinkedHashMap<>();
    private int seq;

    private static final class Open {
        final List<String> records = new ArrayList<>();
        int chars;
    }

    Chunker(ObjectMapper mapper, String batchId, String source, int maxRecords, int maxChars, int maxOpen,
            Consumer<StagedChunk> sink) {
        this.mapper = mapper;
        this.batchId = batchId;
        this.source = source;
        this.maxRecords = maxRecords;
        this.maxChars = maxChars;
        this.maxOpen = maxOpen;
        this.sink = sink;
    }

    /** Adds one record, already written as canonical JSON. */
    void add(String enterpriseCode, String recordJson) {
        Open chunk = open.get(enterpriseCode);
        if (chunk != null && chunk.chars + recordJson.length() + 1 > maxChars) {
            close(enterpriseCode);
            chunk = null;
        }
        if (chunk == null) {
            if (open.size() >= maxOpen) {
                close(open.keySet().iterator().next());
            }
            chunk = new Open();
            open.put(enterpriseCode, chunk);
        }
        chunk.records.add(recordJson);
        chunk.chars += recordJson.length() + 1;
        if (chunk.records.size() >= maxRecords) {
            close(enterpriseCode);
        }
    }

    /** Closes every open chunk, in the order the enterprises first appeared. */
    void finish() {
        for (Iterator<String> it = new ArrayList<>(open.keySet()).iterator(); it.hasNext(); ) {
            close(it.next());
        }
    }

    private void close(String enterpriseCode) {
        Open chunk = open.remove(enterpriseCode);
        seq++;
        String messageId = messageId(batchId, seq);
        StringBuilder body = new StringBuilder(chunk.chars + 256);
        body.append("{\"messageId\":").append(quote(messageId))
                .append(",\"batchId\":").append(quote(batchId))
                .append(",\"enterpriseCode\":").append(quote(enterpriseCode))
                .append(",\"source\":").append(quote(source))
                .append(",\"records\":[").append(String.join(",", chunk.records)).append("]}");
        sink.accept(new StagedChunk(seq, messageId, enterpriseCode, chunk.records.size(), body.toString()));
    }

    static String messageId(String batchId, int seq) {
        return batchId + "-" + String.format("%04d", seq);
    }

    private String quote(String s) {
        try {
            return mapper.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

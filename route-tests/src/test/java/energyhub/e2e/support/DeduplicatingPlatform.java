package energyhub.e2e.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A platform's own store behind its consumer, as docs/queue-contract.md asks of it: each chunk kept once, keyed
 * by ({@code hubBatchId}, {@code hubChunk}); a chunk it already holds (a restored broker journal, a re-delivered
 * range) is dropped and counted. It outlives the consumer's connections, as a platform's database outlives a
 * restart of the hub.
 */
public final class DeduplicatingPlatform {

    private final Map<String, PlatformClient.Received> held = new LinkedHashMap<>();
    private final List<String> dropped = new ArrayList<>();

    /** Stores each message's chunk unless it is held already, in which case the message is dropped. */
    public void take(List<PlatformClient.Received> messages) {
        for (PlatformClient.Received m : messages) {
            String key = key(m.batchId(), m.chunk());
            if (held.putIfAbsent(key, m) != null) {
                dropped.add(key);
            }
        }
    }

    public static String key(String batchId, int chunk) {
        return batchId + "/" + chunk;
    }

    /** The chunks held, as {@code hubBatchId/hubChunk}. */
    public Set<String> chunks() {
        return Collections.unmodifiableSet(held.keySet());
    }

    /** The repeats dropped, as {@code hubBatchId/hubChunk}, in the order they came. */
    public List<String> dropped() {
        return Collections.unmodifiableList(dropped);
    }

    /**
     * How many times each record (batch, enterprise, data code, period) occurs in the chunks held, by batch: a
     * record held twice counts 2.
     */
    public Map<String, Map<String, Integer>> recordsByBatch() {
        Map<String, Map<String, Integer>> out = new HashMap<>();
        for (PlatformClient.Received m : held.values()) {
            for (JsonNode r : m.json().get("records")) {
                String record = r.get("enterpriseCode").asText() + "|" + r.get("dataCode").asText() + "|"
                        + r.get("statDate").asText();
                out.computeIfAbsent(m.batchId(), b -> new HashMap<>()).merge(record, 1, Integer::sum);
            }
        }
        return out;
    }
}

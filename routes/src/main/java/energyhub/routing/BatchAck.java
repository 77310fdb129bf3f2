package energyhub.routing;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/** The answer to a batch, contracts section 2 step 5; intakes send it as a file or a frame. */
@JsonPropertyOrder({"batchId", "status", "received", "accepted", "rejected", "errors", "processedAt"})
public record BatchAck(String batchId, String status, int received, int accepted, int rejected,
        List<LineError> errors, String processedAt) {
}

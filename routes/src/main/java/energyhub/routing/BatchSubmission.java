package energyhub.routing;

import java.util.Objects;

/**
 * What an intake hands the routing core: one batch of canonical records, where it came
 * from, and where its ACK goes. {@code rejection} is set when the intake's own checks
 * (digest, size, record count) failed: the core then only records and answers it.
 *
 * @param source        the intake route id, e.g. {@code ferry-inbox}
 * @param ackEndpoint   a Camel endpoint of the intake that delivers the ACK (null: no back channel)
 * @param ackRef        the intake's name for this ACK, passed as header {@code hubAckRef}
 * @param sender        who sent the batch, as it says (a ferry manifest's {@code sender}); null when unknown.
 *                      Untrusted: the data-quality ledger keeps it only when it is a plain identifier
 */
public record BatchSubmission(String batchId, String source, String fileName, String digestAlgorithm,
        String digest, Long byteSize, Integer declaredCount, LineSource lines, String ackEndpoint,
        String ackRef, LineError rejection, String sender) {

    /** A batch whose sender is not known (TCP, supplier feeds, refusals). */
    public BatchSubmission(String batchId, String source, String fileName, String digestAlgorithm,
            String digest, Long byteSize, Integer declaredCount, LineSource lines, String ackEndpoint,
            String ackRef, LineError rejection) {
        this(batchId, source, fileName, digestAlgorithm, digest, byteSize, declaredCount, lines, ackEndpoint, ackRef,
                rejection, null);
    }

    public BatchSubmission {
        Objects.requireNonNull(batchId, "batchId");
        Objects.requireNonNull(source, "source");
    }

    public BatchSubmission rejected(String field, String code, String message) {
        return new BatchSubmission(batchId, source, fileName, digestAlgorithm, digest, byteSize, declaredCount,
                lines, ackEndpoint, ackRef, new LineError(0, field, code, message), sender);
    }
}

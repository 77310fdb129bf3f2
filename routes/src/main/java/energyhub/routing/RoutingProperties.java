package energyhub.routing;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code hub.routing.*}: how batches are chunked, delivered and retried. */
@ConfigurationProperties("hub.routing")
public class RoutingProperties {

    /** At most this many records in one queue message (contracts section 3). */
    private int chunkMaxRecords = 500;
    /** At most this many characters of records in one queue message, to stay off Artemis's large-message path. */
    private int chunkMaxChars = 200_000;
    /** Record errors kept in the ledger and listed in the ACK per batch; the counts stay exact beyond it. */
    private int maxErrorsPerBatch = 1000;
    /** Queue of the national platform. */
    private String nationalQueue = "energy.national";
    /** Queue of the provincial platform. */
    private String provincialQueue = "energy.provincial";
    /** Body encoding of the national queue's messages: text (contract v1), utf8 or gzip ({@link MessageEncoding}). */
    private MessageEncoding nationalEncoding = MessageEncoding.TEXT;
    /** Body encoding of the provincial queue's messages: text (contract v1), utf8 or gzip ({@link MessageEncoding}). */
    private MessageEncoding provincialEncoding = MessageEncoding.TEXT;
    /** How often pending and failed deliveries and unsent ACKs are looked for. */
    private Duration sweepInterval = Duration.ofSeconds(5);
    /** Wait before the first retry of a failed delivery; doubles per attempt. */
    private Duration retryInitialDelay = Duration.ofSeconds(5);
    /** Longest wait between two retries of a failed delivery. */
    private Duration retryMaxDelay = Duration.ofMinutes(5);
    /** How long a claim on a delivery holds without renewal; a lapsed one is taken over by delivery-sweep. */
    private Duration claimLease = Duration.ofMinutes(1);
    /** A target that has not taken a message within this long has failed this attempt. */
    private Duration sendTimeout = Duration.ofSeconds(10);
    /** This hub's name in the ledger's claims; empty = host name and data directory. */
    private String instanceId = "";

    /** A settled batch whose intake has not handed its ACK over this long is answered by delivery-sweep. */
    private Duration ackGrace = Duration.ofSeconds(10);
    /**
     * The replay window: chunk bodies of a batch delivered to every target are purged this long after its last
     * delivery; the batch row and its batchId stay for duplicate detection.
     */
    private Duration bodyRetention = Duration.ofDays(30);

    public Duration getBodyRetention() { return bodyRetention; }
    public void setBodyRetention(Duration v) { this.bodyRetention = v; }

    public Duration getAckGrace() { return ackGrace; }
    public void setAckGrace(Duration v) { this.ackGrace = v; }
    public int getChunkMaxRecords() { return chunkMaxRecords; }
    public void setChunkMaxRecords(int v) { this.chunkMaxRecords = v; }
    public int getChunkMaxChars() { return chunkMaxChars; }
    public void setChunkMaxChars(int v) { this.chunkMaxChars = v; }
    public int getMaxErrorsPerBatch() { return maxErrorsPerBatch; }
    public void setMaxErrorsPerBatch(int v) { this.maxErrorsPerBatch = v; }
    public String getNationalQueue() { return nationalQueue; }
    public void setNationalQueue(String v) { this.nationalQueue = v; }
    public String getProvincialQueue() { return provincialQueue; }
    public void setProvincialQueue(String v) { this.provincialQueue = v; }
    public Duration getSweepInterval() { return sweepInterval; }
    public void setSweepInterval(Duration v) { this.sweepInterval = v; }
    public Duration getRetryInitialDelay() { return retryInitialDelay; }
    public void setRetryInitialDelay(Duration v) { this.retryInitialDelay = v; }
    public Duration getRetryMaxDelay() { return retryMaxDelay; }
    public void setRetryMaxDelay(Duration v) { this.retryMaxDelay = v; }

    public Duration getClaimLease() { return claimLease; }
    public void setClaimLease(Duration v) { this.claimLease = v; }
    public Duration getSendTimeout() { return sendTimeout; }
    public void setSendTimeout(Duration v) { this.sendTimeout = v; }
    public String getInstanceId() { return instanceId; }
    public void setInstanceId(String v) { this.instanceId = v; }

    public String queueOf(Target target) {
        return target == Target.NATIONAL ? nationalQueue : provincialQueue;
    }

    // bound as text, so that a wrong value stops start-up with the setting and the allowed values named
    public String getNationalEncoding() { return nationalEncoding.id(); }
    public void setNationalEncoding(String v) { this.nationalEncoding = MessageEncoding.of("hub.routing.national-encoding", v); }
    public String getProvincialEncoding() { return provincialEncoding.id(); }
    public void setProvincialEncoding(String v) { this.provincialEncoding = MessageEncoding.of("hub.routing.provincial-encoding", v); }

    /** How a target's queue messages carry their body (queue contract v1.1). */
    public MessageEncoding encodingOf(Target target) {
        return target == Target.NATIONAL ? nationalEncoding : provincialEncoding;
    }
}

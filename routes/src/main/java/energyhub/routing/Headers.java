package energyhub.routing;

/** Exchange headers of the routing core; the {@code hub*} names are also the queue message properties. */
public final class Headers {
    public static final String BATCH_PK = "hubBatchPk";
    public static final String TARGET = "hubTarget";
    public static final String ACK_REF = "hubAckRef";
    public static final String ACK_STATUS = "hubAckStatus";
    public static final String BATCH_ID = "hubBatchId";
    public static final String CHUNK = "hubChunk";
    public static final String SOURCE = "hubSource";
    public static final String ENTERPRISE_CODE = "enterpriseCode";
    public static final String RECORD_COUNT = "recordCount";
    /** Set on the messages of an operator's re-send of a delivered batch: which re-send (1, 2, ...). */
    public static final String RESEND = "hubResend";
    /** Artemis drops a second message with the same value on the same address. */
    public static final String DUPLICATE_ID = "_AMQ_DUPL_ID";

    private Headers() {
    }
}

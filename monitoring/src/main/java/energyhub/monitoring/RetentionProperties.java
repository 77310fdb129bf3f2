package energyhub.monitoring;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code hub.retention.*}: how long the stores that grow with every package are kept (docs/operations.md,
 * "Retention"). The chunk bodies' window is {@code hub.routing.body-retention}, the audit trail's
 * {@code hub.audit.retention}, claim rows go after {@code hub.cluster.claim-max-age}.
 */
@ConfigurationProperties("hub.retention")
public class RetentionProperties {

    /** How often the retention purges run. */
    private Duration interval = Duration.ofHours(6);
    /** Rows deleted per statement (each its own short transaction). */
    private int page = 1000;
    /** Day folders (yyyy/MM/dd) of the ferry and supplier archives older than this are deleted. */
    private Duration archive = Duration.ofDays(30);
    /** Quarantined files older than this are deleted, each with a log line and an audit row. */
    private Duration quarantine = Duration.ofDays(90);
    /** Months of the data-quality ledger kept before the current one (a year-on-year view needs 13). */
    private int qualityMonths = 25;
    /** Batch rows (with deliveries and record errors) received longer ago than this are deleted. */
    private Duration batches = Duration.ofDays(90);
    /** 补传 requests written longer ago than this are deleted from the ledger's list. */
    private Duration resendRequests = Duration.ofDays(400);

    public Duration getInterval() { return interval; }
    public void setInterval(Duration v) { this.interval = v; }
    public int getPage() { return page; }
    public void setPage(int v) { this.page = v; }
    public Duration getArchive() { return archive; }
    public void setArchive(Duration v) { this.archive = v; }
    public Duration getQuarantine() { return quarantine; }
    public void setQuarantine(Duration v) { this.quarantine = v; }
    public int getQualityMonths() { return qualityMonths; }
    public void setQualityMonths(int v) { this.qualityMonths = v; }
    public Duration getBatches() { return batches; }
    public void setBatches(Duration v) { this.batches = v; }
    public Duration getResendRequests() { return resendRequests; }
    public void setResendRequests(Duration v) { this.resendRequests = v; }
}

package energyhub.monitoring;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code hub.audit.*}: how long the audit trail is kept and how its chain is sealed. */
@ConfigurationProperties("hub.audit")
public class AuditProperties {

    /** The least retention the hub accepts: 等保 asks for six months of logs. */
    public static final Duration MINIMUM_RETENTION = Duration.ofDays(180);

    /** Rows older than this are purged (never less than 180 days). */
    private Duration retention = Duration.ofDays(400);
    /** How often old rows are purged. */
    private Duration purgeInterval = Duration.ofHours(6);
    /** How often ledger events are moved into the chain. */
    private Duration followInterval = Duration.ofSeconds(1);
    /** HMAC key sealing the chain; empty: plain SHA-256 (detects edits, but not a rewrite of the whole chain). */
    private String key = "";

    public Duration getRetention() { return retention; }
    public void setRetention(Duration v) { this.retention = v; }
    public Duration getPurgeInterval() { return purgeInterval; }
    public void setPurgeInterval(Duration v) { this.purgeInterval = v; }
    public Duration getFollowInterval() { return followInterval; }
    public void setFollowInterval(Duration v) { this.followInterval = v; }
    public String getKey() { return key; }
    public void setKey(String v) { this.key = v; }
}

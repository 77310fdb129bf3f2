package energyhub.routing.cluster;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code hub.cluster.*}: how several hubs on one PostgreSQL share intake files and schedules. */
@ConfigurationProperties("hub.cluster")
public class ClusterProperties {

    /** A claim on an intake file not kept alive this long belongs to a dead hub and is taken over. */
    private Duration claimMaxAge = Duration.ofSeconds(30);
    /** How often a hub refreshes the claims it holds (well below claim-max-age). */
    private Duration claimKeepAlive = Duration.ofSeconds(5);
    /** How long a finished file's claim is kept after its exchange ends, so a hub that listed it just before it was moved does not read it. */
    private Duration claimReleaseDelay = Duration.ofSeconds(2);

    public Duration getClaimMaxAge() { return claimMaxAge; }
    public void setClaimMaxAge(Duration v) { this.claimMaxAge = v; }
    public Duration getClaimKeepAlive() { return claimKeepAlive; }
    public void setClaimKeepAlive(Duration v) { this.claimKeepAlive = v; }
    public Duration getClaimReleaseDelay() { return claimReleaseDelay; }
    public void setClaimReleaseDelay(Duration v) { this.claimReleaseDelay = v; }
}

package energyhub.routing.cluster;

import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.processor.idempotent.jdbc.JdbcOrphanLockAwareIdempotentRepository;
import org.apache.camel.processor.idempotent.jdbc.AtomicClaimsRepository;
import org.apache.camel.spi.IdempotentRepository;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Claims on intake files on the hub's PostgreSQL, so that several hubs reading one inbox or one SFTP
 * folder never read the same package at once: one Camel {@link JdbcOrphanLockAwareIdempotentRepository}
 * per intake route (its processor name is the route id), table {@code camel_messageprocessed}
 * ({@code V3__intake_claims.sql}). Used as the local inbox's clustered read lock
 * ({@code readLock=idempotent}: the claim only; a manifest not yet complete is left for a later poll) and as
 * the SFTP consumer's {@code inProgressRepository}.
 * A holder refreshes its claims every {@code hub.cluster.claim-keep-alive}; a claim older than
 * {@code hub.cluster.claim-max-age} belongs to a hub that died and is taken over by the next hub that
 * lists the file. {@link AtomicClaimsRepository} makes a claim one atomic statement judged by the database's
 * clock, so hubs with skewed clocks agree. The batch ledger's duplicate detection stays the last guard.
 */
@Component
@EnableConfigurationProperties(ClusterProperties.class)
public class IntakeClaims {

    private final DataSource dataSource;
    private final ClusterProperties properties;

    public IntakeClaims(DataSource dataSource, ClusterProperties properties) {
        this.dataSource = dataSource;
        this.properties = properties;
    }

    /** The claims of one intake route; started and stopped with the Camel context. */
    public IdempotentRepository forRoute(CamelContext context, String routeId) {
        JdbcOrphanLockAwareIdempotentRepository repository = new AtomicClaimsRepository(dataSource, routeId, context);
        repository.setCreateTableIfNotExists(false);
        repository.setLockMaxAgeMillis(properties.getClaimMaxAge().toMillis());
        repository.setLockKeepAliveIntervalMillis(properties.getClaimKeepAlive().toMillis());
        try {
            context.addService(repository, true, true);
        } catch (Exception e) {
            throw new IllegalStateException("intake claims of " + routeId + " could not be started", e);
        }
        return repository;
    }

    public ClusterProperties properties() {
        return properties;
    }
}

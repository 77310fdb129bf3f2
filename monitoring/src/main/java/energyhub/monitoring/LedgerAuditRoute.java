package energyhub.monitoring;

import energyhub.routing.DeliveryFailurePolicy;
import energyhub.routing.quality.LedgerSql;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Moves the ledger events the database triggers wrote ({@code audit_pending}) into the hash chain
 * ({@code audit-ledger}), counts them as metrics once committed, and purges rows past the retention
 * ({@code audit-purge}).
 */
@Component
public class LedgerAuditRoute extends RouteBuilder {

    private static final int PAGE = 500;

    private final AuditTrail audit;
    private final HubMetrics metrics;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final AuditProperties properties;

    public LedgerAuditRoute(AuditTrail audit, HubMetrics metrics, JdbcTemplate jdbc, TransactionTemplate tx,
            AuditProperties properties) {
        this.audit = audit;
        this.metrics = metrics;
        this.jdbc = jdbc;
        this.tx = tx;
        this.properties = properties;
    }

    @Override
    public void configure() {
        from("timer:audit-ledger?delay=1000&period=" + properties.getFollowInterval().toMillis())
                .routeId("audit-ledger")
                // a database outage is said once (LedgerOutage), not as a stack trace every follow interval
                .routeConfigurationId(DeliveryFailurePolicy.LEDGER_ID)
                .process(exchange -> drain()).id("audit-ledger-drain");
        from("timer:audit-purge?delay=60000&period=" + properties.getPurgeInterval().toMillis())
                .routeId("audit-purge")
                .routeConfigurationId(DeliveryFailurePolicy.LEDGER_ID)
                .process(exchange -> audit.purge()).id("audit-purge-old");
    }

    /** Moves every pending event into the chain, a page per transaction; returns how many. */
    public int drain() {
        int total = 0;
        while (true) {
            List<Map<String, Object>> moved = tx.execute(s -> {
                List<Map<String, Object>> rows = jdbc.queryForList("select id, at, action, subject, result, detail, "
                        + "batch_pk from audit_pending order by id limit ? for update skip locked", PAGE);
                if (rows.isEmpty()) {
                    return rows;
                }
                // the page in three statements, whatever its size: sealed into the chain in id order, then deleted
                audit.appendAllInTransaction(rows.stream().map(r -> new AuditTrail.Event(
                        ((Timestamp) r.get("at")).toInstant(), AuditTrail.HUB, (String) r.get("action"),
                        (String) r.get("subject"), (String) r.get("result"), (String) r.get("detail"))).toList());
                jdbc.update(LedgerSql.ids("delete from audit_pending where id = any(?)",
                        rows.stream().map(r -> ((Number) r.get("id")).longValue()).toList()));
                return rows;
            });
            if (moved == null || moved.isEmpty()) {
                return total;
            }
            metrics.ledgerEvents(moved);
            total += moved.size();
            if (moved.size() < PAGE) {
                return total;
            }
        }
    }
}

package energyhub.monitoring;

import energyhub.routing.DeliveryFailurePolicy;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * The retention purges ({@link Retention}), one route per store so that one failing (a database outage, a folder
 * that cannot be read) never holds the others back: {@code retention-bodies}, {@code retention-claims},
 * {@code retention-quality}, {@code retention-resend-requests}, {@code retention-archives},
 * {@code retention-quarantine}, {@code retention-batches}, {@code retention-supplier-files}, every {@code hub.retention.interval}. The audit trail has its own
 * {@code audit-purge}.
 */
@Component
public class RetentionRoute extends RouteBuilder {

    private final Retention retention;
    private final RetentionProperties properties;

    public RetentionRoute(Retention retention, RetentionProperties properties) {
        this.retention = retention;
        this.properties = properties;
    }

    @Override
    public void configure() {
        purge("bodies", "purgeBodies", 0);
        purge("claims", "purgeClaims", 1);
        purge("quality", "purgeQuality", 2);
        purge("resend-requests", "purgeResendRequests", 3);
        purge("archives", "purgeArchives", 4);
        purge("quarantine", "purgeQuarantine", 5);
        purge("batches", "purgeBatches", 6);
        purge("supplier-files", "purgeSupplierFiles", 7);
    }

    private void purge(String store, String method, int n) {
        // the first run a few minutes after start-up, the stores one after the other
        from("timer:retention-" + store + "?delay=" + (120_000 + n * 10_000L) + "&period="
                + properties.getInterval().toMillis())
                .routeId("retention-" + store)
                // a database outage is said once (LedgerOutage), not as a stack trace every run
                .routeConfigurationId(DeliveryFailurePolicy.LEDGER_ID)
                .bean(retention, method).id("retention-" + store + "-purge");
    }
}

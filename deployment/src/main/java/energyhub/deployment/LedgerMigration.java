package energyhub.deployment;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.flyway.FlywayMigrationStrategy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * How the hub migrates its ledger schema at start. Each module numbers its migrations in a range of
 * its own (routes 1-99, suppliers 100-199, monitoring 200-299, national uplink 300-399), so a ledger
 * made by an earlier release is already at V300 when a release brings a new routes migration (V3 and V5 came so): Flyway must apply
 * it "out of order". Flyway's out-of-order mode, when configured, logs a WARN on every start ("outOfOrder
 * mode is active ... may not be reproducible"), also on a fresh database where every migration runs in
 * its order; a first-run operator reads it as a fault. So the hub migrates in order, and turns the mode on
 * only for a start that has a migration numbered below the ledger's version to apply, with one INFO line
 * naming it (Flyway's own WARN then comes once, on that start). Setting {@code spring.flyway.out-of-order}
 * to true keeps Flyway's mode on always, as before.
 */
@Configuration(proxyBeanMethods = false)
public class LedgerMigration {

    private static final Logger log = LoggerFactory.getLogger(LedgerMigration.class);

    @Bean
    FlywayMigrationStrategy ledgerMigrationStrategy() {
        return LedgerMigration::migrate;
    }

    /** Migrates as the hub does at start (in order; out of order only for migrations below the ledger's version). */
    public static MigrateResult migrate(Flyway flyway) {
        if (flyway.getConfiguration().isOutOfOrder()) {
            return flyway.migrate();
        }
        MigrationInfoService info = flyway.info();
        MigrationInfo current = info.current();
        List<MigrationInfo> behind = current == null || current.getVersion() == null ? List.of()
                : Arrays.stream(info.all()).filter(m -> m.getState() == MigrationState.IGNORED && m.getVersion() != null
                        && m.getVersion().compareTo(current.getVersion()) < 0).toList();
        if (behind.isEmpty()) {
            return flyway.migrate();
        }
        log.info("ledger schema at V{}: applying {} out of order, as each module numbers its migrations in its own "
                + "range (routes 1-99, suppliers 100-199, monitoring 200-299, national uplink 300-399); Flyway warns once about out-of-order mode",
                current.getVersion(), behind.stream()
                        .map(m -> "V" + m.getVersion() + " (" + m.getDescription() + ")").collect(Collectors.joining(", ")));
        return Flyway.configure(flyway.getConfiguration().getClassLoader()).configuration(flyway.getConfiguration())
                .outOfOrder(true).load().migrate();
    }
}

package energyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energyhub.deployment.LedgerMigration;
import energyhub.e2e.support.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The ledger's migrations as the hub runs them at start ({@link LedgerMigration}), on a real PostgreSQL
 * (issue 24 item 3): a fresh database migrates in order without Flyway's out-of-order warning; a ledger
 * made by an earlier release, already at its highest version (the ferry key registry's V401 now), still takes a
 * migration numbered below (here a test V99,
 * as a new routes migration would come), out of order, on that start only. That the packaged hub's
 * first start logs no such warning is ReadmeTryItTest.
 */
class LedgerMigrationTest {

    @Test
    void aFreshLedgerMigratesInOrderWithoutWarningsAndAnOlderOneTakesALowerNumberedMigration() throws Exception {
        String url = TestDatabase.create().orElse(null);
        Assumptions.assumeTrue(url != null, "needs the PostgreSQL at 127.0.0.1:5432");

        MigrateResult fresh = LedgerMigration.migrate(flyway(url, "classpath:db/migration"));
        assertThat(fresh.success).isTrue();
        assertThat(fresh.warnings).as("warnings of a fresh database's migration").isEmpty();
        assertThat(fresh.targetSchemaVersion).isEqualTo("401");

        // the next release brings V99 to this ledger at V401: Flyway in order alone refuses to start
        Flyway release = flyway(url, "classpath:db/migration", "classpath:db/late-migration");
        assertThatThrownBy(release::migrate).hasMessageContaining("99");

        MigrateResult upgrade = LedgerMigration.migrate(release);
        assertThat(upgrade.success).isTrue();
        assertThat(upgrade.migrationsExecuted).isEqualTo(1);
        assertThat(upgrade.migrations).extracting(m -> m.version).containsExactly("99");
        try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
            assertThat(c.createStatement().executeQuery("select count(*) from late_migration_test").next()).isTrue();
        }

        // and the start after that one is an ordinary one again
        MigrateResult again = LedgerMigration.migrate(flyway(url, "classpath:db/migration", "classpath:db/late-migration"));
        assertThat(again.migrationsExecuted).isZero();
        assertThat(again.warnings).isEmpty();
    }

    private static Flyway flyway(String url, String... locations) {
        return Flyway.configure().dataSource(url, "postgres", "").locations(locations).load();
    }
}

package energyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import energyhub.e2e.support.TestDatabase;
import energyhub.routing.cluster.ClusterProperties;
import energyhub.routing.cluster.IntakeClaims;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.IdempotentRepository;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * The claims on intake files as two hubs see them, each with its own connection to one PostgreSQL:
 * a file claimed by both at the same moment is won by exactly one; a claim kept alive is not taken;
 * a claim its holder stopped keeping alive (a hub killed) is taken over once it lapsed, by the
 * database's clock; a released claim is free at once.
 */
class IntakeClaimsTest {

    @Test
    void twoHubsClaimingTogetherOneWinsAndADeadHubsClaimLapses() throws Exception {
        String url = TestDatabase.create().orElse(null);
        Assumptions.assumeTrue(url != null, "needs the PostgreSQL at 127.0.0.1:5432");
        SingleConnectionDataSource setup = new SingleConnectionDataSource(url, "postgres", "", true);
        new JdbcTemplate(setup).execute(Files.readString(Path.of("../routes/src/main/resources/db/migration/V3__intake_claims.sql")));
        setup.destroy();

        ClusterProperties properties = new ClusterProperties();
        properties.setClaimMaxAge(Duration.ofSeconds(3));
        properties.setClaimKeepAlive(Duration.ofMillis(500));
        try (DefaultCamelContext hubA = new DefaultCamelContext(); DefaultCamelContext hubB = new DefaultCamelContext()) {
            hubA.start();
            hubB.start();
            IdempotentRepository a = new IntakeClaims(dataSource(url), properties).forRoute(hubA, "ferry-inbox");
            IdempotentRepository b = new IntakeClaims(dataSource(url), properties).forRoute(hubB, "ferry-inbox");

            // 200 files, each claimed by both hubs at the same moment
            ExecutorService pool = Executors.newFixedThreadPool(2);
            int bothWon = 0;
            int noneWon = 0;
            List<String> wonByB = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String key = "p-" + i + ".jsonl.manifest";
                CyclicBarrier together = new CyclicBarrier(2);
                Future<Boolean> byA = pool.submit(() -> {
                    together.await();
                    return a.add(key);
                });
                Future<Boolean> byB = pool.submit(() -> {
                    together.await();
                    return b.add(key);
                });
                boolean wa = byA.get();
                boolean wb = byB.get();
                bothWon += wa && wb ? 1 : 0;
                noneWon += !wa && !wb ? 1 : 0;
                if (wb) {
                    wonByB.add(key);
                }
            }
            pool.shutdown();
            assertThat(bothWon).as("files claimed by both hubs").isZero();
            assertThat(noneWon).as("files claimed by neither").isZero();

            // kept alive by its holder: not taken, however long it is held
            String held = "held.jsonl.manifest";
            JdbcTemplate db = new JdbcTemplate(dataSource(url));
            assertThat(a.add(held)).isTrue();
            java.sql.Timestamp claimedAt = db.queryForObject("select now()", java.sql.Timestamp.class);
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250)).until(() -> db.queryForObject(
                    "select now() > ?::timestamptz + interval '4 seconds'", Boolean.class, claimedAt));
            assertThat(b.add(held)).as("a live claim is not taken over").isFalse();

            // hub B dies: its claims are no longer kept alive and lapse after claim-max-age; hub A takes them
            hubB.stop();
            String orphan = wonByB.isEmpty() ? "p-0.jsonl.manifest" : wonByB.get(0);
            assertThat(a.add(orphan)).as("claim of a hub that just died").isFalse();
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250)).until(() -> a.add(orphan));

            // a released claim is free at once
            assertThat(a.remove(held)).isTrue();
            IdempotentRepository c = new IntakeClaims(dataSource(url), properties).forRoute(hubA, "ferry-inbox");
            assertThat(c.add(held)).isTrue();
        }
    }

    private static DataSource dataSource(String url) {
        return new DriverManagerDataSource(url, "postgres", "");
    }
}

package energyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import energyhub.HubApplication;
import energyhub.e2e.support.FreePort;
import energyhub.e2e.support.HubTest;
import energyhub.e2e.support.SupplierServers;
import energyhub.e2e.support.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A completed heat pull window survives a real restart of the hub: the hub is started, pulls the
 * window, is shut down, and is started again on the same database and data directory; its scheduled
 * pulls then ask the API for nothing.
 */
class SupplierHeatRestartTest {

    @Test
    void aCompletedWindowIsNotFetchedAgainAfterTheHubRestarts() throws Exception {
        SupplierServers.Heat heat = SupplierServers.startHeat().serve("2026-11-10", List.of(
                "[{\"accountNo\":\"HT-000123\",\"date\":\"2026-11-10\",\"heatGJ\":\"3.5\",\"meterId\":\"H7\"}]"));
        Path dataDir = Files.createTempDirectory("hub-heat-restart");
        String db = TestDatabase.create().orElse(null);

        try (ConfigurableApplicationContext hub = start(dataDir, db, heat, 1)) {
            JdbcTemplate jdbc = hub.getBean(JdbcTemplate.class);
            await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.queryForList("select status from supplier_pull_window "
                    + "where supplier = 'heat1'", String.class).equals(List.of("COMPLETED")));
        }
        assertThat(heat.requests).hasSize(1);

        try (ConfigurableApplicationContext hub = start(dataDir, db, heat, 2)) {
            CamelContext camel = hub.getBean(CamelContext.class);
            NotifyBuilder pulls = new NotifyBuilder(camel).fromRoute("supplier-heat1").whenCompleted(2).create();
            assertThat(pulls.matches(30, TimeUnit.SECONDS)).isTrue();
            assertThat(heat.requests).hasSize(1);
            assertThat(hub.getBean(JdbcTemplate.class).queryForList("select status || ':' || attempts from "
                    + "supplier_pull_window where supplier = 'heat1'", String.class)).containsExactly("COMPLETED:1");
        }
    }

    private static ConfigurableApplicationContext start(Path dataDir, String db, SupplierServers.Heat heat, int run) {
        List<String> args = new ArrayList<>();
        HubTest.hubProperties(dataDir, FreePort.next()).forEach((k, v) -> args.add("--" + k + "=" + v));
        Map.of("spring.main.web-application-type", "none",
                "camel.main.name", "heat-restart-hub-" + run,
                "spring.flyway.locations", "classpath:db/migration,classpath:db/supplier-test",
                "HUB_TEST_HEAT1_TOKEN", SupplierServers.HEAT_TOKEN,
                "hub.suppliers.heat1.type", "heat-api",
                "hub.suppliers.heat1.supplier-code", "KMRL",
                "hub.suppliers.heat1.source", "http://127.0.0.1:" + heat.port(),
                "hub.suppliers.heat1.schedule", "0/1 * * * * ?",
                "hub.suppliers.heat1.token-env", "HUB_TEST_HEAT1_TOKEN",
                "hub.suppliers.heat1.start-date", "2026-11-10").forEach((k, v) -> args.add("--" + k + "=" + v));
        args.add("--hub.suppliers.heat1.end-date=2026-11-10");
        if (db != null) {
            args.add("--spring.datasource.url=" + db);
        }
        return new SpringApplicationBuilder(HubApplication.class).run(args.toArray(String[]::new));
    }
}

package energyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import energyhub.HubApplication;
import energyhub.e2e.support.FerryPackage;
import energyhub.e2e.support.FreePort;
import energyhub.e2e.support.HubTest;
import energyhub.e2e.support.Ledger;
import energyhub.e2e.support.PlatformClient;
import energyhub.e2e.support.RunningHub;
import energyhub.e2e.support.TestDatabase;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/** Duplicate detection is kept in PostgreSQL and the broker's journal, so it survives a restart of the hub. */
class RestartTest {

    @Test
    void replayAfterRestartIsStillAnsweredDuplicate() throws Exception {
        Path dataDir = RunningHub.tempDir("hub-restart");
        int brokerPort = FreePort.next();
        Map<String, Object> props = new HashMap<>(HubTest.hubProperties(dataDir, brokerPort));
        TestDatabase.create().ifPresent(url -> props.put("spring.datasource.url", url));
        Path inbox = dataDir.resolve("ferry/inbox");
        Path outbox = dataDir.resolve("ferry/outbox");

        FerryPackage first = FerryPackage.of().records(FerryPackage.ENTERPRISE, 5);
        try (ConfigurableApplicationContext hub = start(props)) {
            first.dropInto(inbox);
            assertThat(RunningHub.awaitAckIn(outbox, first).get("status").asText()).isEqualTo("ACCEPTED");
        }

        FerryPackage replay = FerryPackage.of().records(FerryPackage.ENTERPRISE, 5).batchId(first.batchId());
        try (ConfigurableApplicationContext hub = start(props)) {
            replay.dropInto(inbox);
            assertThat(RunningHub.awaitAckIn(outbox, replay).get("status").asText()).isEqualTo("DUPLICATE");

            try (PlatformClient national = PlatformClient.national(brokerPort);
                    PlatformClient provincial = PlatformClient.provincial(brokerPort)) {
                assertThat(national.browse(first.batchId())).hasSize(1).allMatch(m -> m.records() == 5);
                assertThat(provincial.browse(first.batchId())).hasSize(1).allMatch(m -> m.records() == 5);
            }
            Ledger ledger = new Ledger(hub.getBean(JdbcTemplate.class));
            assertThat(ledger.batches(first.batchId())).extracting(b -> b.get("status"))
                    .containsExactly("ACCEPTED", "DUPLICATE");
        }
    }

    private static ConfigurableApplicationContext start(Map<String, Object> props) {
        // as command-line arguments, which take precedence over application.yml like the test's own properties
        return new SpringApplicationBuilder(HubApplication.class).web(WebApplicationType.NONE)
                .run(props.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new));
    }
}

package energyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import energyhub.HubApplication;
import energyhub.e2e.support.ExchangeHubTest;
import energyhub.e2e.support.FerryPackage;
import energyhub.e2e.support.FreePort;
import energyhub.e2e.support.HubTest;
import energyhub.e2e.support.Ledger;
import energyhub.e2e.support.PlatformClient;
import energyhub.e2e.support.PlatformClient.Received;
import energyhub.e2e.support.SftpServer;
import energyhub.e2e.support.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The hub stopped in the middle of an SFTP poll, after the batch reached both queues but before its
 * ACK was on the server and the remote files were moved, then started again on the same data,
 * database and broker journal: the package is read again, and nothing is delivered twice.
 */
class SftpRestartTest {

    @Test
    void hubRestartedMidPollDoesNotDeliverABatchTwice() throws Exception {
        Path dataDir = Files.createTempDirectory("hub-restart");
        int brokerPort = FreePort.next();
        try (SftpServer server = SftpServer.start(Files.createTempDirectory("sftp-restart").resolve("x"))) {
            Map<String, Object> props = new HashMap<>(HubTest.hubProperties(dataDir, brokerPort));
            props.putAll(ExchangeHubTest.sftpSourceProperties("exchange", server,
                    server.knownHosts(dataDir.resolve("known_hosts"))));
            TestDatabase.create().ifPresent(url -> props.put("spring.datasource.url", url));
            props.put("spring.main.web-application-type", "none");
            props.put("camel.main.shutdown-timeout", "1"); // the stuck poll is abandoned, as a crash would
            FerryPackage pkg = FerryPackage.of().records(FerryPackage.ENTERPRISE, 1100)
                    .records(FerryPackage.OTHER_ENTERPRISE, 30);

            ConfigurableApplicationContext first = start(props);
            CountDownLatch ackUploadStarted = server.holdAckUploads();
            pkg.dropInto(server.inbound());
            await().atMost(Duration.ofSeconds(60)).until(() -> ackUploadStarted.getCount() == 0);
            // mid-poll: both platforms hold the batch, the ACK is not on the server, the files are still there
            try (PlatformClient national = PlatformClient.national(brokerPort)) {
                assertThat(total(national.browse(pkg.batchId()))).isEqualTo(1130);
            }
            assertThat(server.inbound().resolve(pkg.dataFileName())).exists();
            // stop the hub while its poll hangs in the ACK upload; once it is stopping, that upload fails
            // (as it would on a connection cut by a crash) so that the abandoned thread lets go
            org.apache.camel.CamelContext firstCamel = first.getBean(org.apache.camel.CamelContext.class);
            Thread stopping = new Thread(first::close, "stop-first-hub");
            stopping.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> firstCamel.isStopping() || firstCamel.isStopped());
            server.releaseAckUploads(true);
            stopping.join(Duration.ofSeconds(90).toMillis());
            assertThat(stopping.isAlive()).as("the first hub stopped").isFalse();

            ConfigurableApplicationContext second = start(props);
            try {
                JsonNode ack = new ObjectMapper().readTree(awaitAck(server, pkg));
                assertThat(ack.get("status").asText()).isEqualTo("ACCEPTED");
                assertThat(ack.get("accepted").asInt()).isEqualTo(1130);
                await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(server.inbound().resolve(pkg.dataFileName())));

                try (PlatformClient national = PlatformClient.national(brokerPort);
                        PlatformClient provincial = PlatformClient.provincial(brokerPort)) {
                    for (PlatformClient platform : List.of(national, provincial)) {
                        List<Received> chunks = platform.browse(pkg.batchId());
                        assertThat(chunks).extracting(Received::chunk).containsExactlyInAnyOrder(1, 2, 3, 4);
                        assertThat(total(chunks)).isEqualTo(1130);
                    }
                }
                Ledger ledger = new Ledger(second.getBean(JdbcTemplate.class));
                assertThat(ledger.batch(pkg.batchId())).containsEntry("status", "ACCEPTED");
            } finally {
                second.close();
            }
        }
    }

    private static ConfigurableApplicationContext start(Map<String, Object> props) {
        // as command-line arguments: they must win over application.yml, as the test hubs' properties do
        return new SpringApplicationBuilder(HubApplication.class)
                .run(props.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new));
    }

    private static String awaitAck(SftpServer server, FerryPackage pkg) throws Exception {
        Path ack = server.outbound().resolve(pkg.dataFileName() + ".ack.json");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(ack));
        return Files.readString(ack);
    }

    private static int total(List<Received> chunks) {
        return chunks.stream().mapToInt(Received::records).sum();
    }
}

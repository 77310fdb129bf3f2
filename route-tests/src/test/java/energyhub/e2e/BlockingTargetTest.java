package energyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import energyhub.HubApplication;
import energyhub.e2e.support.FerryPackage;
import energyhub.e2e.support.FreePort;
import energyhub.e2e.support.HubTest;
import energyhub.e2e.support.PlatformClient;
import energyhub.e2e.support.RunningHub;
import energyhub.e2e.support.TestDatabase;
import jakarta.jms.Connection;
import jakarta.jms.Session;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A target whose address blocks (full, under the BLOCK policy: Artemis then holds the hub's send
 * without any timeout) does not hold the other target back: provincial receives every package
 * while national blocks, each national attempt fails after {@code hub.routing.send-timeout} with
 * a cause that names the queue, and once national takes messages again every package is delivered
 * there once and answered. A hub of its own, so its connections have never sent to national before.
 */
@CamelSpringBootTest
@SpringBootTest(classes = HubApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
class BlockingTargetTest extends RunningHub {

    private static final Path DATA_DIR = tempDir("hub-blocking");
    private static final int BROKER_PORT = FreePort.next();
    private static final int PACKAGES = 3;
    private static final int RECORDS = 700; // two chunks, ≈ 0.8 MB as the broker counts it, per package

    @Autowired
    EmbeddedActiveMQ broker;

    @DynamicPropertySource
    static void hubProperties(DynamicPropertyRegistry registry) {
        HubTest.hubProperties(DATA_DIR, BROKER_PORT).forEach((k, v) -> registry.add(k, () -> v));
        registry.add("hub.routing.send-timeout", () -> "3s");
        TestDatabase.create().ifPresent(url -> registry.add("spring.datasource.url", () -> url));
    }

    BlockingTargetTest() {
        super(DATA_DIR, BROKER_PORT);
    }

    @Test
    void aBlockedNationalAddressHoldsBackNeitherProvincialNorItsOwnRecovery() throws Exception {
        var server = broker.getActiveMQServer();
        server.getAddressSettingsRepository().addMatch("energy.national", new AddressSettings()
                .setAddressFullMessagePolicy(AddressFullMessagePolicy.BLOCK).setMaxSizeBytes(64 * 1024));
        fillNational(server.getSecurityRepository());

        List<FerryPackage> packages = new ArrayList<>();
        for (int i = 0; i < PACKAGES; i++) {
            packages.add(FerryPackage.of().name(String.format("blocked-%02d", i))
                    .records(FerryPackage.ENTERPRISE, RECORDS).dropInto(inbox()));
        }

        // provincial gets everything while national blocks
        await().atMost(Duration.ofSeconds(60)).until(() -> packages.stream().allMatch(p ->
                !ledger.batches(p.batchId()).isEmpty() && "DELIVERED".equals(delivery(p, "provincial").get("status"))));
        for (FerryPackage p : packages) {
            assertThat(provincial.browse(p.batchId())).hasSize(2);
        }
        // a package whose national send found the address blocked (the first chunks sent may still fit in the
        // producer's credit from before the address filled, so which package that is depends on timing)
        FerryPackage[] held = new FerryPackage[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (FerryPackage p : packages) {
                if ("FAILED".equals(delivery(p, "national").get("status"))) {
                    held[0] = p;
                    return true;
                }
            }
            return false;
        });
        assertThat((String) delivery(held[0], "national").get("last_error"))
                .startsWith("no answer within 3s from energy.national");
        assertThat(outbox().resolve(held[0].dataFileName() + ".ack.json")).as("no ACK before both are stored")
                .doesNotExist();

        // national takes messages again (paged, as the hub's own broker configuration has it)
        server.getAddressSettingsRepository().removeMatch("energy.national");

        for (FerryPackage p : packages) {
            assertThat(awaitAck(p).get("status").asText()).isEqualTo("ACCEPTED");
            var copies = national.browse(p.batchId());
            assertThat(copies).as("every chunk once").hasSize(2)
                    .extracting(PlatformClient.Received::duplicateId).doesNotHaveDuplicates();
            assertThat(copies.stream().mapToInt(PlatformClient.Received::records).sum()).isEqualTo(RECORDS);
            assertThat(provincial.browse(p.batchId())).hasSize(2);
        }
    }

    /** Puts more than the address's limit on the national queue, as a platform that stopped consuming would leave it. */
    private void fillNational(org.apache.activemq.artemis.core.settings.HierarchicalRepository<Set<Role>> security) throws Exception {
        Set<Role> normal = security.getMatch("energy.national");
        // for a moment the national account may send, to fill its own queue
        security.addMatch("energy.national", Set.of(new Role("national-platform", true, true, false, false, false,
                false, false, true, false, false, false, false)));
        try (Connection c = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + brokerPort(), "national", "national-test")
                .createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            s.createProducer(s.createQueue("energy.national")).send(s.createTextMessage("x".repeat(100 * 1024)));
        } finally {
            security.addMatch("energy.national", normal);
        }
    }

    private Map<String, Object> delivery(FerryPackage pkg, String target) {
        long pk = (Long) ledger.batch(pkg.batchId()).get("id");
        return ledger.deliveries(pk).stream().filter(d -> target.equals(d.get("target"))).findFirst().orElseThrow();
    }
}

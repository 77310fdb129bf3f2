package energyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import energyhub.e2e.support.FerryPackage;
import energyhub.e2e.support.HubTest;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Each target is independent: while the national queue refuses the hub's sends, the provincial
 * copy is delivered, the ACK waits, and once the national queue takes messages again the retry
 * delivers exactly one copy there and the batch is answered.
 */
class TargetIndependenceTest extends HubTest {

    @Autowired
    EmbeddedActiveMQ broker;

    @Test
    void aRefusingTargetHoldsBackNeitherTheOtherTargetNorLosesItsCopy() throws Exception {
        var security = broker.getActiveMQServer().getSecurityRepository();
        Set<Role> normal = security.getMatch("energy.national");
        // the national queue refuses the hub's sends (as if it were full or misconfigured)
        security.addMatch("energy.national", Set.of(new Role("national-platform", false, true, false, false, false,
                false, false, true, false, false, false, false)));
        FerryPackage pkg;
        try {
            pkg = FerryPackage.of().records(FerryPackage.ENTERPRISE, 3).dropInto(inbox());

            await().atMost(Duration.ofSeconds(30)).until(() -> !ledger.batches(pkg.batchId()).isEmpty()
                    && "FAILED".equals(delivery(pkg, "national").get("status")));
            assertThat((String) delivery(pkg, "national").get("last_error")).startsWith("refused: energy.national")
                    .contains("AMQ229032");
            await().atMost(Duration.ofSeconds(30)).until(() -> "DELIVERED".equals(delivery(pkg, "provincial").get("status")));
            assertThat(provincial.browse(pkg.batchId())).hasSize(1);
            assertThat(national.browse(pkg.batchId())).isEmpty();
            assertThat(outbox().resolve(pkg.dataFileName() + ".ack.json")).as("no ACK before both are stored")
                    .doesNotExist();
            assertThat(ledger.batch(pkg.batchId())).containsEntry("status", "DELIVERING");
        } finally {
            security.addMatch("energy.national", normal);
        }

        assertThat(awaitAck(pkg).get("status").asText()).isEqualTo("ACCEPTED");
        assertThat(national.browse(pkg.batchId())).hasSize(1).allMatch(m -> m.records() == 3);
        assertThat(provincial.browse(pkg.batchId())).hasSize(1);
        assertThat(delivery(pkg, "national")).containsEntry("status", "DELIVERED");
        assertThat((Integer) delivery(pkg, "national").get("attempts")).isGreaterThanOrEqualTo(2);
        assertThat(delivery(pkg, "provincial")).containsEntry("attempts", 1);
    }

    private Map<String, Object> delivery(FerryPackage pkg, String target) {
        long pk = (Long) ledger.batch(pkg.batchId()).get("id");
        return ledger.deliveries(pk).stream().filter(d -> target.equals(d.get("target"))).findFirst().orElseThrow();
    }
}

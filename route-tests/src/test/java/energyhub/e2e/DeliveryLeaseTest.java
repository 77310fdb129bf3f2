package energyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import energyhub.e2e.support.FerryPackage;
import energyhub.e2e.support.HubTest;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A claim is a lease: a delivery left SENDING by another hub instance (sharing this ledger) is
 * not touched while that instance's lease runs, and is taken over by delivery-sweep once the lease
 * has lapsed, without any restart; the batch is then delivered once and answered.
 */
class DeliveryLeaseTest extends HubTest {

    @Autowired
    EmbeddedActiveMQ broker;

    @Test
    void aSendingDeliveryWhoseHolderIsGoneIsTakenOverOnceItsLeaseLapses() throws Exception {
        var security = broker.getActiveMQServer().getSecurityRepository();
        Set<Role> normal = security.getMatch("energy.national");
        security.addMatch("energy.national", Set.of(new Role("national-platform", false, true, false, false, false,
                false, false, true, false, false, false, false)));
        FerryPackage pkg;
        long pk;
        try {
            pkg = FerryPackage.of().records(FerryPackage.ENTERPRISE, 3).dropInto(inbox());
            await().atMost(Duration.ofSeconds(30)).until(() -> !ledger.batches(pkg.batchId()).isEmpty()
                    && "FAILED".equals(delivery(pkg, "national").get("status")));
            pk = (Long) ledger.batch(pkg.batchId()).get("id");
            // another hub instance claimed it and died mid-send: its lease runs for a few seconds more
            jdbc.update("update delivery set status = 'SENDING', claimed_by = 'hub-b:/var/lib/hub', lease_until = ?, "
                    + "next_attempt_at = ? where batch_pk = ? and target = 'national'",
                    Timestamp.from(Instant.now().plusSeconds(4)), Timestamp.from(Instant.now()), pk);
        } finally {
            security.addMatch("energy.national", normal);
        }

        // while the lease runs, nobody else sends it (the national queue would take it now)
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() ->
                "hub-b:/var/lib/hub".equals(delivery(pkg, "national").get("claimed_by"))
                        && national.browse(pkg.batchId()).isEmpty());

        assertThat(awaitAck(pkg).get("status").asText()).isEqualTo("ACCEPTED");
        assertThat(national.browse(pkg.batchId())).hasSize(1).allMatch(m -> m.records() == 3);
        assertThat(provincial.browse(pkg.batchId())).hasSize(1);
        Map<String, Object> taken = delivery(pkg, "national");
        assertThat(taken).containsEntry("status", "DELIVERED").containsEntry("claimed_by", null)
                .containsEntry("lease_until", null);
    }

    private Map<String, Object> delivery(FerryPackage pkg, String target) {
        long pk = (Long) ledger.batch(pkg.batchId()).get("id");
        return ledger.deliveries(pk).stream().filter(d -> target.equals(d.get("target"))).findFirst().orElseThrow();
    }
}

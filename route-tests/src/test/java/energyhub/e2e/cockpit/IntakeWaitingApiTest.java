package energyhub.e2e.cockpit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import energyhub.e2e.support.FerryPackage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Operators see what the ferry inbox holds unanswered (issue 10, item 7): a manifest waiting for its
 * data file and a data file waiting (long) for its manifest, with their age and stale flag, through
 * {@code GET /api/operator/intake/waiting} (viewer) and the gauge {@code hub_ferry_waiting_packages}.
 */
class IntakeWaitingApiTest extends CockpitTest {

    @Test
    void waitingPackagesAreListedWithTheirAgeForViewersAndCounted() throws Exception {
        FerryPackage waitsForData = FerryPackage.of().records(FerryPackage.ENTERPRISE, 1);
        Files.createDirectories(inbox());
        waitsForData.writeManifest(inbox());
        FerryPackage waitsForManifest = FerryPackage.of().records(FerryPackage.ENTERPRISE, 1);
        Path orphan = waitsForManifest.dropDataOnly(inbox());
        Files.setLastModifiedTime(orphan, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        try {
            JsonNode list = await().atMost(Duration.ofSeconds(30)).until(
                    () -> json(get("/api/operator/intake/waiting?source=ferry-inbox", VIEWER, VIEWER_PASSWORD)),
                    l -> l.size() >= 2);
            JsonNode manifest = find(list, waitsForData.dataFileName() + ".manifest");
            assertThat(manifest.get("waitsFor").asText()).isEqualTo("DATA_FILE");
            assertThat(manifest.get("source").asText()).isEqualTo("ferry-inbox");
            assertThat(manifest.get("stale").asBoolean()).isFalse();
            assertThat(manifest.get("ageSeconds").asLong()).isBetween(0L, 600L);
            JsonNode data = find(list, waitsForManifest.dataFileName());
            assertThat(data.get("waitsFor").asText()).isEqualTo("MANIFEST");
            assertThat(data.get("stale").asBoolean()).isTrue();
            assertThat(data.get("ageSeconds").asLong()).isGreaterThanOrEqualTo(7200L - 60);

            assertThat(get("/api/operator/intake/waiting", null, null).statusCode()).isEqualTo(401);
            String metrics = getText("/actuator/prometheus", VIEWER, VIEWER_PASSWORD).body();
            assertThat(metrics).containsPattern("hub_ferry_waiting_packages\\{[^}]*source=\"ferry-inbox\"[^}]*\\} [2-9]");
            // waiting is no error: no ACK, nothing in the ledger
            assertThat(outbox().resolve(waitsForData.dataFileName() + ".ack.json")).doesNotExist();
            assertThat(ledger.batches(waitsForData.batchId())).isEmpty();
        } finally {
            Files.deleteIfExists(inbox().resolve(waitsForData.dataFileName() + ".manifest"));
            Files.deleteIfExists(orphan);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> json(get("/api/operator/intake/waiting?source=ferry-inbox",
                VIEWER, VIEWER_PASSWORD)).size() == 0);
    }

    private static JsonNode find(JsonNode list, String name) {
        for (JsonNode n : list) {
            if (n.get("name").asText().equals(name)) {
                return n;
            }
        }
        throw new AssertionError(name + " not listed in " + list);
    }
}

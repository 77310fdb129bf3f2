package energyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import energyhub.e2e.support.FerryPackage;
import energyhub.e2e.support.FreePort;
import energyhub.e2e.support.HubProcess;
import energyhub.e2e.support.HubTest;
import energyhub.e2e.support.TestDatabase;
import energyhub.standard.UnifiedSocialCreditCode;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * Issue 20, item 5: one ferry package brings 100,000 distinct series of one enterprise. The packaged hub
 * runs as its own process as its systemd unit runs it ({@code -Xmx1g -XX:+ExitOnOutOfMemoryError}). The
 * package is answered PARTIAL: the enterprise's first {@code max-series-per-enterprise} (5,000) series are
 * staged, the other records are refused TOO_MANY_SERIES. Then everything the quality page asks when an
 * operator opens that enterprise (it sorts first below threshold), the month's list and the holes CSV,
 * answers a bounded page (sizes, counts, X-Total-Count), and the hub is still alive and healthy afterwards.
 */
class QualityFloodTest {

    private static final int SERIES = 100_000;
    private static final int KEPT = 5_000; // hub.quality.max-series-per-enterprise, the default
    /** Real-time periods each series owes in October: sent once, 1 October 00:00, it is owed 30 days on. */
    private static final int QUARTERS = 30 * 96 + 1;
    private static final String ENTERPRISE = code("91330100QA1FL00D0");
    private static final String BASE = "/api/operator/quality";
    private static final String VIEWER_PASSWORD = "flood-viewer-pw";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private int port;

    private static String code(String first17) {
        return first17 + UnifiedSocialCreditCode.checkCharacter(first17);
    }

    @Test
    void aPackageOfAHundredThousandSeriesLeavesTheHubUpAndEveryAnswerBounded() throws Exception {
        Path dataDir = Files.createTempDirectory("hub-flood");
        Map<String, String> props = new HashMap<>(HubTest.hubProperties(dataDir, FreePort.next()));
        TestDatabase.create().ifPresent(url -> props.put("spring.datasource.url", url));
        props.put("hub.security.users.viewer.password-hash", new BCryptPasswordEncoder(4).encode(VIEWER_PASSWORD));
        props.put("hub.security.users.viewer.roles", "viewer");
        Path log = HubProcess.logFile("quality-flood").toPath();
        Files.deleteIfExists(log);

        FerryPackage flood = FerryPackage.of().name("quality-flood");
        for (int i = 0; i < SERIES; i++) {
            // process 00, unit 00, equipment i / 10000, class 02, energy type 3300, usage i % 10000: 18 digits
            String dataCode = String.format("0000%04d023300%04d", i / 10_000, i % 10_000);
            flood.line("{\"enterpriseCode\":\"" + ENTERPRISE + "\",\"regVersion\":\"1.0\",\"dicVersion\":\"1.0\","
                    + "\"dataCode\":\"" + dataCode + "\",\"dataValue\":\"1\",\"convertRation\":\"\",\"valid\":\"1\","
                    + "\"scope\":\"1\",\"inputType\":\"4\",\"statType\":\"0\",\"statDate\":\"2026-10-01 00:00:00\","
                    + "\"uploadDate\":\"2026-10-01 00:20:00\"}");
        }

        try (HubProcess hub = HubProcess.start(props, Map.of(),
                List.of("-Xms512m", "-Xmx1g", "-XX:+ExitOnOutOfMemoryError"), log)) {
            port = hub.httpPort();
            flood.dropInto(dataDir.resolve("ferry/inbox"));
            Path ackFile = dataDir.resolve("ferry/outbox").resolve(flood.dataFileName() + ".ack.json");
            await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                assertThat(hub.isAlive()).as("the hub process is alive; see " + log).isTrue();
                return Files.exists(ackFile);
            });
            JsonNode ack = JSON.readTree(Files.readString(ackFile));
            assertThat(ack.path("status").asText()).isEqualTo("PARTIAL");
            assertThat(ack.path("accepted").asInt()).isEqualTo(KEPT);
            assertThat(ack.path("rejected").asInt()).isEqualTo(SERIES - KEPT);
            assertThat(ack.path("errors").get(0).path("code").asText()).isEqualTo("TOO_MANY_SERIES");
            assertThat(ack.path("errors").get(0).path("line").asInt()).isEqualTo(KEPT + 1);
            assertThat(ack.path("errors").get(0).path("message").asText())
                    .contains("hub.quality.max-series-per-enterprise");

            // the page's first calls: the province and the enterprises below threshold, the flooded one first
            assertThat(get(BASE + "/province?month=2026-10").statusCode()).isEqualTo(200);
            HttpResponse<String> below = get(BASE + "/enterprises?month=2026-10&below=true&limit=100&offset=0");
            assertThat(below.statusCode()).isEqualTo(200);
            assertThat(below.headers().firstValue("X-Total-Count")).hasValue("1");
            JsonNode first = JSON.readTree(below.body()).get(0);
            assertThat(first.path("enterpriseCode").asText()).isEqualTo(ENTERPRISE);
            assertThat(first.path("series").asInt()).isEqualTo(KEPT);
            assertThat(first.path("expected").asLong()).isEqualTo((long) KEPT * QUARTERS);

            // the enterprise: a page of series (the largest, 500, by default), each with its first 100 holes
            HttpResponse<String> one = get(BASE + "/enterprises/" + ENTERPRISE + "?month=2026-10");
            assertThat(one.statusCode()).isEqualTo(200);
            assertThat(one.body().length()).as("bytes of the answer").isLessThan(8_000_000);
            JsonNode body = JSON.readTree(one.body());
            assertThat(body.path("seriesTotal").asInt()).isEqualTo(KEPT);
            assertThat(body.path("summary").path("received").asInt()).isEqualTo(KEPT);
            assertThat(body.path("series")).hasSize(500);
            for (JsonNode s : body.path("series")) {
                assertThat(s.path("missing")).hasSize(100);
                assertThat(s.path("missingCount").asInt()).isEqualTo(QUARTERS - 1);
            }
            assertThat(body.path("series").get(0).path("missing").get(0).asText()).isEqualTo("2026-10-01 00:15:00");
            assertThat(body.path("calendar")).hasSize(31);
            // the last page, and a page larger than the largest refused
            JsonNode last = JSON.readTree(get(BASE + "/enterprises/" + ENTERPRISE + "?month=2026-10&limit=100"
                    + "&offset=4950").body());
            assertThat(last.path("series")).hasSize(50);
            assertThat(last.path("series").get(49).path("dataCode").asText()).isEqualTo("000000000233004999");
            HttpResponse<String> tooMany = get(BASE + "/enterprises/" + ENTERPRISE + "?month=2026-10&limit=100000");
            assertThat(tooMany.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(tooMany.body()).path("error").asText()).contains("limit 100000", "500");

            // the holes CSV: streamed, at most max-csv-rows (100,000) rows, X-Total-Count of all its holes
            HttpResponse<InputStream> csv = http.send(request(BASE + "/enterprises/" + ENTERPRISE
                    + "?month=2026-10&format=csv"), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(csv.statusCode()).isEqualTo(200);
            assertThat(csv.headers().firstValue("X-Total-Count")).hasValue(Long.toString((long) KEPT * (QUARTERS - 1)));
            assertThat(csv.headers().firstValue("Content-Length")).as("streamed, not built first").isEmpty();
            long lines;
            try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(csv.body(),
                    StandardCharsets.UTF_8))) {
                lines = reader.lines().count();
            }
            assertThat(lines).isEqualTo(1 + 100_000);
            HttpResponse<String> page = get(BASE + "/enterprises/" + ENTERPRISE + "?month=2026-10&format=csv&limit=2"
                    + "&offset=" + (QUARTERS - 1));
            assertThat(page.body().lines().toList()).containsExactly("enterpriseCode,dataCode,statType,statDate",
                    ENTERPRISE + ",000000000233000001,0,2026-10-01 00:15:00",
                    ENTERPRISE + ",000000000233000001,0,2026-10-01 00:30:00");

            // the month's list as CSV: all enterprises, streamed
            assertThat(get(BASE + "/enterprises?month=2026-10&format=csv").body().lines().count()).isEqualTo(2);

            assertThat(hub.isAlive()).as("the hub process is alive; see " + log).isTrue();
            assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/actuator/health/liveness")).build(), HttpResponse.BodyHandlers.ofString()).body())
                    .contains("\"UP\"");
        }
    }

    private HttpRequest request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofMinutes(2))
                .header("Accept", path.contains("format=csv") ? "text/csv" : "application/json")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("viewer:" + VIEWER_PASSWORD)
                        .getBytes(StandardCharsets.UTF_8))).GET().build();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(request(path), HttpResponse.BodyHandlers.ofString());
    }
}

package energyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import energyhub.e2e.support.DeduplicatingPlatform;
import energyhub.e2e.support.FerryPackage;
import energyhub.e2e.support.FreePort;
import energyhub.e2e.support.HubProcess;
import energyhub.e2e.support.HubTest;
import energyhub.e2e.support.PlatformClient;
import energyhub.e2e.support.RunningHub;
import energyhub.e2e.support.TestDatabase;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * The recovery after a broker journal loss, end to end (docs/operations.md, "Recovery after a journal loss"), on
 * the packaged hub as its own process with the embedded broker, whose journal is {@code {hub.data-dir}/broker}.
 *
 * <p>A1 and A2 are delivered; the provincial platform consumes A1; the hub is stopped and the broker directory
 * copied (the backup). The hub is started again, B1, B2 and B3 are delivered, the provincial platform consumes A2
 * and B1. The hub is stopped, the broker directory is replaced by the backup (which holds A2 again and none of the
 * B's, for either platform), the hub is started. The operator re-delivers to the provincial platform over the
 * HTTP API from before A1 ("when in doubt, an earlier time"): its consumer, de-duplicating by
 * {@code hubBatchId}/{@code hubChunk} as the queue contract says, then holds every chunk and every record once,
 * having dropped the repeats (A2 from the restored journal, B1 re-delivered); the national queue got nothing from
 * it. Then the national platform's range from the backup's time: it too holds everything once.
 */
class JournalLossRecoveryTest {

    private static final String OPERATOR = "operator";
    private static final String OPERATOR_PASSWORD = "operator-journal-pw";
    private static final String VIEWER = "viewer";
    private static final String VIEWER_PASSWORD = "viewer-journal-pw";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ZoneOffset CHINA = ZoneOffset.ofHours(8);
    /** How long a platform's consumer waits for one more message before it takes the queue as drained. */
    private static final long IDLE_MS = 1500;

    @Test
    void aJournalReplacedByAnOlderCopyIsMadeWholeByReDeliveringTheRange() throws Exception {
        Path dataDir = Files.createTempDirectory("hub-journal-loss");
        Path backups = Files.createTempDirectory("hub-journal-backup");
        int brokerPort = FreePort.next();
        Map<String, String> props = new HashMap<>(HubTest.hubProperties(dataDir, brokerPort));
        TestDatabase.create().ifPresent(url -> props.put("spring.datasource.url", url));
        BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder(4);
        props.put("hub.security.users.operator.password-hash", bcrypt.encode(OPERATOR_PASSWORD));
        props.put("hub.security.users.operator.roles", "operator");
        props.put("hub.security.users.viewer.password-hash", bcrypt.encode(VIEWER_PASSWORD));
        props.put("hub.security.users.viewer.roles", "viewer");
        props.put("hub.audit.key", "journal-loss-test-audit-key");
        Path inbox = dataDir.resolve("ferry/inbox");
        Path outbox = dataDir.resolve("ferry/outbox");
        Path broker = dataDir.resolve("broker");
        Path log = HubProcess.logFile("journal-loss-recovery").toPath();
        Files.deleteIfExists(log);
        DeduplicatingPlatform provincialStore = new DeduplicatingPlatform();
        DeduplicatingPlatform nationalStore = new DeduplicatingPlatform();

        // A1: 600 + 30 records, three chunks (500 + 100 of one enterprise, 30 of the other); A2: one chunk
        FerryPackage a1 = FerryPackage.of().name("journal-a1").records(FerryPackage.ENTERPRISE, 600)
                .records(FerryPackage.OTHER_ENTERPRISE, 30);
        FerryPackage a2 = FerryPackage.of().name("journal-a2").records(FerryPackage.ENTERPRISE, 20);
        OffsetDateTime beforeA = OffsetDateTime.now(CHINA).minusMinutes(1);
        try (HubProcess hub = HubProcess.start(props, log)) {
            deliver(outbox, inbox, a1, a2);
            try (PlatformClient provincial = PlatformClient.provincial(brokerPort)) {
                provincialStore.take(provincial.drainBatch(a1.batchId(), IDLE_MS));
            }
            assertThat(provincialStore.chunks()).hasSize(3);
        }

        // the backup of the broker's journal: taken while the hub is stopped (Artemis cannot copy a running one)
        Path backup = backups.resolve("broker");
        copyTree(broker, backup);
        OffsetDateTime backupTime = OffsetDateTime.now(CHINA);

        FerryPackage b1 = FerryPackage.of().name("journal-b1").records(FerryPackage.ENTERPRISE, 10)
                .records(FerryPackage.OTHER_ENTERPRISE, 10);
        FerryPackage b2 = FerryPackage.of().name("journal-b2").records(FerryPackage.OTHER_ENTERPRISE, 700);
        FerryPackage b3 = FerryPackage.of().name("journal-b3").records(FerryPackage.ENTERPRISE, 5);
        List<FerryPackage> all = List.of(a1, a2, b1, b2, b3);
        try (HubProcess hub = HubProcess.start(props, log)) {
            deliver(outbox, inbox, b1, b2, b3);
            try (PlatformClient provincial = PlatformClient.provincial(brokerPort)) {
                provincialStore.take(provincial.drainBatch(a2.batchId(), IDLE_MS));
                provincialStore.take(provincial.drainBatch(b1.batchId(), IDLE_MS));
            }
            assertThat(provincialStore.chunks()).hasSize(3 + 1 + 2);
            assertThat(provincialStore.dropped()).isEmpty();
        }

        // the journal is lost: the files are swapped for the older copy while the hub is stopped
        Files.move(broker, dataDir.resolve("broker.lost"));
        copyTree(backup, broker);

        try (HubProcess hub = HubProcess.start(props, log)) {
            Map<String, Long> pks = new HashMap<>();
            Map<String, Set<String>> chunksOf = new HashMap<>();
            Set<String> everyChunk = new HashSet<>();
            for (FerryPackage p : all) {
                JsonNode batch = json(get(hub, "/api/operator/batches?batchId=" + p.batchId())).get(0);
                long pk = batch.path("id").asLong();
                pks.put(p.batchId(), pk);
                Set<String> chunks = new HashSet<>();
                for (JsonNode c : json(get(hub, "/api/operator/batches/" + pk)).path("chunks")) {
                    chunks.add(DeduplicatingPlatform.key(p.batchId(), c.path("seq").asInt()));
                }
                chunksOf.put(p.batchId(), chunks);
                everyChunk.addAll(chunks);
            }
            assertThat(everyChunk).hasSize(3 + 1 + 2 + 2 + 1);

            // what the restored journal gives the provincial platform: A2 again (dropped), and nothing of B2 or B3
            try (PlatformClient provincial = PlatformClient.provincial(brokerPort)) {
                provincialStore.take(provincial.drain(IDLE_MS));
            }
            assertThat(provincialStore.dropped()).containsExactlyInAnyOrderElementsOf(chunksOf.get(a2.batchId()));
            assertThat(provincialStore.chunks()).as("B2 and B3 were lost with the journal")
                    .doesNotContainAnyElementsOf(chunksOf.get(b2.batchId()))
                    .doesNotContainAnyElementsOf(chunksOf.get(b3.batchId()));

            // a viewer may not re-deliver; the operator re-delivers the provincial platform's range
            String provincialRange = "/api/operator/deliveries/provincial/redeliver?from=" + enc(beforeA) + "&to="
                    + enc(OffsetDateTime.now(CHINA));
            assertThat(post(hub, provincialRange, VIEWER, VIEWER_PASSWORD).statusCode()).isEqualTo(403);
            HttpResponse<String> answer = post(hub, provincialRange, OPERATOR, OPERATOR_PASSWORD);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(json(answer).path("due").asInt()).as("A1, A2, B1, B2, B3").isEqualTo(5);
            assertThat(json(answer).path("purged").asInt()).isZero();
            awaitDelivered(hub, "provincial", pks.values());

            try (PlatformClient provincial = PlatformClient.provincial(brokerPort)) {
                provincialStore.take(provincial.drain(IDLE_MS));
            }
            assertThat(provincialStore.chunks()).as("every chunk, none missing")
                    .containsExactlyInAnyOrderElementsOf(everyChunk);
            // A2 from the restored journal and B1 re-delivered reached the consumer again and were dropped by it;
            // A1's and A2's re-delivered copies the broker dropped itself (the restored journal remembers their
            // duplicate ids), B2 and B3 arrived for the first time
            List<String> repeats = new ArrayList<>(chunksOf.get(a2.batchId()));
            repeats.addAll(chunksOf.get(b1.batchId()));
            assertThat(provincialStore.dropped()).containsExactlyInAnyOrderElementsOf(repeats);
            assertEveryRecordOnce(provincialStore, all);

            // the national queue got nothing from that: it holds what the restored journal held, A1 and A2
            try (PlatformClient national = PlatformClient.national(brokerPort)) {
                assertThat(national.browse(a1.batchId())).hasSize(3);
                assertThat(national.browse(a2.batchId())).hasSize(1);
                for (FerryPackage b : List.of(b1, b2, b3)) {
                    assertThat(national.browse(b.batchId())).as("lost, and not re-delivered to national").isEmpty();
                }
            }

            // the national platform's queue lived in the same journal: its range from the backup's time
            String nationalRange = "/api/operator/deliveries/national/redeliver?from=" + enc(backupTime) + "&to="
                    + enc(OffsetDateTime.now(CHINA));
            HttpResponse<String> national = post(hub, nationalRange, OPERATOR, OPERATOR_PASSWORD);
            assertThat(national.statusCode()).as(national.body()).isEqualTo(200);
            assertThat(json(national).path("due").asInt()).as("B1, B2, B3").isEqualTo(3);
            awaitDelivered(hub, "national", pks.values());
            try (PlatformClient client = PlatformClient.national(brokerPort)) {
                nationalStore.take(client.drain(IDLE_MS));
            }
            assertThat(nationalStore.chunks()).containsExactlyInAnyOrderElementsOf(everyChunk);
            assertThat(nationalStore.dropped()).isEmpty();
            assertEveryRecordOnce(nationalStore, all);

            // each re-delivery is audited with who, the range and the counts; the viewer's attempt as refused
            JsonNode audit = json(get(hub, "/api/operator/audit?action=REDELIVER_RANGE"));
            assertThat(audit).hasSize(2);
            assertThat(audit.get(0).path("subject").asText()).startsWith("national ");
            assertThat(audit.get(1).path("subject").asText()).startsWith("provincial ");
            for (JsonNode row : audit) {
                assertThat(row.path("actor").asText()).isEqualTo(OPERATOR);
                assertThat(row.path("result").asText()).isEqualTo("OK");
            }
            assertThat(audit.get(1).path("detail").asText()).startsWith("5 deliveries due now with their original "
                    + "duplicate ids").contains("0 left out, bodies purged");
            assertThat(audit.get(0).path("detail").asText()).startsWith("3 deliveries due now");
            JsonNode denied = json(get(hub, "/api/operator/audit?action=ACCESS_DENIED&actor=" + VIEWER));
            assertThat(denied).extracting(d -> d.path("subject").asText())
                    .contains("POST /api/operator/deliveries/provincial/redeliver");
        }
        assertThat(Files.readAllLines(log)).as("no ERROR line in the hub's log, " + log)
                .noneMatch(line -> line.contains(" ERROR "));
    }

    /** Drops the packages into the inbox and waits until each is answered ACCEPTED (both queues hold its copies). */
    private static void deliver(Path outbox, Path inbox, FerryPackage... packages) throws Exception {
        for (FerryPackage p : packages) {
            p.dropInto(inbox);
        }
        for (FerryPackage p : packages) {
            assertThat(RunningHub.awaitAckIn(outbox, p).path("status").asText()).as(p.dataFileName())
                    .isEqualTo("ACCEPTED");
        }
    }

    /** Each package's records once each in the chunks the platform holds, every one of them. */
    private static void assertEveryRecordOnce(DeduplicatingPlatform store, List<FerryPackage> packages) {
        Map<String, Map<String, Integer>> records = store.recordsByBatch();
        assertThat(records.keySet()).containsExactlyInAnyOrderElementsOf(packages.stream().map(FerryPackage::batchId)
                .toList());
        for (FerryPackage p : packages) {
            Map<String, Integer> held = records.get(p.batchId());
            assertThat(held).as(p.dataFileName()).hasSize(p.recordCount());
            assertThat(held.values()).as(p.dataFileName() + ": no record twice").containsOnly(1);
        }
    }

    /** Waits until every delivery of these batches to the target is DELIVERED again (the operator API's view). */
    private static void awaitDelivered(HubProcess hub, String target, Iterable<Long> pks) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            for (long pk : pks) {
                for (JsonNode d : json(get(hub, "/api/operator/batches/" + pk)).path("deliveries")) {
                    if (d.path("target").asText().equals(target)) {
                        assertThat(d.path("status").asText()).as("batch #" + pk + " to " + target)
                                .isEqualTo("DELIVERED");
                    }
                }
            }
        });
    }

    /** Copies a stopped broker's directory, as {@code cp -a} does. */
    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static HttpResponse<String> get(HubProcess hub, String path) throws Exception {
        return send(hub, HttpRequest.newBuilder(hub.uri(path)).GET(), VIEWER, VIEWER_PASSWORD);
    }

    private static HttpResponse<String> post(HubProcess hub, String path, String user, String password)
            throws Exception {
        return send(hub, HttpRequest.newBuilder(hub.uri(path)).POST(HttpRequest.BodyPublishers.noBody()), user,
                password);
    }

    private static HttpResponse<String> send(HubProcess hub, HttpRequest.Builder request, String user,
            String password) throws Exception {
        request.timeout(Duration.ofSeconds(30)).header("Accept", "application/json").header("Authorization", "Basic "
                + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        return hub.http().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static String enc(OffsetDateTime t) {
        return URLEncoder.encode(t.toString(), StandardCharsets.UTF_8);
    }
}

package energyhub.e2e.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What the soak-style tests (a hub killed, its database stopped) check at the end: every package
 * ACCEPTED in the outbox, and each of its records exactly once in each platform's queue.
 */
public final class ExactlyOnce {

    private ExactlyOnce() {
    }

    /** ACK files in an outbox. */
    public static long acks(Path outbox) throws IOException {
        if (!Files.isDirectory(outbox)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(outbox)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".ack.json")).count();
        }
    }

    /** Each package's ACK says ACCEPTED with all its records, and both queues hold each record once. */
    public static void assertAcceptedOnceInEachQueue(Path outbox, List<FerryPackage> packages, int recordsEach,
            int brokerPort) throws Exception {
        assertAccepted(outbox, packages, recordsEach);
        try (PlatformClient national = PlatformClient.national(brokerPort);
                PlatformClient provincial = PlatformClient.provincial(brokerPort)) {
            assertOnceInEachQueue(national, provincial, packages, recordsEach);
        }
    }

    /** Each package's ACK says ACCEPTED with all its records, and both queues hold each record once. */
    public static void assertAcceptedOnceInEachQueue(Path outbox, List<FerryPackage> packages, int recordsEach,
            PlatformClient national, PlatformClient provincial) throws Exception {
        assertAccepted(outbox, packages, recordsEach);
        assertOnceInEachQueue(national, provincial, packages, recordsEach);
    }

    /** Each package's ACK file says ACCEPTED with all its records. */
    public static void assertAccepted(Path outbox, List<FerryPackage> packages, int recordsEach) throws IOException {
        ObjectMapper json = new ObjectMapper();
        for (FerryPackage p : packages) {
            JsonNode ack = json.readTree(outbox.resolve(p.dataFileName() + ".ack.json").toFile());
            assertThat(ack.get("status").asText()).as(p.dataFileName()).isEqualTo("ACCEPTED");
            assertThat(ack.get("accepted").asInt()).isEqualTo(recordsEach);
        }
    }

    private static void assertOnceInEachQueue(PlatformClient national, PlatformClient provincial,
            List<FerryPackage> packages, int recordsEach) throws Exception {
        assertOnce(national.drain(2000), packages, packages.size() * recordsEach);
        assertOnce(provincial.drain(2000), packages, packages.size() * recordsEach);
    }

    /**
     * The same for packages answered into several outboxes (a local inbox's and an SFTP server's): each
     * package's ACK in its outbox ACCEPTED, and both queues hold every record of all of them once.
     */
    public static void assertAcceptedOnceInEachQueue(java.util.Map<Path, List<FerryPackage>> outboxes, int recordsEach,
            PlatformClient national, PlatformClient provincial) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<FerryPackage> all = new java.util.ArrayList<>();
        for (var e : outboxes.entrySet()) {
            for (FerryPackage p : e.getValue()) {
                JsonNode ack = json.readTree(e.getKey().resolve(p.dataFileName() + ".ack.json").toFile());
                assertThat(ack.get("status").asText()).as(p.dataFileName()).isEqualTo("ACCEPTED");
                assertThat(ack.get("accepted").asInt()).isEqualTo(recordsEach);
            }
            all.addAll(e.getValue());
        }
        assertOnce(national.drain(2000), all, all.size() * recordsEach);
        assertOnce(provincial.drain(2000), all, all.size() * recordsEach);
    }

    /** Every record of every package once (by batch and record identity), no message twice, {@code records} in all. */
    static void assertOnce(List<PlatformClient.Received> messages, List<FerryPackage> packages, int records) {
        Set<String> seenMessages = new HashSet<>();
        Set<String> seenRecords = new HashSet<>();
        for (PlatformClient.Received m : messages) {
            assertThat(seenMessages.add(m.json().get("messageId").asText())).as("message sent twice").isTrue();
            for (JsonNode r : m.json().get("records")) {
                String key = m.batchId() + "|" + r.get("enterpriseCode").asText() + "|" + r.get("dataCode").asText()
                        + "|" + r.get("statDate").asText();
                assertThat(seenRecords.add(key)).as("record delivered twice: " + key).isTrue();
            }
        }
        assertThat(seenRecords).hasSize(records);
        assertThat(messages.stream().map(PlatformClient.Received::batchId).distinct())
                .containsExactlyInAnyOrderElementsOf(packages.stream().map(FerryPackage::batchId).toList());
    }
}

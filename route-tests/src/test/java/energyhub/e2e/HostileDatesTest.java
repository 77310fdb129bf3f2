package energyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import energyhub.e2e.support.ExchangeHubTest;
import energyhub.e2e.support.FerryPackage;
import energyhub.e2e.support.PlatformClient;
import energyhub.e2e.support.TcpClient;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Issue 20, item 7: a record dated {@code 0000-01-01 00:00:00} passed the validator, PostgreSQL refused its
 * ledger row, and its package was staged again every poll as "ledger database unavailable", never answered
 * (and over TCP the frame got no answer at all). Now such a date is an invalid record like any other, a data
 * exception the ledger raises anyway rejects the package with one answer, and a core that fails on a DATA
 * frame answers an ERROR frame.
 */
class HostileDatesTest extends ExchangeHubTest {

    private static final String YEAR_0 = "0000-01-01 00:00:00";

    private ListAppender<ILoggingEvent> log;

    @BeforeEach
    void captureLog() {
        log = new ListAppender<>();
        log.start();
        ((Logger) LoggerFactory.getLogger("energyhub")).addAppender(log);
    }

    @AfterEach
    void stopCapture() {
        ((Logger) LoggerFactory.getLogger("energyhub")).detachAppender(log);
    }

    /** A valid record of day {@code day} with its statDate (and, unless null, uploadDate) replaced. */
    private static String dated(String enterprise, int day, String statDate, String uploadDate) {
        String r = FerryPackage.record(enterprise, day, "7.5")
                .replace(String.format("\"2026-10-%02d 00:00:00\"", day), "\"" + statDate + "\"");
        return uploadDate == null ? r : r.replace("\"2026-11-01 01:10:05\"", "\"" + uploadDate + "\"");
    }

    private List<String> logLines(Level atLeast) {
        return log.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(atLeast))
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    /**
     * The package was answered and filed once and never submitted again: one batch row, one filing line
     * (archived or quarantined) and no "ledger database unavailable" (the loop of issue 20 logged that and
     * staged the package again every poll).
     */
    private void assertFiledOnce(FerryPackage pkg, String folder) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            try (var files = Files.walk(dataDir().resolve("ferry/" + folder))) { // the archive is by day
                return files.anyMatch(f -> f.getFileName().toString().equals(pkg.dataFileName()));
            }
        });
        assertThat(inbox().resolve(pkg.dataFileName() + ".manifest")).doesNotExist();
        assertThat(ledger.batches(pkg.batchId())).hasSize(1);
        assertThat(log.list).filteredOn(e -> e.getLoggerName().startsWith("energyhub.ferry"))
                .extracting(ILoggingEvent::getFormattedMessage)
                .filteredOn(l -> l.startsWith(pkg.dataFileName() + " ") && (l.contains("archived as")
                        || l.contains("rejected and quarantined"))).hasSize(1);
        assertThat(logLines(Level.WARN)).noneMatch(l -> l.contains("ledger database unavailable"));
    }

    private void assertValuesOnceInEachQueue(String batchId, List<String> statDates) throws Exception {
        for (PlatformClient platform : List.of(national, provincial)) {
            List<String> got = new ArrayList<>();
            platform.browse(batchId).forEach(m -> m.json().get("records").forEach(r -> got.add(r.get("statDate").asText())));
            assertThat(got).as(platform.toString()).containsExactlyInAnyOrderElementsOf(statDates);
        }
    }

    @Test
    void aFerryPackageWithOneRecordOfYear0IsPartialAndItsGoodRecordsDeliveredOnce() throws Exception {
        FerryPackage pkg = FerryPackage.of().records(FerryPackage.ENTERPRISE, 4)
                .line(dated(FerryPackage.ENTERPRISE, 5, YEAR_0, null))
                .records(FerryPackage.OTHER_ENTERPRISE, 1);
        pkg.dropInto(inbox());

        JsonNode ack = awaitAck(pkg);

        assertThat(ack.get("status").asText()).isEqualTo("PARTIAL");
        assertThat(ack.get("received").asInt()).isEqualTo(6);
        assertThat(ack.get("accepted").asInt()).isEqualTo(5);
        assertThat(ack.get("rejected").asInt()).isEqualTo(1);
        assertThat(ack.get("errors")).hasSize(1);
        JsonNode error = ack.get("errors").get(0);
        assertThat(error.get("line").asInt()).isEqualTo(5);
        assertThat(error.get("field").asText()).isEqualTo("statDate");
        assertThat(error.get("code").asText()).isEqualTo("OUT_OF_RANGE");
        assertThat(error.get("message").asText()).contains(YEAR_0).contains("2000 to 2099");
        assertValuesOnceInEachQueue(pkg.batchId(), List.of("2026-10-01 00:00:00", "2026-10-02 00:00:00",
                "2026-10-03 00:00:00", "2026-10-04 00:00:00", "2026-10-01 00:00:00"));
        assertFiledOnce(pkg, "archive");
        assertThat(ledger.batch(pkg.batchId())).containsEntry("status", "PARTIAL");
    }

    @Test
    void aFerryPackageOfOnlyOutOfRangeDatesIsRejected() throws Exception {
        FerryPackage pkg = FerryPackage.of()
                .line(dated(FerryPackage.ENTERPRISE, 1, YEAR_0, null))
                .line(dated(FerryPackage.ENTERPRISE, 2, YEAR_0, YEAR_0))
                .line(dated(FerryPackage.ENTERPRISE, 3, "2026-10-03 00:00:00", "9999-12-31 23:59:59"));
        pkg.dropInto(inbox());

        JsonNode ack = awaitAck(pkg);

        assertThat(ack.get("status").asText()).isEqualTo("REJECTED");
        assertThat(ack.get("accepted").asInt()).isZero();
        assertThat(ack.get("rejected").asInt()).isEqualTo(3);
        List<String> errors = new ArrayList<>();
        ack.get("errors").forEach(e -> errors.add(e.get("line").asInt() + ":" + e.get("field").asText() + ":"
                + e.get("code").asText()));
        assertThat(errors).containsExactly("1:statDate:OUT_OF_RANGE", "2:statDate:OUT_OF_RANGE",
                "2:uploadDate:OUT_OF_RANGE", "3:uploadDate:OUT_OF_RANGE");
        assertThat(national.browse(pkg.batchId())).isEmpty();
        assertThat(provincial.browse(pkg.batchId())).isEmpty();
        assertFiledOnce(pkg, "archive"); // taken and answered: only its records are refused
    }

    @Test
    void overTcpARecordOfYear0IsNamedInTheAckAndTheConnectionStaysUsable() throws Exception {
        String partialId = UUID.randomUUID().toString();
        String rejectedId = UUID.randomUUID().toString();
        try (TcpClient client = new TcpClient(TCP_PORT)) {
            assertThat(client.login(TCP_CLIENT, TCP_SECRET).get("type").asText()).isEqualTo("LOGIN_OK");

            JsonNode partial = client.call(TcpClient.data(partialId, List.of(
                    FerryPackage.record(FerryPackage.ENTERPRISE, 11, "1.5"), dated(FerryPackage.ENTERPRISE, 12, YEAR_0, null))));

            assertThat(partial.get("type").asText()).isEqualTo("ACK");
            assertThat(partial.get("status").asText()).isEqualTo("PARTIAL");
            assertThat(partial.get("errors").get(0).get("line").asInt()).isEqualTo(2);
            assertThat(partial.get("errors").get(0).get("field").asText()).isEqualTo("statDate");
            assertThat(partial.get("errors").get(0).get("code").asText()).isEqualTo("OUT_OF_RANGE");
            assertValuesOnceInEachQueue(partialId, List.of("2026-10-11 00:00:00"));

            // the same connection answers the next frame: a batch of only such records
            JsonNode rejected = client.call(TcpClient.data(rejectedId, List.of(
                    dated(FerryPackage.ENTERPRISE, 13, YEAR_0, YEAR_0))));

            assertThat(rejected.get("type").asText()).isEqualTo("ACK");
            assertThat(rejected.get("status").asText()).isEqualTo("REJECTED");
            assertThat(rejected.get("errors")).extracting(e -> e.get("field").asText())
                    .containsExactly("statDate", "uploadDate");
            assertThat(national.browse(rejectedId)).isEmpty();
            assertThat(client.call("{\"type\":\"HEARTBEAT\"}").get("type").asText()).isEqualTo("HEARTBEAT");
        }
        assertThat(ledger.batches(partialId)).hasSize(1);
        assertThat(ledger.batches(rejectedId)).hasSize(1);
        assertThat(logLines(Level.WARN)).noneMatch(l -> l.contains("ledger database unavailable"));
    }

    /**
     * Makes the ledger refuse the chunks of one batch with the given SQLState, as PostgreSQL refuses a value
     * it cannot store; undone by {@link #ledgerTakesEverything}.
     */
    private void ledgerRefusesChunksOf(String batchId, String sqlState) {
        jdbc.execute("create or replace function hub_test_refuse() returns trigger language plpgsql as $$ begin "
                + "if new.message_id like '" + batchId + "-%' then raise exception 'test: value refused' using "
                + "errcode = '" + sqlState + "'; end if; return new; end $$");
        jdbc.execute("drop trigger if exists hub_test_refuse on chunk");
        jdbc.execute("create trigger hub_test_refuse before insert on chunk for each row execute function hub_test_refuse()");
    }

    private void ledgerTakesEverything() {
        jdbc.execute("drop trigger if exists hub_test_refuse on chunk");
        jdbc.execute("drop function if exists hub_test_refuse()");
    }

    @Test
    void aDataExceptionOfTheLedgerRejectsThePackageOnceInsteadOfAnOutageLoop() throws Exception {
        FerryPackage pkg = FerryPackage.of().records(FerryPackage.ENTERPRISE, 3);
        ledgerRefusesChunksOf(pkg.batchId(), "22008"); // datetime_field_overflow, what year 0000 raised
        try {
            pkg.dropInto(inbox());

            JsonNode ack = awaitAck(pkg);

            assertThat(ack.get("status").asText()).isEqualTo("REJECTED");
            assertThat(ack.get("errors")).hasSize(1);
            assertThat(ack.get("errors").get(0).get("line").asInt()).isZero();
            assertThat(ack.get("errors").get(0).get("code").asText()).isEqualTo("LEDGER_REFUSED");
            assertThat(ack.get("errors").get(0).get("message").asText()).contains("22008");
            assertThat(national.browse(pkg.batchId())).isEmpty();
            assertThat(provincial.browse(pkg.batchId())).isEmpty();
            assertFiledOnce(pkg, "quarantine");
            Map<String, Object> batch = ledger.batch(pkg.batchId());
            assertThat(batch).containsEntry("status", "REJECTED");
            assertThat(ledger.deliveries((Long) batch.get("id"))).isEmpty();
            // one line naming the package and the cause
            assertThat(logLines(Level.WARN)).filteredOn(l -> l.contains(pkg.batchId()) && l.contains("22008")).hasSize(1);
        } finally {
            ledgerTakesEverything();
        }
    }

    @Test
    void aCoreFailingOnADataFrameAnswersAnErrorFrameAndTheBatchCanBeReplayed() throws Exception {
        String batchId = UUID.randomUUID().toString();
        String frame = TcpClient.data(batchId, List.of(FerryPackage.record(FerryPackage.ENTERPRISE, 21, "3.5")));
        ledgerRefusesChunksOf(batchId, "XX000"); // internal_error: not the data, the hub's own failure
        try (TcpClient client = new TcpClient(TCP_PORT)) {
            assertThat(client.login(TCP_CLIENT, TCP_SECRET).get("type").asText()).isEqualTo("LOGIN_OK");

            JsonNode error = client.call(frame);

            assertThat(error.get("type").asText()).isEqualTo("ERROR");
            assertThat(error.get("code").asText()).isEqualTo("INTERNAL");
            assertThat(error.get("message").asText()).doesNotContain("test: value refused"); // no internals
            assertThat(client.closedByHub()).isTrue();
        } finally {
            ledgerTakesEverything();
        }
        assertThat(ledger.batches(batchId)).isEmpty(); // nothing of it was kept
        assertThat(logLines(Level.ERROR)).filteredOn(l -> l.contains("answered ERROR INTERNAL")).hasSize(1);
        // the client replays the batch on a new connection and it is taken
        try (TcpClient client = new TcpClient(TCP_PORT)) {
            client.login(TCP_CLIENT, TCP_SECRET);
            JsonNode ack = client.call(frame);
            assertThat(ack.get("status").asText()).isEqualTo("ACCEPTED");
        }
        assertValuesOnceInEachQueue(batchId, List.of("2026-10-21 00:00:00"));
    }
}

package energyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import energyhub.e2e.support.ExchangeHubTest;
import energyhub.e2e.support.FerryPackage;
import energyhub.e2e.support.PlatformClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The ferry routes' failure policy ({@code ferry-failure-policy}) with a failure the hub does not
 * expect: the archive folder of the second local inbox cannot be created (a file stands in its way),
 * so filing an answered package throws. The package stays in the inbox; the failure is logged as one
 * ERROR line per attempt with its stack trace only the first time; attempts back off instead of
 * repeating every poll; nothing is delivered twice; once the cause is gone the package is filed.
 */
class FerryFailurePolicyTest extends ExchangeHubTest {

    @Test
    void anUnexpectedFailureIsLoggedOnceWithItsTraceBackedOffAndRecoveredWithoutDuplicates() throws Exception {
        Path inbox = DATA_DIR.resolve("gate-2/inbox");
        Path outbox = DATA_DIR.resolve("gate-2/outbox");
        Path day = DATA_DIR.resolve("ferry/archive/gate-2")
                .resolve(LocalDate.now(ZoneId.of("Asia/Shanghai")).format(DateTimeFormatter.ofPattern("yyyy/MM/dd")));
        Path aside = day.resolveSibling(day.getFileName() + ".aside");
        boolean existed = Files.isDirectory(day);
        if (existed) {
            Files.move(day, aside);
        }
        Files.createDirectories(day.getParent());
        Files.writeString(day, "in the way");

        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger failuresLog = context.getLogger("energyhub.ferry.FerryFailures");
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.setContext(context);
        events.start();
        failuresLog.addAppender(events);
        FerryPackage pkg = FerryPackage.of().records(FerryPackage.ENTERPRISE, 3);
        try {
            pkg.dropInto(inbox);
            assertThat(awaitAckIn(outbox, pkg).get("status").asText()).isEqualTo("ACCEPTED");
            await().atMost(Duration.ofSeconds(30)).until(() -> about(events, pkg).size() >= 3);
            List<ILoggingEvent> failures = about(events, pkg);
            assertThat(failures).allMatch(e -> e.getLevel() == Level.ERROR);
            assertThat(failures.get(0).getThrowableProxy()).isNotNull();
            assertThat(failures.subList(1, failures.size())).allMatch(e -> e.getThrowableProxy() == null);
            assertThat(failures.get(1).getFormattedMessage()).contains("failed again (attempt 2)").contains("tried again in");
            // backed off (hub.ferry.poll-interval is 200 ms here): 3 attempts take at least 0.4 + 0.8 s, not 2 polls
            assertThat(failures.get(2).getTimeStamp() - failures.get(0).getTimeStamp()).isGreaterThanOrEqualTo(1_150);
            assertThat(inbox.resolve(pkg.dataFileName())).exists();
        } finally {
            Files.delete(day);
            if (existed) {
                Files.move(aside, day);
            }
        }
        // the cause is gone: the package is filed at its next attempt, and it was delivered once
        await().atMost(Duration.ofSeconds(60)).until(() -> !Files.exists(inbox.resolve(pkg.dataFileName())));
        failuresLog.detachAppender(events);
        assertThat(day.resolve(pkg.dataFileName())).exists();
        assertThat(about(events, pkg).size()).isLessThanOrEqualTo(6);
        for (PlatformClient platform : List.of(national, provincial)) {
            assertThat(platform.browse(pkg.batchId()).stream().mapToInt(PlatformClient.Received::records).sum()).isEqualTo(3);
        }
        assertThat(ledger.batches(pkg.batchId())).extracting(b -> b.get("status")).containsExactly("ACCEPTED");
        try (Stream<Path> files = Files.list(inbox)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(pkg.dataFileName()));
        }
    }

    private static List<ILoggingEvent> about(ListAppender<ILoggingEvent> events, FerryPackage pkg) {
        synchronized (events.list) {
            return events.list.stream().filter(e -> e.getFormattedMessage().contains(pkg.dataFileName())).toList();
        }
    }
}

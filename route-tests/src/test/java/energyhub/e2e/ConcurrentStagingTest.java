package energyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import energyhub.e2e.support.FerryPackage;
import energyhub.e2e.support.HubTest;
import energyhub.routing.BatchStager;
import energyhub.routing.BatchSubmission;
import energyhub.routing.IntakeOutcome;
import energyhub.routing.NumberedLine;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Two hubs on one ledger stage the same package at the same moment (each claimed it while the other's claim
 * had lapsed, or one package came in through two intakes): the hub whose staging commits second waits on the
 * ledger's once-per-batch index and is then answered as a re-read of what the first staged, never as a
 * ledger outage and never staged twice.
 */
class ConcurrentStagingTest extends HubTest {

    @Autowired
    BatchStager stager;
    @Autowired
    PlatformTransactionManager transactions;

    @Test
    void theSecondOfTwoSimultaneousStagingsIsAnsweredAsARereadOfTheFirst() throws Exception {
        String batchId = UUID.randomUUID().toString();
        BatchSubmission submission = new BatchSubmission(batchId, "ferry-inbox", batchId + ".jsonl", "SHA-256",
                "d1e8", 100L, 1, () -> Stream.of(new NumberedLine(1, FerryPackage.record(FerryPackage.ENTERPRISE, 1,
                        "2.5"))), null, null, null);

        // the other hub: its staging has written the batch and not committed yet
        CountDownLatch staged = new CountDownLatch(1);
        CountDownLatch commit = new CountDownLatch(1);
        CompletableFuture<IntakeOutcome> otherHub = CompletableFuture.supplyAsync(() ->
                new TransactionTemplate(transactions).execute(status -> {
                    IntakeOutcome outcome = stager.stage(submission);
                    staged.countDown();
                    awaitQuietly(commit);
                    return outcome;
                }));
        assertThat(staged.await(30, TimeUnit.SECONDS)).isTrue();

        // this hub stages the same package: its insert waits on the other's uncommitted row
        CompletableFuture<IntakeOutcome> thisHub = CompletableFuture.supplyAsync(() -> stager.stage(submission));
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject("select count(*) from pg_stat_activity "
                + "where datname = current_database() and wait_event_type = 'Lock'", Integer.class) > 0);
        commit.countDown();

        assertThat(otherHub.get(30, TimeUnit.SECONDS).disposition()).isEqualTo(IntakeOutcome.Disposition.STAGED);
        IntakeOutcome second = thisHub.get(30, TimeUnit.SECONDS);
        assertThat(second.disposition()).isEqualTo(IntakeOutcome.Disposition.RESUMED);
        assertThat(jdbc.queryForObject("select count(*) from batch where batch_id = ?", Integer.class, batchId))
                .as("batches of that id in the ledger").isEqualTo(1);
        // and the one staging is delivered once to each platform (delivery-sweep takes its pending deliveries)
        await().atMost(Duration.ofSeconds(60)).until(() -> national.browse(batchId).size() == 1
                && provincial.browse(batchId).size() == 1);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never let the other hub commit");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

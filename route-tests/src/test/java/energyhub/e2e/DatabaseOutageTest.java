package energyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import energyhub.e2e.support.ExactlyOnce;
import energyhub.e2e.support.FerryPackage;
import energyhub.e2e.support.FreePort;
import energyhub.e2e.support.HubProcess;
import energyhub.e2e.support.HubTest;
import energyhub.e2e.support.PlatformClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The ledger's PostgreSQL dies (immediate shutdown: no checkpoint, connections cut) while packages
 * are being delivered, and comes back a minute later on the same data. The hub, never restarted,
 * then answers every package and has every record once in each platform queue: deliveries caught
 * between their claim and their result are taken over by delivery-sweep when their lease lapses,
 * unanswered batches are answered. The test runs a PostgreSQL of its own (the shared one at 5432 is
 * never touched) and the packaged hub as a process.
 */
class DatabaseOutageTest {

    private static final int PACKAGES = 16;
    private static final int RECORDS = 700; // two chunks per package and target

    private Path pgData;
    private File pgCtl;
    private EmbeddedPostgres postgres;

    @Test
    void aDatabaseOutageMidFlowIsRecoveredWithoutARestartOfTheHub() throws Exception {
        Path dataDir = Files.createTempDirectory("hub-db-outage");
        pgData = Files.createTempDirectory("hub-db-outage-pg");
        int pgPort = FreePort.next();
        // durable commits, as the hub's database must run: zonky's test defaults (synchronous_commit=off,
        // fsync=off) acknowledge a commit before it is in the WAL, and a crash then loses a staged batch
        // whose package the intake has already archived (stack.md finding 14)
        postgres = EmbeddedPostgres.builder().setDataDirectory(pgData).setCleanDataDirectory(false).setPort(pgPort)
                .setServerConfig("synchronous_commit", "on").setServerConfig("fsync", "on").start();
        pgCtl = pgCtl(postgres);

        int brokerPort = FreePort.next();
        Map<String, String> props = new HashMap<>(HubTest.hubProperties(dataDir, brokerPort));
        props.put("spring.datasource.url", "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres");
        props.put("spring.datasource.username", "postgres");
        // a claim whose result could not be recorded is free again this soon after its last renewal
        props.put("hub.routing.claim-lease", "15s");
        props.put("spring.datasource.hikari.connection-timeout", "3000");
        Path inbox = dataDir.resolve("ferry/inbox");
        Path outbox = dataDir.resolve("ferry/outbox");
        Path log = HubProcess.logFile("database-outage").toPath();
        Files.deleteIfExists(log);

        List<FerryPackage> packages = new ArrayList<>();
        try (HubProcess hub = HubProcess.start(props, log)) {
            for (int i = 0; i < PACKAGES; i++) {
                packages.add(FerryPackage.of().name(String.format("outage-%02d", i))
                        .records(i % 2 == 0 ? FerryPackage.ENTERPRISE : FerryPackage.OTHER_ENTERPRISE, RECORDS)
                        .dropInto(inbox));
            }
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20))
                    .until(() -> ExactlyOnce.acks(outbox) >= 2);
            stopImmediately();
            long answeredAtStop = ExactlyOnce.acks(outbox);
            assertThat(answeredAtStop).as("stopped mid-flow").isLessThan(PACKAGES);

            // a minute without the database: the hub stays up and answers nothing it cannot record
            // (an ACK already handed over when the database died may still be written in the first seconds)
            long[] settled = {-1};
            await().pollDelay(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10)).until(() -> {
                settled[0] = ExactlyOnce.acks(outbox);
                return true;
            });
            await().during(Duration.ofSeconds(55)).atMost(Duration.ofSeconds(70))
                    .until(() -> hub.isAlive() && ExactlyOnce.acks(outbox) == settled[0]);
            assertThat(settled[0]).isLessThan(PACKAGES);

            pgCtl("-w", "-t", "60", "-l", pgData.resolve("restart.log").toString(), "-o",
                    "-p " + pgPort + " -c timezone=UTC -c max_connections=300 -c synchronous_commit=on -c fsync=on", "start");

            try {
                await().atMost(Duration.ofSeconds(180)).until(() -> ExactlyOnce.acks(outbox) == PACKAGES);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                Files.writeString(log.resolveSibling("database-outage-threads.txt"), hub.threadDump() + "\n\n"
                        + sessions(pgPort));
                throw e;
            }
            assertThat(hub.isAlive()).as("never restarted").isTrue();
            ExactlyOnce.assertAcceptedOnceInEachQueue(outbox, packages, RECORDS, brokerPort);
        }
        String hubLog = Files.readString(log);
        assertThat(hubLog).contains("ledger database unavailable").contains("ledger database answers again");
        assertThat(hubLog.lines().filter(l -> l.contains("ledger database unavailable")).count())
                .as("one WARN line per outage").isEqualTo(1);
    }

    @AfterEach
    void stopPostgres() throws Exception {
        if (pgCtl != null) {
            try {
                pgCtl("-m", "fast", "stop");
            } catch (RuntimeException alreadyStopped) {
                // the test failed while it was down
            }
        }
        if (postgres != null) {
            try {
                postgres.close();
            } catch (Exception stoppedAbove) {
                // pg_ctl stopped it already
            }
        }
    }

    /** What the database's sessions are doing, for the log of a test that waited in vain. */
    private static String sessions(int port) {
        try (var c = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres",
                "postgres", "")) {
            StringBuilder out = new StringBuilder();
            var rs = c.createStatement().executeQuery("select pid, state, wait_event_type, wait_event, "
                    + "pg_blocking_pids(pid), xact_start, left(query, 300) from pg_stat_activity");
            while (rs.next()) {
                for (int i = 1; i <= 7; i++) {
                    out.append(rs.getString(i)).append(" | ");
                }
                out.append('\n');
            }
            return out.toString();
        } catch (Exception e) {
            return "no sessions: " + e;
        }
    }

    /** What {@code pg_ctl -m immediate stop} does: SIGQUIT to the postmaster, which ends every backend at once. */
    private void stopImmediately() throws Exception {
        long pid = Long.parseLong(Files.readAllLines(pgData.resolve("postmaster.pid")).get(0).trim());
        new ProcessBuilder("kill", "-QUIT", String.valueOf(pid)).inheritIO().start().waitFor();
        await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
    }

    private void pgCtl(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            // PostgreSQL refuses to run as root; zonky runs it in a user namespace the same way
            command.addAll(List.of("unshare", "-U"));
        }
        command.addAll(List.of(pgCtl.getPath(), "-D", pgData.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(pgData.resolve("pg_ctl.log").toFile())).start();
        if (!p.waitFor(90, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("pg_ctl " + args[args.length - 1] + " failed: "
                    + Files.readString(pgData.resolve("pg_ctl.log")));
        }
    }

    /** zonky's unpacked binaries: pg_ctl beside the postgres it started. */
    private static File pgCtl(EmbeddedPostgres pg) throws Exception {
        var field = EmbeddedPostgres.class.getDeclaredField("pgDir");
        field.setAccessible(true);
        return new File((File) field.get(pg), "bin/pg_ctl");
    }
}

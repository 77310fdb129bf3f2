package energyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import energyhub.e2e.support.ExactlyOnce;
import energyhub.e2e.support.ExchangeHubTest;
import energyhub.e2e.support.FerryPackage;
import energyhub.e2e.support.ArtemisPair;
import energyhub.e2e.support.HubProcess;
import energyhub.e2e.support.PlatformClient;
import energyhub.e2e.support.HubTest;
import energyhub.e2e.support.SftpServer;
import energyhub.e2e.support.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Two hub processes on one PostgreSQL database and one external Artemis primary/backup pair, configured alike: the same ferry inbox
 * and outbox, the same SFTP exchange server folder, the same supplier schedule. Each package is read
 * and answered by one hub only (intake claims in PostgreSQL), each scheduled pull fires on one hub
 * only (Quartz's clustered JDBC store), and when one hub is killed with SIGKILL mid-flow the other
 * finishes what it had claimed: its file claims lapse ({@code hub.cluster.claim-max-age}) and its
 * delivery leases lapse ({@code hub.routing.claim-lease}), both by the database's clock.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoHubsSharedInboxTest {

    private static final int LOCAL_PACKAGES = 500;
    private static final int SFTP_PACKAGES = 20;
    private static final int RECORDS = 3;
    /** A package filed by a hub: FerryPackages' one line per answered package. */
    private static final Pattern FILED = Pattern.compile("(\\S+\\.jsonl) \\S+ \\(batch #\\d+\\), archived as");

    /** The external Artemis primary/backup pair both hubs use (started from the distribution, as in production). */
    private ArtemisPair broker;
    private SftpServer exchange;
    private SftpServer supplier;
    private String database;
    private JdbcTemplate jdbc;
    private Path shared;
    private final Map<String, HubProcess> hubs = new TreeMap<>();
    private final Map<String, Path> logs = new TreeMap<>();

    @BeforeAll
    void startTwoHubs() throws Exception {
        database = TestDatabase.create().orElse(null);
        Assumptions.assumeTrue(database != null, "two hubs share one PostgreSQL: needs the one at 127.0.0.1:5432");
        jdbc = new JdbcTemplate(new DriverManagerDataSource(database, "postgres", ""));
        broker = ArtemisPair.start(Files.createTempDirectory("two-hubs-broker"));
        shared = Files.createTempDirectory("hub-shared");
        exchange = SftpServer.start(shared.resolve("exchange"));
        supplier = SftpServer.start(shared.resolve("supplier"));
        for (String hub : List.of("a", "b")) {
            Path log = HubProcess.logFile("two-hubs-" + hub).toPath();
            Files.deleteIfExists(log);
            logs.put(hub, log);
            hubs.put(hub, HubProcess.start(settings(hub), log));
        }
    }

    private Map<String, String> settings(String hub) throws IOException {
        Path dataDir = Files.createTempDirectory("hub-" + hub);
        Map<String, String> p = new HashMap<>(HubTest.hubProperties(dataDir, 0));
        p.putAll(broker.hubProperties()); // hub.broker.embedded=false, the pair's URL and accounts
        p.put("spring.datasource.url", database);
        p.put("hub.routing.instance-id", "hub-" + hub);
        // the shared folders
        p.put("hub.ferry.inbox", shared.resolve("inbox").toString());
        p.put("hub.ferry.outbox", shared.resolve("outbox").toString());
        p.putAll(ExchangeHubTest.sftpSourceProperties("exchange", exchange, exchange.knownHosts(dataDir.resolve("known_hosts"))));
        // a dead hub's file claims and delivery leases lapse within seconds here (a minute in production)
        p.put("hub.cluster.claim-max-age", "8s");
        p.put("hub.cluster.claim-keep-alive", "1s");
        p.put("hub.cluster.claim-release-delay", "1s");
        p.put("hub.routing.claim-lease", "10s");
        // each claim taken, refused and given up, in target/hub-process-logs/two-hubs-*.log, for a failure to be read
        p.put("logging.level.org.apache.camel.processor.idempotent.jdbc", "DEBUG");
        // one supplier pull on both hubs, every two seconds: each poll is one SSH session at the supplier
        p.put("hub.suppliers.pull.type", "electricity-csv");
        p.put("hub.suppliers.pull.supplier-code", "YNDW");
        p.put("hub.suppliers.pull.source", "sftp://127.0.0.1:" + supplier.port() + "/inbound");
        p.put("hub.suppliers.pull.schedule", "0/2 * * * * ?");
        p.put("hub.suppliers.pull.username", "hub");
        p.put("hub.suppliers.pull.private-key-file", SftpServer.CLIENT_KEYS.resolve("id_rsa").toString());
        p.put("hub.suppliers.pull.known-hosts-file", supplier.knownHosts(dataDir.resolve("supplier_known_hosts")).toString());
        return p;
    }

    @AfterAll
    void stopHubs() throws Exception {
        for (HubProcess hub : hubs.values()) {
            hub.close();
        }
        if (exchange != null) {
            exchange.close();
        }
        if (supplier != null) {
            supplier.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    @Order(1)
    void aPullScheduledOnBothHubsFiresOncePerSchedule() {
        Instant from = Instant.now();
        // five fire times (every 2 s) after both hubs are up
        await().atMost(Duration.ofSeconds(30)).until(() -> firesSince(from).size() >= 6);
        Map<Long, Long> fires = firesSince(from);
        // the first and the last slot may be cut by the window; every whole one had exactly one poll
        List<Long> slots = new ArrayList<>(fires.keySet());
        for (Long slot : slots.subList(1, slots.size() - 1)) {
            assertThat(fires.get(slot)).as("polls of the supplier at %s", Instant.ofEpochSecond(slot * 2)).isEqualTo(1);
        }
    }

    /** SSH sessions the supplier's server saw since a moment, per two-second cron slot. */
    private Map<Long, Long> firesSince(Instant from) {
        return supplier.sessionStarts().stream().filter(t -> t.isAfter(from))
                .collect(Collectors.groupingBy(t -> t.getEpochSecond() / 2, TreeMap::new, Collectors.counting()));
    }

    @Test
    @Order(2)
    void eachPackageIsProcessedByOneHubAndAKilledHubsWorkIsFinishedByTheOther() throws Exception {
        Path inbox = shared.resolve("inbox");
        Path outbox = shared.resolve("outbox");
        List<FerryPackage> local = new ArrayList<>();
        List<FerryPackage> remote = new ArrayList<>();
        for (int i = 0; i < SFTP_PACKAGES; i++) {
            remote.add(FerryPackage.of().name(String.format("remote-%02d", i))
                    .records(i % 2 == 0 ? FerryPackage.ENTERPRISE : FerryPackage.OTHER_ENTERPRISE, RECORDS)
                    .dropInto(exchange.inbound()));
        }
        for (int i = 0; i < LOCAL_PACKAGES; i++) {
            local.add(FerryPackage.of().name(String.format("local-%03d", i))
                    .records(i % 2 == 0 ? FerryPackage.ENTERPRISE : FerryPackage.OTHER_ENTERPRISE, RECORDS)
                    .dropInto(inbox));
        }

        // kill one hub mid-flow, while it is busy: both have answered packages, most are not answered yet, and
        // the victim is sending one right now (between two polls of the inbox it would have nothing in hand)
        String victim = "a";
        String survivor = victim.equals("a") ? "b" : "a";
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
                .until(() -> filed(victim).size() >= 20 && filed(survivor).size() >= 20
                        && jdbc.queryForObject("select count(*) from delivery where status = 'SENDING' "
                                + "and claimed_by = ?", Integer.class, "hub-" + victim) > 0);
        hubs.get(victim).kill();
        Timestamp killedAt = jdbc.queryForObject("select now()", Timestamp.class);
        List<Map<String, Object>> victimsDeliveries = jdbc.queryForList("select batch_pk, target from delivery "
                + "where status = 'SENDING' and claimed_by = ?", "hub-" + victim);
        long answeredAtKill = ExactlyOnce.acks(outbox) + ExactlyOnce.acks(exchange.outbound());
        assertThat(answeredAtKill).as("killed mid-flow").isLessThan(LOCAL_PACKAGES + SFTP_PACKAGES);
        // the claims the killed hub left: not kept alive since the kill (the survivor refreshes its own every second)
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() ->
                jdbc.queryForObject("select now() > ?::timestamptz + interval '2500 milliseconds'", Boolean.class, killedAt));
        Set<String> victimsClaims = new HashSet<>(jdbc.queryForList("select messageid from camel_messageprocessed "
                + "where createdat <= ?::timestamptz", String.class, killedAt));
        Set<String> filedByVictim = filed(victim);
        // in hand at the kill: every package the killed hub still claimed. It may have filed one of them (its log
        // line) without its exchange ending (an SFTP package's remote files are moved on commit, after that line);
        // the survivor then reads it again and answers it RESUMED with the same ACK.
        Set<String> inHand = victimsClaims.stream().map(TwoHubsSharedInboxTest::dataName).collect(Collectors.toSet());
        Set<String> inFlight = inHand.stream().filter(name -> !filedByVictim.contains(name)).collect(Collectors.toSet());
        assertThat(inFlight.size() + victimsDeliveries.size()).as("the killed hub had work in hand").isPositive();

        // the survivor answers every package, the killed hub's too
        await().atMost(Duration.ofSeconds(120)).until(() -> ExactlyOnce.acks(outbox) == LOCAL_PACKAGES
                && ExactlyOnce.acks(exchange.outbound()) == SFTP_PACKAGES);
        // filed too: a manifest the killed hub left between its two moves is answered again and filed (its failure
        // message names what is left)
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(leftIn(inbox)).as("left in the inbox").isEmpty();
            assertThat(leftIn(exchange.inbound())).as("left in the exchange server's inbound folder").isEmpty();
        });
        try (PlatformClient national = broker.national(); PlatformClient provincial = broker.provincial()) {
            ExactlyOnce.assertAcceptedOnceInEachQueue(Map.of(outbox, local, exchange.outbound(), remote), RECORDS,
                    national, provincial);
        }

        // one hub answered each package: filed once in all, what the killed hub had in hand by the survivor
        Set<String> filedBySurvivor = filed(survivor);
        Set<String> both = new HashSet<>(filedBySurvivor);
        both.retainAll(filedByVictim);
        assertThat(both).as("packages filed by both hubs: only what the killed hub still had in hand").isSubsetOf(inHand);
        assertThat(filedBySurvivor).containsAll(inFlight);
        for (Map<String, Object> d : victimsDeliveries) {
            assertThat(jdbc.queryForObject("select status from delivery where batch_pk = ? and target = ?", String.class,
                    d.get("batch_pk"), d.get("target"))).as("delivery %s the killed hub was sending", d).isEqualTo("DELIVERED");
        }

        // the ledger: each batch once, ACCEPTED, answered once; no second reading answered DUPLICATE
        int all = LOCAL_PACKAGES + SFTP_PACKAGES;
        assertThat(jdbc.queryForList("select status, count(*) as n from batch group by status"))
                .containsExactly(Map.of("status", "ACCEPTED", "n", (long) all));
        assertThat(jdbc.queryForObject("select count(distinct batch_id) from batch", Long.class)).isEqualTo(all);
        // the audit chain both hubs appended to: every batch received once and answered; answered twice
        // only a package the killed hub had answered but not yet moved (the survivor reads it again,
        // RESUMED, and hands the same ACK over again, as after a single hub's crash)
        await().atMost(Duration.ofSeconds(30)).until(() ->
                jdbc.queryForObject("select count(*) from audit_pending", Long.class) == 0
                        && jdbc.queryForObject("select count(distinct subject) from audit_event where action = 'ACK_SENT'",
                                Long.class) == all);
        assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'BATCH_RECEIVED'", Long.class))
                .isEqualTo(all);
        assertThat(jdbc.queryForList("select b.file_name from batch b where (select count(*) from audit_event e "
                + "where e.action = 'ACK_SENT' and e.subject = b.batch_id) > 1", String.class))
                .as("packages answered twice").isSubsetOf(inHand);
        // each row sealed over the one before: the hubs' own verification walks the chain (no audit key in tests)
        var chain = new energyhub.monitoring.AuditTrail(jdbc.getDataSource(), jdbc,
                new org.springframework.transaction.support.TransactionTemplate(
                        new org.springframework.jdbc.datasource.DataSourceTransactionManager(jdbc.getDataSource())),
                new energyhub.monitoring.AuditProperties(), java.time.Clock.systemUTC()).verify();
        assertThat(chain.problems()).as("broken links").isEmpty();
        assertThat(chain.intact()).isTrue();
        assertThat(jdbc.queryForObject("select max(seq) - min(seq) + 1 - count(*) from audit_event", Long.class))
                .as("gaps").isZero();
        assertThat(jdbc.queryForObject("select last_seq from audit_head", Long.class))
                .isEqualTo(jdbc.queryForObject("select max(seq) from audit_event", Long.class));
    }

    /** Data files a hub's log says it answered and filed. */
    private Set<String> filed(String hub) throws IOException {
        Set<String> names = new HashSet<>();
        for (String line : Files.readAllLines(logs.get(hub))) {
            Matcher m = FILED.matcher(line);
            if (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** The data file of a claim key: a manifest's name (local inbox) or remote path (SFTP). */
    private static String dataName(String claimKey) {
        String name = claimKey.substring(claimKey.lastIndexOf('/') + 1);
        return name.endsWith(".manifest") ? name.substring(0, name.length() - ".manifest".length()) : name;
    }

    private static List<String> leftIn(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.contains(".jsonl")).toList();
        }
    }
}

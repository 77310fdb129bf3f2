package energyhub.e2e.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * An external Artemis primary/backup pair (replication HA) on loopback, as docs/broker-ha.md installs
 * it: two instances installed by the operator's script {@code deployment/broker/install-node.sh}
 * (the distribution's {@code artemis create}, route-tests unpacks {@code apache-artemis-<version>-bin.tar.gz}
 * into target/artemis; the documented primary/broker.xml, backup/broker.xml and artemis-roles.properties;
 * the accounts hub, national and provincial hashed into artemis-users.properties), run as processes of
 * their own ({@code bin/artemis run}) on free ports. The three accounts get fresh passwords.
 *
 * <pre>
 * try (ArtemisPair pair = ArtemisPair.start(dir)) {     // primary active, backup replicating
 *     hubProperties.putAll(pair.hubProperties());        // hub.broker.embedded=false, url, user, password
 *     // or, with the prod profile: ProductionProfile.environment(pair.url(), pair.hubPassword(), ...)
 *     pair.killPrimary();                                // SIGKILL
 *     pair.awaitBackupActive();
 *     try (PlatformClient national = pair.national()) { ... }   // consumes from whichever node is active
 * }
 * </pre>
 */
public final class ArtemisPair implements AutoCloseable {

    /** The broker's log line when a backup has the primary's whole journal and replicates it live. */
    static final String BACKUP_SYNCHRONIZED = "AMQ221024";
    /** A server accepting clients: the primary at its start, the backup when it has taken over (after AMQ221037). */
    static final String SERVER_ACTIVE = "AMQ221007";

    private final Path dir;
    private final Node primary;
    private final Node backup;
    private final String hubPassword = secret();
    private final String nationalPassword = secret();
    private final String provincialPassword = secret();
    private final String clusterPassword = secret();

    /** One broker instance: its directory, port, log file and, while it runs, its process. */
    public static final class Node {
        private final String name;
        private final Path instance;
        private final int port;
        private final Path log;
        private Process process;

        Node(String name, Path instance, int port) {
            this.name = name;
            this.instance = instance;
            this.port = port;
            this.log = instance.resolve("log").resolve("console.log");
        }

        public int port() {
            return port;
        }

        public Path log() {
            return log;
        }

        public Path instance() {
            return instance;
        }

        public boolean isAlive() {
            return process != null && process.isAlive();
        }

        boolean logged(String text) throws IOException {
            return times(text) > 0;
        }

        int times(String text) throws IOException {
            if (!Files.exists(log)) {
                return 0;
            }
            String all = Files.readString(log);
            int n = 0;
            for (int i = all.indexOf(text); i >= 0; i = all.indexOf(text, i + 1)) {
                n++;
            }
            return n;
        }

        @Override
        public String toString() {
            return name + " (127.0.0.1:" + port + ", log " + log + ")";
        }
    }

    private ArtemisPair(Path dir) {
        this.dir = dir;
        this.primary = new Node("primary", dir.resolve("primary"), FreePort.next());
        this.backup = new Node("backup", dir.resolve("backup"), FreePort.next());
    }

    /** Creates both instances under {@code dir}, starts the primary, then the backup, and waits until it replicates. */
    public static ArtemisPair start(Path dir) throws Exception {
        ArtemisPair pair = new ArtemisPair(dir);
        try {
            pair.create();
            pair.run(pair.primary, pair.backup);
            await("primary active").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .until(() -> pair.alive(pair.primary) && pair.primary.logged(SERVER_ACTIVE));
            pair.run(pair.backup, pair.primary);
            pair.awaitBackupReplicating();
            return pair;
        } catch (Exception | AssertionError e) {
            pair.close();
            throw e;
        }
    }

    /** The distribution unpacked by route-tests' build. */
    public static Path artemisHome() {
        Path home = Path.of(System.getProperty("artemis.home", "target/artemis/apache-artemis-2.40.0"));
        if (!Files.isExecutable(home.resolve("bin/artemis"))) {
            throw new IllegalStateException(home + "/bin/artemis is missing: route-tests' build unpacks the Artemis "
                    + "distribution there (maven-dependency-plugin, execution unpack-artemis); run it with mvn verify");
        }
        return home;
    }

    /** The documented broker files (deployment/broker). */
    public static Path brokerConfigDir() {
        return Path.of(System.getProperty("broker.config.dir", "../deployment/broker")).toAbsolutePath().normalize();
    }

    /**
     * Installs both nodes with the operator's script, deployment/broker/install-node.sh, as
     * docs/broker-ha.md tells it (artemis create, the documented broker.xml and roles, the three accounts
     * hashed into artemis-users.properties), the passwords in its environment. Only two options are added
     * to its {@code artemis create}: no disk speed test (autotune), and overwrite.
     */
    private void create() throws Exception {
        Files.createDirectories(dir);
        List<Process> creating = new ArrayList<>();
        for (Node node : List.of(primary, backup)) {
            ProcessBuilder install = new ProcessBuilder(installScript().toString(), artemisHome().toString(),
                    node.instance.toString(), node.name, "--no-autotune", "--force")
                    .redirectErrorStream(true).redirectOutput(installLog(node).toFile());
            install.environment().put("HUB_BROKER_PASSWORD", hubPassword);
            install.environment().put("HUB_BROKER_NATIONAL_PASSWORD", nationalPassword);
            install.environment().put("HUB_BROKER_PROVINCIAL_PASSWORD", provincialPassword);
            creating.add(install.start());
        }
        for (int i = 0; i < creating.size(); i++) {
            Process p = creating.get(i);
            if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                Path log = installLog(List.of(primary, backup).get(i));
                throw new IllegalStateException("install-node.sh failed; its output (" + log + "):\n"
                        + Files.readString(log));
            }
        }
        for (Node node : List.of(primary, backup)) {
            Files.createDirectories(node.log.getParent());
        }
    }

    /** The operator's install script of one node (docs/broker-ha.md "Install"). */
    public static Path installScript() {
        return brokerConfigDir().resolve("install-node.sh");
    }

    private Path installLog(Node node) {
        return dir.resolve(node.name + "-install.log");
    }

    private void run(Node node, Node peer) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(node.instance.resolve("bin/artemis").toString(), "run")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(node.log.toFile()));
        Map<String, String> env = pb.environment();
        env.put("ARTEMIS_BIND_HOST", "127.0.0.1");
        env.put("ARTEMIS_NODE_HOST", "127.0.0.1");
        env.put("ARTEMIS_PORT", String.valueOf(node.port));
        env.put("ARTEMIS_PEER_HOST", "127.0.0.1");
        env.put("ARTEMIS_PEER_PORT", String.valueOf(peer.port));
        env.put("ARTEMIS_CLUSTER_PASSWORD", clusterPassword);
        // small heap, quick start: the test machines are shared (artemis.profile keeps JAVA_ARGS when set)
        env.put("JAVA_ARGS", "-Xms64m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dlog4j2.disableJmx=true "
                + "--add-opens java.base/jdk.internal.misc=ALL-UNNAMED");
        node.process = pb.start();
    }

    private boolean alive(Node node) throws IOException {
        if (!node.isAlive()) {
            throw new IllegalStateException(node + " ended with " + node.process.exitValue() + ":\n"
                    + (Files.exists(node.log) ? Files.readString(node.log) : ""));
        }
        return true;
    }

    /** Waits until the backup has synchronized with the primary (AMQ221024). */
    public void awaitBackupReplicating() {
        await("backup replicating").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> alive(backup) && backup.logged(BACKUP_SYNCHRONIZED));
    }

    /** Waits until the backup has taken over and accepts clients. */
    public void awaitBackupActive() {
        await("backup active").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> alive(backup) && backup.logged(SERVER_ACTIVE));
    }

    /**
     * Starts the primary again on its own (old) journal and waits until it is active. With the backup
     * running and active it would find it (check-for-active-server) and fail back; with the backup gone
     * it becomes active itself.
     */
    public void restartPrimary() throws Exception {
        int before = primary.times(SERVER_ACTIVE);
        run(primary, backup);
        await("primary active again").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> alive(primary) && primary.times(SERVER_ACTIVE) > before);
    }

    /** kill -9 of the primary's JVM (and anything it started): no graceful shutdown, no failover announcement. */
    public void killPrimary() throws InterruptedException {
        kill(primary);
    }

    /** kill -9 of the backup. */
    public void killBackup() throws InterruptedException {
        kill(backup);
    }

    private static void kill(Node node) throws InterruptedException {
        if (node.process == null) {
            return;
        }
        ProcessHandle handle = node.process.toHandle();
        List<ProcessHandle> all = new ArrayList<>(handle.descendants().toList());
        all.add(handle);
        all.forEach(ProcessHandle::destroyForcibly);
        node.process.waitFor();
        for (ProcessHandle h : all) {
            h.onExit().join();
        }
    }

    /** For hub.broker.url: both nodes, HA topology, reconnection without end (the hub's own back-off). */
    public String url() {
        return "(tcp://127.0.0.1:" + primary.port + ",tcp://127.0.0.1:" + backup.port + ")"
                + "?ha=true&reconnectAttempts=-1&retryInterval=500&retryIntervalMultiplier=1.5&maxRetryInterval=5000";
    }

    /** The hub's settings for this pair: an external broker at {@link #url()} with the hub's account. */
    public Map<String, String> hubProperties() {
        return Map.of("hub.broker.embedded", "false", "hub.broker.url", url(), "hub.broker.user", "hub",
                "hub.broker.password", hubPassword, "hub.broker.national.user", "national",
                "hub.broker.national.password", nationalPassword, "hub.broker.provincial.user", "provincial",
                "hub.broker.provincial.password", provincialPassword);
    }

    /** A JMS connection factory on the pair with the given account, failing over as the hub does. */
    public ActiveMQConnectionFactory connectionFactory(String user, String password) {
        return new ActiveMQConnectionFactory(url(), user, password);
    }

    /** The national platform's consumer (account national), connected to whichever node is active. */
    public PlatformClient national() throws Exception {
        return new PlatformClient(url(), "national", nationalPassword, "energy.national");
    }

    /** The provincial platform's consumer (account provincial). */
    public PlatformClient provincial() throws Exception {
        return new PlatformClient(url(), "provincial", provincialPassword, "energy.provincial");
    }

    public Node primary() {
        return primary;
    }

    public Node backup() {
        return backup;
    }

    public String hubPassword() {
        return hubPassword;
    }

    public String nationalPassword() {
        return nationalPassword;
    }

    public String provincialPassword() {
        return provincialPassword;
    }

    /** Kills both nodes (SIGKILL); the instances stay under the directory for the logs. */
    @Override
    public void close() throws InterruptedException {
        kill(backup);
        kill(primary);
    }

    private static String secret() {
        byte[] b = new byte[12];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}

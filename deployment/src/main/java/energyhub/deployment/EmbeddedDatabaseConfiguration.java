package energyhub.deployment;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.DependsOn;

/**
 * First-run default: with no {@code spring.datasource.url}, the hub runs its own PostgreSQL
 * (a real server, from zonky's binaries) with its data under {@code hub.data-dir}/postgres, so it
 * survives restarts like everything else the hub keeps.
 */
@Configuration
@ConditionalOnExpression("'${spring.datasource.url:}'.isEmpty()")
public class EmbeddedDatabaseConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabaseConfiguration.class);

    /**
     * zonky's builder starts PostgreSQL with test settings (fsync and synchronous_commit off): after a
     * power loss such a server forgets commits it acknowledged, and the hub's ledger would forget
     * batches it had ACKed. The hub's own server runs with production durability instead.
     */
    static final Map<String, String> DURABLE = Map.of(
            "fsync", "on",
            "synchronous_commit", "on",
            "full_page_writes", "on");

    @Bean(destroyMethod = "close")
    @DependsOn(DataDirLockListener.BEAN) // started after the data directory is locked, stopped before it is released
    EmbeddedPostgres embeddedPostgres(@Value("${hub.data-dir:./data}") String dataDir,
            @Value("${hub.embedded-db.port:0}") int port, DataDirLock lock) throws IOException, SQLException {
        Path dir = Path.of(dataDir, "postgres").toAbsolutePath().normalize();
        Files.createDirectories(dir);
        if (!lock.isHeld()) {
            throw new IllegalStateException("the data directory lock is not held: not touching " + dir);
        }
        // this hub holds the data directory's lock, so no hub is using a PostgreSQL left there
        stopOrphan(dir);
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dir)
                .setCleanDataDirectory(false)
                .setPGStartupWait(Duration.ofSeconds(30))
                .setServerConfig("listen_addresses", "127.0.0.1");
        DURABLE.forEach(builder::setServerConfig);
        if (port > 0) {
            builder.setPort(port);
        }
        EmbeddedPostgres pg = builder.start();
        Map<String, String> actual = settings(pg.getPostgresDatabase());
        if (!actual.equals(DURABLE)) {
            log.error("EMBEDDED POSTGRESQL IS NOT DURABLE: {} (expected {}); acknowledged batches can be lost on a power "
                    + "failure", actual, DURABLE);
        }
        log.info("embedded PostgreSQL on 127.0.0.1:{}, data in {}, {}", pg.getPort(), dir, actual);
        return pg;
    }

    /** The durability settings a server runs with, as SHOW reports them. */
    static Map<String, String> settings(DataSource ds) throws SQLException {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            for (String name : DURABLE.keySet()) {
                try (ResultSet rs = st.executeQuery("show " + name)) {
                    rs.next();
                    out.put(name, rs.getString(1));
                }
            }
        }
        return out;
    }

    @Bean
    DataSource dataSource(EmbeddedPostgres pg) {
        HikariDataSource ds = new HikariDataSource();
        ds.setJdbcUrl(pg.getJdbcUrl("postgres", "postgres"));
        ds.setUsername("postgres");
        ds.setMaximumPoolSize(10);
        ds.setPoolName("hub-embedded-db");
        return ds;
    }

    /**
     * A hub killed with SIGKILL leaves its PostgreSQL running, holding postmaster.pid in the data
     * directory: stop that orphan (and remove a pid file nobody holds) before starting our own. Called
     * only while this hub holds the data directory's {@link DataDirLock}: a hub that is still running
     * holds that lock itself, so its PostgreSQL never gets here.
     */
    static void stopOrphan(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile);
        Optional<ProcessHandle> orphan = lines.isEmpty() ? Optional.empty()
                : ProcessHandle.of(Long.parseLong(lines.get(0).trim()));
        if (orphan.isPresent() && orphan.get().isAlive()
                && orphan.get().info().command().map(c -> c.contains("postgres")).orElse(false)) {
            log.warn("stopping PostgreSQL (pid {}) left running on {} by an earlier hub", orphan.get().pid(), dataDir);
            orphan.get().destroy(); // SIGTERM: PostgreSQL's smart shutdown
            try {
                orphan.get().onExit().get(20, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                orphan.get().destroyForcibly();
            }
        }
        Files.deleteIfExists(pidFile);
    }
}

package energyhub.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The first-run embedded PostgreSQL, as the hub builds it, runs with production durability. */
class EmbeddedDatabaseDurabilityTest {

    @TempDir
    Path dir;

    @Test
    void fsyncSynchronousCommitAndFullPageWritesAreOn() throws Exception {
        EmbeddedDatabaseConfiguration config = new EmbeddedDatabaseConfiguration();
        try (DataDirLock lock = DataDirLock.acquire(dir);
                EmbeddedPostgres pg = config.embeddedPostgres(dir.toString(), 0, lock)) {
            DataSource hubDataSource = config.dataSource(pg);
            try {
                assertThat(EmbeddedDatabaseConfiguration.settings(hubDataSource)).isEqualTo(Map.of(
                        "fsync", "on", "synchronous_commit", "on", "full_page_writes", "on"));
            } finally {
                ((HikariDataSource) hubDataSource).close();
            }
        }
    }
}

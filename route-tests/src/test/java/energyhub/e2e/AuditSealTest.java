package energyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import energyhub.e2e.support.TestDatabase;
import energyhub.monitoring.AuditProperties;
import energyhub.monitoring.AuditTrail;
import java.security.MessageDigest;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HexFormat;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The slim audit row (V201: the seal as 32 bytes, no copy of the previous seal) against a real PostgreSQL: rows
 * sealed before the upgrade still verify after it, and a row replaced by one re-sealed over its predecessor, the
 * attack the stored prev_hash used to name, is still found.
 */
class AuditSealTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private String url;
    private DataSource dataSource;
    private JdbcTemplate db;

    @BeforeEach
    void database() {
        url = TestDatabase.create().orElse(null);
        Assumptions.assumeTrue(url != null, "needs the PostgreSQL at 127.0.0.1:5432");
        dataSource = new DriverManagerDataSource(url, "postgres", "");
        db = new JdbcTemplate(dataSource);
    }

    private Flyway flyway(String target) {
        var c = Flyway.configure().dataSource(url, "postgres", "").locations("classpath:db/migration");
        return (target == null ? c : c.target(MigrationVersion.fromVersion(target))).load();
    }

    private AuditTrail trail() {
        return new AuditTrail(dataSource, db, new TransactionTemplate(new DataSourceTransactionManager(dataSource)),
                new AuditProperties(), Clock.systemUTC());
    }

    @Test
    void rowsSealedBeforeTheUpgradeStillVerifyAndTheChainGoesOnFromThem() throws Exception {
        flyway("200").migrate();
        // three rows as the hub sealed them before V201: prev_hash and hash in hex
        String prev = "0".repeat(64);
        Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
        for (int seq = 1; seq <= 3; seq++) {
            String hash = seal(seq, at, "hub", "BATCH_RECEIVED", "B-" + seq, "ACCEPTED", "source=ferry-inbox", prev);
            db.update("insert into audit_event (seq, at, actor, action, subject, result, detail, prev_hash, hash) "
                    + "values (?,?,?,?,?,?,?,?,?)", seq, Timestamp.from(at), "hub", "BATCH_RECEIVED", "B-" + seq,
                    "ACCEPTED", "source=ferry-inbox", prev, hash);
            db.update("update audit_head set last_seq = ?, last_hash = ?", seq, hash);
            prev = hash;
        }
        flyway(null).migrate();

        AuditTrail trail = trail();
        assertThat(trail.verify().problems()).isEmpty();
        AuditTrail.Entry next = trail.append("zhang.wei", "REPLAY", "B-2", "OK", "provincial");
        assertThat(next.seq()).isEqualTo(4);
        assertThat(next.prevHash()).isEqualTo(prev);
        AuditTrail.Verification v = trail.verify();
        assertThat(v.intact()).isTrue();
        assertThat(v.checked()).isEqualTo(4);
        assertThat(db.queryForObject("select octet_length(hash) from audit_event where seq = 4", Integer.class))
                .isEqualTo(32);
        assertThat(trail.list(null, null, null, "REPLAY", 10)).singleElement()
                .satisfies(e -> assertThat(e.prevHash()).isEqualTo(next.prevHash()));
    }

    @Test
    void aRowReplacedByOneReSealedOverItsPredecessorIsFound() throws Exception {
        flyway(null).migrate();
        AuditTrail trail = trail();
        AuditTrail.Entry first = trail.append("hub", "BATCH_RECEIVED", "B-1", "ACCEPTED", "one");
        AuditTrail.Entry second = trail.append("zhang.wei", "REPLAY", "B-1", "OK", "national");
        trail.append("hub", "DELIVERED", "B-1", "DELIVERED", "target=national");
        assertThat(trail.verify().intact()).isTrue();

        // someone with database access rewrites row 2 and seals it correctly over row 1: row 2 itself checks out,
        // row 3 no longer does
        String forged = seal(second.seq(), second.at(), "hub", "REPLAY", "B-1", "OK", "national", first.hash());
        db.update("update audit_event set actor = 'hub', hash = ? where seq = ?", HexFormat.of().parseHex(forged),
                second.seq());

        AuditTrail.Verification v = trail.verify();
        assertThat(v.intact()).isFalse();
        assertThat(v.problems()).singleElement().asString()
                .contains("row 3 was edited").contains("or row 2 before it was replaced or re-sealed");
    }

    /** The seal as docs/operator-api.md describes it (no audit key): SHA-256 of the fields as a JSON array. */
    private static String seal(long seq, Instant at, String actor, String action, String subject, String result,
            String detail, String prev) throws Exception {
        byte[] fields = JSON.writeValueAsBytes(Arrays.asList(String.valueOf(seq), at.toString(), actor, action, subject,
                result, detail, prev));
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(fields));
    }
}

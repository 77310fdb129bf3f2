package energyhub.monitoring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import energyhub.routing.quality.LedgerSql;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The hash-chained audit trail ({@code V200__audit_trail.sql}). Rows are appended in order
 * under a lock on the chain's head, each sealed with the hash of the one before; {@link #verify()}
 * walks the chain and reports every row that was edited, deleted or inserted behind the hub's back.
 */
@Component
public class AuditTrail {

    private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_PROBLEMS = 100;

    public static final String HUB = "hub";

    private final JdbcTemplate jdbc;
    private final JdbcTemplate streaming;
    private final TransactionTemplate tx;
    private final AuditProperties properties;
    private final Clock clock;

    public AuditTrail(DataSource dataSource, JdbcTemplate jdbc, TransactionTemplate tx, AuditProperties properties,
            Clock clock) {
        this.jdbc = jdbc;
        this.streaming = new JdbcTemplate(dataSource);
        this.streaming.setFetchSize(1000);
        this.tx = tx;
        this.properties = properties;
        this.clock = clock;
        if (properties.getRetention().compareTo(AuditProperties.MINIMUM_RETENTION) < 0) {
            throw new IllegalStateException("hub.audit.retention is " + properties.getRetention()
                    + ": the audit trail must be kept at least 180 days (等保)");
        }
        if (properties.getKey() == null || properties.getKey().isBlank()) {
            log.warn("hub.audit.key (HUB_AUDIT_KEY) is not set: the audit chain is sealed with plain SHA-256, "
                    + "which detects edited rows but not a rewrite of the whole chain by someone with database access");
        }
    }

    /** One row of the trail. */
    public record Entry(long seq, Instant at, String actor, String action, String subject, String result,
            String detail, String prevHash, String hash) {
    }

    /** The outcome of a walk over the chain. */
    public record Verification(boolean intact, long checked, long firstSeq, long lastSeq, List<String> problems) {
    }

    public Entry append(String actor, String action, String subject, String result, String detail) {
        return tx.execute(s -> appendInTransaction(clock.instant(), actor, action, subject, result, detail));
    }

    /** An event to append: what {@link #appendAllInTransaction} seals and inserts. */
    record Event(Instant when, String actor, String action, String subject, String result, String detail) {
    }

    /** Appends within the caller's transaction. */
    Entry appendInTransaction(Instant when, String actor, String action, String subject, String result,
            String detail) {
        return appendAllInTransaction(List.of(new Event(when, actor, action, subject, result, detail))).get(0);
    }

    /**
     * Appends events in their order within the caller's transaction (the ledger follower moves a page of pending
     * rows in one): the head is locked and read once, the rows inserted by one statement, the head moved once.
     */
    List<Entry> appendAllInTransaction(List<Event> events) {
        if (events.isEmpty()) {
            return List.of();
        }
        Map<String, Object> head = jdbc.queryForMap("select last_seq, last_hash from audit_head where id = 1 for update");
        long seq = ((Number) head.get("last_seq")).longValue();
        String prev = (String) head.get("last_hash");
        List<Entry> out = new ArrayList<>(events.size());
        String[][] cols = new String[8][events.size()];
        for (int i = 0; i < events.size(); i++) {
            Event v = events.get(i);
            seq++;
            Instant at = v.when().truncatedTo(ChronoUnit.MICROS);
            String hash = hash(new Entry(seq, at, v.actor(), v.action(), v.subject(), v.result(), v.detail(), prev, null));
            out.add(new Entry(seq, at, v.actor(), v.action(), v.subject(), v.result(), v.detail(), prev, hash));
            cols[0][i] = Long.toString(seq);
            cols[1][i] = at.toString();
            cols[2][i] = v.actor();
            cols[3][i] = v.action();
            cols[4][i] = v.subject();
            cols[5][i] = v.result();
            cols[6][i] = v.detail();
            cols[7][i] = hash;
            prev = hash;
        }
        LedgerSql.unnestUpdate(jdbc, "insert into audit_event (seq, at, actor, action, subject, result, detail, hash) "
                + "select k.q::bigint, k.a::timestamptz, k.ac, k.x, k.s, k.r, k.d, decode(k.h, 'hex') from unnest("
                + "?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) "
                + "as k(q, a, ac, x, s, r, d, h)", cols);
        jdbc.update("update audit_head set last_seq = ?, last_hash = ? where id = 1", seq, prev);
        return out;
    }

    /** Walks the whole chain from its anchor (the last purged row) to its head. */
    public Verification verify() {
        return tx.execute(status -> {
            Map<String, Object> head = jdbc.queryForMap(
                    "select last_seq, last_hash, anchor_seq, anchor_hash from audit_head where id = 1");
            long anchor = ((Number) head.get("anchor_seq")).longValue();
            List<String> problems = new ArrayList<>();
            long[] state = {anchor, 0, -1}; // expected previous seq, rows checked, first seq
            String[] prev = {(String) head.get("anchor_hash")};
            // a row's seal covers the seal of the row before it, which the walk has in hand (prev)
            streaming.query("select seq, at, actor, action, subject, result, detail, hash "
                    + "from audit_event order by seq", rs -> {
                        Entry e = new Entry(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3),
                                rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), prev[0],
                                HexFormat.of().formatHex(rs.getBytes(8)));
                        if (state[2] < 0) {
                            state[2] = e.seq();
                        }
                        if (e.seq() <= anchor) {
                            note(problems, "row " + e.seq() + " is older than the purge anchor " + anchor
                                    + ": inserted behind the hub's back");
                        } else if (e.seq() != state[0] + 1) {
                            note(problems, "rows " + (state[0] + 1) + ".." + (e.seq() - 1) + " are missing (deleted)");
                        }
                        if (!hash(e).equals(e.hash())) {
                            note(problems, "row " + e.seq() + " was edited: its contents do not match its hash"
                                    + (e.seq() == state[0] + 1 && state[1] > 0 ? " (or row " + state[0]
                                            + " before it was replaced or re-sealed)" : ""));
                        }
                        prev[0] = e.hash();
                        state[0] = e.seq();
                        state[1]++;
                    });
            long last = ((Number) head.get("last_seq")).longValue();
            if (state[0] != last) {
                note(problems, "the chain ends at row " + state[0] + " but the hub wrote up to row " + last
                        + ": the newest rows were deleted");
            } else if (!prev[0].equals(head.get("last_hash"))) {
                note(problems, "the last row " + last + " is not the one the hub wrote");
            }
            return new Verification(problems.isEmpty(), state[1], state[2] < 0 ? anchor : state[2], state[0],
                    List.copyOf(problems));
        });
    }

    private static void note(List<String> problems, String problem) {
        if (problems.size() < MAX_PROBLEMS) {
            problems.add(problem);
        }
    }

    /**
     * Purges rows older than the retention, always a prefix of the chain: the last purged row
     * becomes the anchor verification starts from. The purge itself is a row of the trail.
     */
    public int purge() {
        Instant cutoff = clock.instant().minus(properties.getRetention());
        Integer purged = tx.execute(s -> {
            jdbc.queryForMap("select last_seq from audit_head where id = 1 for update");
            List<Map<String, Object>> lastOld = jdbc.queryForList("select seq, hash from audit_event where seq = "
                    + "(select max(seq) from audit_event where at < ?)", Timestamp.from(cutoff));
            if (lastOld.isEmpty()) {
                return 0;
            }
            long upTo = ((Number) lastOld.get(0).get("seq")).longValue();
            int n = jdbc.update("delete from audit_event where seq <= ?", upTo);
            jdbc.update("update audit_head set anchor_seq = ?, anchor_hash = ? where id = 1", upTo,
                    HexFormat.of().formatHex((byte[]) lastOld.get(0).get("hash")));
            appendInTransaction(clock.instant(), HUB, "AUDIT_PURGED", "audit_event", "OK",
                    n + " rows up to #" + upTo + " older than " + properties.getRetention());
            return n;
        });
        return purged == null ? 0 : purged;
    }

    public List<Entry> list(Instant from, Instant to, String actor, String action, int limit) {
        StringBuilder sql = new StringBuilder("select seq, at, actor, action, subject, result, detail, "
                + "(select p.hash from audit_event p where p.seq = audit_event.seq - 1), hash from audit_event where true");
        List<Object> args = new ArrayList<>();
        if (from != null) {
            sql.append(" and at >= ?");
            args.add(Timestamp.from(from));
        }
        if (to != null) {
            sql.append(" and at < ?");
            args.add(Timestamp.from(to));
        }
        if (actor != null && !actor.isBlank()) {
            sql.append(" and actor = ?");
            args.add(actor);
        }
        if (action != null && !action.isBlank()) {
            sql.append(" and action = ?");
            args.add(action);
        }
        sql.append(" order by seq desc limit ?");
        args.add(limit);
        return jdbc.query(sql.toString(), (rs, i) -> new Entry(rs.getLong(1), rs.getTimestamp(2).toInstant(),
                rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), hex(rs.getBytes(8)),
                hex(rs.getBytes(9))), args.toArray());
    }

    private static String hex(byte[] seal) {
        return seal == null ? null : HexFormat.of().formatHex(seal);
    }

    /** The seal of a row: its fields as a JSON array (unambiguous), then the previous hash. */
    String hash(Entry e) {
        try {
            byte[] fields = JSON.writeValueAsBytes(Arrays.asList(String.valueOf(e.seq()), e.at().toString(), e.actor(),
                    e.action(), e.subject(), e.result(), e.detail(), e.prevHash()));
            byte[] digest;
            if (properties.getKey() == null || properties.getKey().isBlank()) {
                digest = MessageDigest.getInstance("SHA-256").digest(fields);
            } else {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(properties.getKey().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
                digest = mac.doFinal(fields);
            }
            return HexFormat.of().formatHex(digest);
        } catch (GeneralSecurityException | JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }
}

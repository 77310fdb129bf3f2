package energyhub.uplink;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The per-record delivery state (table {@code uplink_record}): PENDING → SENDING → ACKED, or REJECTED. Rows are
 * claimed with {@code FOR UPDATE SKIP LOCKED}, so several hubs on one database send each record once; a claim is a
 * lease, and rows whose lease ran out (their hub died) return to PENDING.
 */
public class DeliveryStore {

    /** A claimed row. */
    public record Row(long id, int rev, int attempts, String payload, String identity) {
    }

    private final JdbcTemplate jdbc;

    public DeliveryStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Records of one chunk, upserted in the caller's transaction: a newer uploadDate replaces and re-sends. */
    public void upsert(List<JsonNode> records) {
        List<Object[]> args = new ArrayList<>(records.size());
        for (JsonNode r : records) {
            args.add(new Object[] {text(r, "enterpriseCode"), text(r, "dataCode"), text(r, "statType"),
                    text(r, "statDate"), text(r, "uploadDate"), r.toString()});
        }
        jdbc.batchUpdate("insert into uplink_record (enterprise_code, data_code, stat_type, stat_date, upload_date, "
                + "payload, state) values (?, ?, ?, ?, ?, ?, 'PENDING') "
                + "on conflict (enterprise_code, data_code, stat_type, stat_date) do update set "
                + "upload_date = excluded.upload_date, payload = excluded.payload, state = 'PENDING', "
                + "rev = uplink_record.rev + 1, attempts = 0, next_attempt_at = now(), lease_until = null, "
                + "last_http_status = null, last_body_code = null, last_message = null, platform_time = null, "
                + "acked_at = null, updated_at = now() "
                + "where uplink_record.upload_date < excluded.upload_date", args);
    }

    private static String text(JsonNode r, String field) {
        JsonNode v = r.get(field);
        return v == null || v.isNull() ? "" : v.asText();
    }

    /** Claims up to {@code n} due PENDING rows for this hub for {@code lease}; each claim is an attempt. */
    public List<Row> claim(int n, Duration lease) {
        return jdbc.query("update uplink_record set state = 'SENDING', attempts = attempts + 1, "
                + "lease_until = now() + make_interval(secs => ?), updated_at = now() where id in ("
                + "select id from uplink_record where state = 'PENDING' and next_attempt_at <= now() "
                + "order by next_attempt_at limit ? for update skip locked) "
                + "returning id, rev, attempts, payload, enterprise_code || '|' || data_code || '|' || stat_type "
                + "|| '|' || stat_date as identity",
                (rs, i) -> new Row(rs.getLong(1), rs.getInt(2), rs.getInt(3), rs.getString(4), rs.getString(5)),
                (double) lease.toMillis() / 1000, n);
    }

    public void acked(Row row, int httpStatus, int bodyCode, String platformTime) {
        jdbc.update("update uplink_record set state = 'ACKED', acked_at = now(), updated_at = now(), lease_until = null, "
                + "last_http_status = ?, last_body_code = ?, last_message = null, platform_time = ? "
                + "where id = ? and rev = ? and state = 'SENDING'", httpStatus, bodyCode, platformTime, row.id(),
                row.rev());
    }

    /** Many rows ACKED in one statement (one commit): each row's platformTime beside it. */
    public void ackedAll(List<Row> rows, List<String> platformTimes, int httpStatus) {
        if (rows.isEmpty()) {
            return;
        }
        Long[] ids = rows.stream().map(Row::id).toArray(Long[]::new);
        Integer[] revs = rows.stream().map(Row::rev).toArray(Integer[]::new);
        String[] times = platformTimes.toArray(String[]::new);
        jdbc.update(con -> {
            var ps = con.prepareStatement("update uplink_record u set state = 'ACKED', acked_at = now(), "
                    + "updated_at = now(), lease_until = null, last_http_status = ?, last_body_code = 200, "
                    + "last_message = null, platform_time = t.pt from unnest(?::bigint[], ?::int[], ?::text[]) "
                    + "as t(id, rev, pt) where u.id = t.id and u.rev = t.rev and u.state = 'SENDING'");
            ps.setInt(1, httpStatus);
            ps.setArray(2, con.createArrayOf("bigint", ids));
            ps.setArray(3, con.createArrayOf("integer", revs));
            ps.setArray(4, con.createArrayOf("text", times));
            return ps;
        });
    }

    /** Claimed rows not sent (the link failed or paused first) back to PENDING, the attempt given back. */
    public void release(List<Row> rows) {
        if (rows.isEmpty()) {
            return;
        }
        Long[] ids = rows.stream().map(Row::id).toArray(Long[]::new);
        jdbc.update(con -> {
            var ps = con.prepareStatement("update uplink_record set state = 'PENDING', attempts = attempts - 1, "
                    + "lease_until = null, updated_at = now() where id = any(?::bigint[]) and state = 'SENDING'");
            ps.setArray(1, con.createArrayOf("bigint", ids));
            return ps;
        });
    }

    public void rejected(Row row, Integer httpStatus, Integer bodyCode, String message) {
        jdbc.update("update uplink_record set state = 'REJECTED', updated_at = now(), lease_until = null, "
                + "last_http_status = ?, last_body_code = ?, last_message = ? "
                + "where id = ? and rev = ? and state = 'SENDING'", httpStatus, bodyCode, clip(message), row.id(),
                row.rev());
    }

    /** Back to PENDING, due after {@code delay}; {@code countAttempt} false gives the attempt back (not the row's fault). */
    public void retryLater(Row row, Duration delay, Integer httpStatus, Integer bodyCode, String message,
            boolean countAttempt) {
        jdbc.update("update uplink_record set state = 'PENDING', updated_at = now(), lease_until = null, "
                + "attempts = attempts - ?, next_attempt_at = now() + make_interval(secs => ?), "
                + "last_http_status = ?, last_body_code = ?, last_message = ? "
                + "where id = ? and rev = ? and state = 'SENDING'", countAttempt ? 0 : 1,
                (double) delay.toMillis() / 1000, httpStatus, bodyCode, clip(message), row.id(), row.rev());
    }

    /** Rows left SENDING by a hub that died (lease run out) return to PENDING; the count. */
    public int releaseExpiredLeases() {
        return jdbc.update("update uplink_record set state = 'PENDING', lease_until = null, updated_at = now(), "
                + "next_attempt_at = now() where state = 'SENDING' and lease_until < now()");
    }

    /** ACKED rows acknowledged longer than {@code retention} ago are deleted (at most 10,000 per call); the count. */
    public int purgeAcked(Duration retention) {
        return jdbc.update(PURGE_ACKED, (double) retention.toSeconds());
    }

    /**
     * REJECTED rows (all when {@code ids} is empty, else those ids) back to PENDING, attempts reset; the count. The
     * same statement writes the call to {@code uplink_requeue}, whose trigger puts it in the audit chain with
     * {@code by} (operator:&lt;login&gt;) and the count.
     */
    public int requeue(List<Long> ids, String by) {
        boolean all = ids == null || ids.isEmpty();
        Long[] asked = all ? new Long[0] : ids.toArray(Long[]::new);
        String shown = all ? null : clip(ids.stream().map(String::valueOf).collect(Collectors.joining(",")), 1000);
        Integer n = jdbc.query(con -> {
            var ps = con.prepareStatement("with r as (update uplink_record set state = 'PENDING', attempts = 0, "
                    + "next_attempt_at = now(), updated_at = now() where state = 'REJECTED' "
                    + "and (? or id = any(?::bigint[])) returning id) "
                    + "insert into uplink_requeue (requested_by, scope, ids, requeued) "
                    + "select ?, ?, ?, count(*) from r returning requeued");
            ps.setBoolean(1, all);
            ps.setArray(2, con.createArrayOf("bigint", asked));
            ps.setString(3, by);
            ps.setString(4, all ? "ALL" : "IDS");
            ps.setString(5, shown);
            return ps;
        }, rs -> rs.next() ? rs.getInt(1) : 0);
        return n == null ? 0 : n;
    }

    /**
     * Rows in each state (the operator summary). Each state is counted by its own partial index (V300, V302), never
     * by reading the table: ACKED rows are most of it (kept {@code acked-retention}), and an index-only count of them
     * is the one figure here that grows with the table.
     */
    public Map<String, Long> countsByState() {
        Map<String, Long> counts = openCounts();
        Long acked = jdbc.queryForObject(ACKED_COUNT, Long.class);
        Map<String, Long> all = new LinkedHashMap<>();
        all.put("PENDING", counts.get("PENDING"));
        all.put("SENDING", counts.get("SENDING"));
        all.put("ACKED", acked == null ? 0 : acked);
        all.put("REJECTED", counts.get("REJECTED"));
        return all;
    }

    /**
     * PENDING, SENDING and REJECTED rows (the health check), each counted by its partial index: as cheap with a
     * hundred million ACKED rows as with none.
     */
    public Map<String, Long> openCounts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        jdbc.query(OPEN_COUNTS, rs -> {
                    counts.put("PENDING", rs.getLong(1));
                    counts.put("SENDING", rs.getLong(2));
                    counts.put("REJECTED", rs.getLong(3));
                });
        return counts;
    }

    /** Records not yet acknowledged or rejected (PENDING and SENDING): gauge {@code hub.uplink.backlog}. */
    public long backlog() {
        Map<String, Long> open = openCounts();
        return open.get("PENDING") + open.get("SENDING");
    }

    /** Seconds since the oldest PENDING or SENDING row was received (0 when none); each state by its partial index. */
    public long oldestPendingAgeSeconds() {
        Timestamp t = jdbc.queryForObject(OLDEST_PENDING, Timestamp.class);
        return t == null ? 0 : Math.max(0, Duration.between(t.toInstant(), Instant.now()).toSeconds());
    }

    // the queries that run on a timer, a scrape or a health check, each answered by a partial index (V300, V302) so
    // that none reads the whole table, which holds every ACKED record for acked-retention (PeriodicQueryPlanTest)
    public static final String OPEN_COUNTS = "select (select count(*) from uplink_record where state = 'PENDING'), "
            + "(select count(*) from uplink_record where state = 'SENDING'), "
            + "(select count(*) from uplink_record where state = 'REJECTED')";
    public static final String OLDEST_PENDING = "select least((select min(received_at) from uplink_record where "
            + "state = 'PENDING'), (select min(received_at) from uplink_record where state = 'SENDING'))";
    public static final String ACKED_COUNT = "select count(*) from uplink_record where state = 'ACKED'";
    /** Parameter: the retention in seconds. */
    public static final String PURGE_ACKED = "delete from uplink_record where id in (select id from uplink_record "
            + "where state = 'ACKED' and acked_at < now() - make_interval(secs => ?) limit 10000)";

    private static final String REJECTED_COLUMNS = "select id, enterprise_code as \"enterpriseCode\", "
            + "data_code as \"dataCode\", stat_type as \"statType\", stat_date as \"statDate\", "
            + "upload_date as \"uploadDate\", attempts, last_http_status as \"httpStatus\", "
            + "last_body_code as \"bodyCode\", last_message as \"message\", updated_at as \"rejectedAt\" "
            + "from uplink_record where state = 'REJECTED' ";

    /** A page of REJECTED rows, oldest rejection first. */
    public List<Map<String, Object>> rejected(int limit, long offset) {
        return jdbc.queryForList(REJECTED_COLUMNS + "order by updated_at, id limit ? offset ?", limit, offset);
    }

    public long rejectedCount() {
        Long n = jdbc.queryForObject("select count(*) from uplink_record where state = 'REJECTED'", Long.class);
        return n == null ? 0 : n;
    }

    /**
     * Up to {@code limit} REJECTED rows from {@code offset}, oldest first, handed to {@code each} as they are read:
     * {@value #STREAM_PAGE} at a time (after the first page, by the last row's position), so neither the rows nor a
     * transaction is held while a slow reader takes them.
     */
    public long eachRejected(long limit, long offset, java.util.function.Consumer<Map<String, Object>> each) {
        long given = 0;
        List<Map<String, Object>> page = jdbc.queryForList(REJECTED_COLUMNS + "order by updated_at, id limit ? offset ?",
                (int) Math.min(STREAM_PAGE, limit), offset);
        while (!page.isEmpty()) {
            for (Map<String, Object> r : page) {
                each.accept(r);
            }
            given += page.size();
            if (given >= limit || page.size() < STREAM_PAGE) {
                break;
            }
            Map<String, Object> last = page.get(page.size() - 1);
            page = jdbc.queryForList(REJECTED_COLUMNS + "and (updated_at, id) > (?, ?) order by updated_at, id limit ?",
                    last.get("rejectedAt"), last.get("id"), (int) Math.min(STREAM_PAGE, limit - given));
        }
        return given;
    }

    static final int STREAM_PAGE = 1000;

    public void saveVersion(String dic, String reg, String description, String baseData) {
        jdbc.update("insert into uplink_platform_version (id, dic_version, reg_version, modify_description, base_data, "
                + "fetched_at) values (1, ?, ?, ?, ?, now()) on conflict (id) do update set dic_version = excluded.dic_version, "
                + "reg_version = excluded.reg_version, modify_description = excluded.modify_description, "
                + "base_data = coalesce(excluded.base_data, uplink_platform_version.base_data), fetched_at = now()",
                dic, reg, clip(description), baseData);
    }

    /** The stored dicVersion, or null. */
    public String storedDicVersion() {
        List<String> v = jdbc.queryForList("select dic_version from uplink_platform_version where id = 1", String.class);
        return v.isEmpty() ? null : v.get(0);
    }

    static String clip(String s) {
        return clip(s, 500);
    }

    static String clip(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }
}

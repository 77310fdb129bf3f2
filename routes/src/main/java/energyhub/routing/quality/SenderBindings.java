package energyhub.routing.quality;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Who an enterprise's 补传 requests go to ({@code dq_sender}, docs/data-quality.md): the first plain ferry
 * sender that delivered its records, or the one an operator set; other senders are noted, never asked.
 */
@Component
public class SenderBindings {

    private static final Logger log = LoggerFactory.getLogger(SenderBindings.class);
    /**
     * A manifest's sender kept for 补传 requests: a plain identifier such as a credit code, nothing else (no
     * {@code _}, so never {@code _RESEND_REQUEST_}; no {@code .} or {@code /}, so never a path).
     */
    public static final Pattern PLAIN_SENDER = Pattern.compile("[0-9A-Za-z-]{1,64}");
    /** Enterprises named at most in one log line about sender bindings. */
    private static final int NAMED = 10;

    private static final String COLUMNS = "select enterprise_code, sender, bound_at, bound_by, other_sender, "
            + "other_seen_at, other_deliveries from dq_sender where enterprise_code = ?";
    private static final RowMapper<SenderBinding> ROW = (rs, n) -> new SenderBinding(rs.getString(1),
            rs.getString(2), rs.getObject(3, OffsetDateTime.class), rs.getString(4), rs.getString(5),
            rs.getObject(6, OffsetDateTime.class), rs.getInt(7));

    private final JdbcTemplate jdbc;

    public SenderBindings(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Who 补传 requests of an enterprise go to, since when and why, and the latest other sender seen. */
    public record SenderBinding(String enterpriseCode, String sender, OffsetDateTime boundAt,
            String boundBy, String otherSender, OffsetDateTime otherSeenAt, int otherDeliveries) {
    }

    /** The sender kept for a batch: the one it names when that is a plain identifier, else none. */
    public static String plainSender(String sender) {
        return sender != null && PLAIN_SENDER.matcher(sender).matches() ? sender : null;
    }

    /**
     * Binds each enterprise of a flush that has no sender yet to this one (the first plain sender seen), and
     * notes, without changing the binding, a delivery by any other sender; both logged in one line. Runs in
     * the staging transaction ({@link QualityWriter#flush}).
     */
    void bind(List<Map.Entry<QualityTally.SeriesKey, QualityTally.Span>> series, String sender) {
        if (sender == null || series.isEmpty()) {
            return;
        }
        String[] enterprises = series.stream().map(e -> e.getKey().enterpriseCode()).distinct()
                .toArray(String[]::new);
        String[] senders = new String[enterprises.length];
        Arrays.fill(senders, sender);
        List<String> bound = new ArrayList<>();
        List<String> others = new ArrayList<>();
        LedgerSql.unnest(jdbc, "insert into dq_sender (enterprise_code, sender, bound_by) select k.e, k.s, "
                + "'first delivery' from unnest(?::text[], ?::text[]) with ordinality as k(e, s, o) order by k.o "
                + "on conflict (enterprise_code) do update set other_sender = excluded.sender, other_seen_at = now(), "
                + "other_deliveries = dq_sender.other_deliveries + 1 where dq_sender.sender <> excluded.sender "
                + "returning enterprise_code, sender, xmax = 0", new String[][] {enterprises, senders}, rs -> {
                    (rs.getBoolean(3) ? bound : others).add(rs.getString(1) + (rs.getBoolean(3) ? ""
                            : " (bound to " + rs.getString(2) + ")"));
                });
        if (!bound.isEmpty()) {
            log.info("补传: {} enterprises bound to ferry sender {}, the first that delivered their records: {}{}",
                    bound.size(), sender, bound.subList(0, Math.min(NAMED, bound.size())),
                    bound.size() > NAMED ? " and " + (bound.size() - NAMED) + " more" : "");
        }
        if (!others.isEmpty()) {
            log.warn("补传: ferry sender {} delivered records of {} enterprises bound to another sender: {}{}; their "
                    + "requests still go to the bound sender (an operator may bind another: PUT "
                    + "/api/operator/quality/senders/{{enterpriseCode}})", sender, others.size(),
                    others.subList(0, Math.min(NAMED, others.size())),
                    others.size() > NAMED ? " and " + (others.size() - NAMED) + " more" : "");
        }
    }

    /** The sender binding of an enterprise, if it has one. */
    public Optional<SenderBinding> sender(String enterpriseCode) {
        return jdbc.query(COLUMNS, ROW, enterpriseCode).stream().findFirst();
    }

    /** Binds an enterprise to a sender an operator names (a plain identifier); returns the binding before. */
    @Transactional
    public Optional<SenderBinding> bindSender(String enterpriseCode, String sender, String by) {
        if (plainSender(sender) == null) {
            throw new IllegalArgumentException("sender is not a plain identifier [0-9A-Za-z-]{1,64}");
        }
        var before = jdbc.query(COLUMNS + " for update", ROW, enterpriseCode).stream().findFirst();
        jdbc.update("insert into dq_sender (enterprise_code, sender, bound_by) values (?,?,?) on conflict "
                + "(enterprise_code) do update set sender = excluded.sender, bound_by = excluded.bound_by, "
                + "bound_at = now()", enterpriseCode, sender, by);
        return before;
    }
}

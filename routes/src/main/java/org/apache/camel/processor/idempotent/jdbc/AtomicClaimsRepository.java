package org.apache.camel.processor.idempotent.jdbc;

import energyhub.routing.Outage;
import java.util.List;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;

/**
 * Camel's {@link JdbcOrphanLockAwareIdempotentRepository} (a claim per key, kept alive while held, taken
 * over once it lapsed) made safe for hubs that claim the same key at the same moment, and judged by the
 * database's clock. In Camel 4.17:
 * <ul>
 * <li>{@code add} counts, then inserts (or takes a lapsed row over), and answers true whenever the count
 *     saw no live claim, whatever the insert did: two hubs that pass the count together both "take" the
 *     key, and the loser also keeps the winner's row alive, so the winner's claim never lapses should the
 *     winner die;</li>
 * <li>a claim taken over from a dead hub was not kept alive, and lapsed again while being read;</li>
 * <li>claims are stamped and judged by each hub's own clock.</li>
 * </ul>
 * Here a claim is one atomic statement (insert, or take over a row that lapsed by the database's clock
 * {@code now()}), the key is kept alive exactly when that statement changed a row, and the keep-alive
 * stamps {@code now()}. Release, the keep-alive task and the Camel wiring are Camel's. In Camel's package
 * only because the kept-alive key type and {@code keepAlive()} are package-private;
 * {@code CamelClaimsInternalsTest} fails, saying what to do, when a Camel upgrade changes either.
 */
public class AtomicClaimsRepository extends JdbcOrphanLockAwareIdempotentRepository {

    private static final String LIVE = "SELECT COUNT(*) FROM CAMEL_MESSAGEPROCESSED WHERE processorName = ? "
            + "AND messageId = ? AND createdAt >= now() - ? * interval '1 millisecond'";
    private static final String CLAIM = "INSERT INTO CAMEL_MESSAGEPROCESSED AS c (processorName, messageId, createdAt) "
            + "VALUES (?, ?, now()) ON CONFLICT (processorName, messageId) DO UPDATE SET createdAt = now() "
            + "WHERE c.createdAt < now() - ? * interval '1 millisecond'";
    private static final String KEEP_ALIVE = "UPDATE CAMEL_MESSAGEPROCESSED SET createdAt = now() "
            + "WHERE processorName = ? AND messageId = ?";

    /** Orders the changes of the kept-alive keys against the keep-alive task. */
    private final Object keptAlive = new Object();
    /** Keep-alive rounds failing (said once per outage, not every round). */
    private final Outage keepAliveFailing = new Outage();

    public AtomicClaimsRepository(DataSource dataSource, String processorName, CamelContext camelContext) {
        super(dataSource, processorName, camelContext);
    }

    /**
     * Claims the key in one statement. Camel 4.17's {@code add} returns true whenever its count query saw
     * no live claim, whatever the insert then did: the loser of two hubs claiming at the same moment
     * read the package too.
     */
    @Override
    public boolean add(String key) {
        // one statement, atomic on its own: no transaction around it (a COMMIT round trip less per package)
        return insert(key) > 0;
    }

    /** A live claim (of any hub) on the key: one kept alive within lockMaxAge, by the database's clock. */
    @Override
    protected int queryForInt(String key) {
        int live = jdbcTemplate.queryForObject(LIVE, Integer.class, processorName, key, getLockMaxAgeMillis());
        log.debug("{}: {} live claim(s) on {}", processorName, live, key);
        return live;
    }

    /** Claims the key: a new row, or the row of a claim that lapsed; 0 when another hub got it first. */
    @Override
    protected int insert(String key) {
        synchronized (keptAlive) {
            int rows = jdbcTemplate.update(CLAIM, processorName, key, getLockMaxAgeMillis());
            log.debug("{}: claim on {} {}", processorName, key, rows > 0 ? "taken" : "held by another hub");
            ProcessorNameAndMessageId id = new ProcessorNameAndMessageId(processorName, key);
            if (rows > 0) {
                getProcessorNameMessageIdSet().add(id);
            } else {
                getProcessorNameMessageIdSet().remove(id);
            }
            return rows;
        }
    }

    @Override
    protected int delete(String key) {
        synchronized (keptAlive) {
            log.debug("{}: claim on {} given up", processorName, key);
            return super.delete(key);
        }
    }

    @Override
    protected int delete() {
        synchronized (keptAlive) {
            return super.delete();
        }
    }

    @Override
    void keepAlive() {
        synchronized (keptAlive) {
            try {
                List<Object[]> args = getProcessorNameMessageIdSet().stream()
                        .map(id -> new Object[] { id.getProcessorName(), id.getMessageId() }).toList();
                if (!args.isEmpty()) {
                    transactionTemplate.execute(status -> jdbcTemplate.batchUpdate(KEEP_ALIVE, args));
                }
                if (keepAliveFailing.ended() != null) {
                    log.info("claims of {} kept alive again", processorName);
                }
            } catch (Exception e) {
                // the database is away: the claims lapse unless it is back within lockMaxAge (said once per outage)
                if (keepAliveFailing.failed(String.valueOf(e.getMessage()))) {
                    log.warn("claims of {} cannot be kept alive ({}); other hubs may take them once they lapse",
                            processorName, e.getMessage());
                }
            }
        }
    }
}

package energyhub.monitoring;

import energyhub.routing.RoutingProperties;
import energyhub.routing.quality.LedgerSql;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The hub's own metrics (Prometheus names {@code hub_*}), on top of Camel's route metrics:
 * batches and records in per source and status, records and batches out per target, rejections
 * by reason, delivery latency, failed sends, queue depths (dead-letter queues too), pending
 * deliveries and the ferry inbox's pickup lag.
 */
@Component
public class HubMetrics {

    private static final Logger log = LoggerFactory.getLogger(HubMetrics.class);

    private final MeterRegistry registry;
    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final Path ferryInbox;
    private final Map<String, Long> queueDepths = new ConcurrentHashMap<>();

    public HubMetrics(MeterRegistry registry, JdbcTemplate jdbc, Clock clock, RoutingProperties routing,
            @Value("${hub.ferry.inbox:${hub.data-dir:./data}/ferry/inbox}") String ferryInbox) {
        this.registry = registry;
        this.jdbc = jdbc;
        this.clock = clock;
        this.ferryInbox = Path.of(ferryInbox);
        for (String queue : List.of(routing.getNationalQueue(), routing.getProvincialQueue())) {
            for (String q : List.of(queue, "DLQ." + queue)) {
                queueDepths.put(q, 0L);
                Gauge.builder("hub.queue.depth", queueDepths, m -> m.getOrDefault(q, 0L))
                        .description("messages waiting on a broker queue").tag("queue", q).register(registry);
            }
        }
        for (String target : List.of("national", "provincial")) {
            Gauge.builder("hub.deliveries.open", this, m -> m.openDeliveries(target))
                    .description("batches not yet delivered to a target (pending, sending or failed)")
                    .tag("target", target).register(registry);
        }
        Gauge.builder("hub.ferry.pickup.lag", this, HubMetrics::pickupLagSeconds).baseUnit("seconds")
                .description("age of the oldest ferry manifest waiting in the inbox (0 when empty)").register(registry);
        Gauge.builder("hub.audit.pending", this, m -> m.count("select count(*) from audit_pending"))
                .description("ledger events not yet sealed into the audit chain").register(registry);
    }

    /**
     * Called with each page of ledger events after it was sealed into the audit chain. What the counters need of
     * the batches is read for the whole page at once (two or three queries a page, not three a batch).
     */
    void ledgerEvents(List<Map<String, Object>> events) {
        try {
            // batch -> its final statuses, batch and target -> deliveries: each event counts once, as one by one
            Map<Long, List<String>> settled = new LinkedHashMap<>();
            Map<Map.Entry<Long, String>, Integer> delivered = new HashMap<>();
            for (Map<String, Object> event : events) {
                String action = (String) event.get("action");
                Object pk = event.get("batch_pk");
                if (pk == null) {
                    continue;
                }
                boolean settledAtOnce = "BATCH_RECEIVED".equals(action)
                        && List.of("REJECTED", "DUPLICATE").contains(event.get("result"));
                if ("BATCH_SETTLED".equals(action) || settledAtOnce) {
                    settled.computeIfAbsent(((Number) pk).longValue(), k -> new ArrayList<>())
                            .add((String) event.get("result"));
                } else if ("DELIVERED".equals(action)) {
                    delivered.merge(Map.entry(((Number) pk).longValue(), target((String) event.get("detail"))), 1,
                            Integer::sum);
                } else if ("DELIVERY_FAILED".equals(action)) {
                    Counter.builder("hub.delivery.failures").description("failed sends of a batch to a target queue")
                            .tag("target", target((String) event.get("detail"))).register(registry).increment();
                }
            }
            if (!settled.isEmpty()) {
                batchesSettled(settled);
            }
            if (!delivered.isEmpty()) {
                delivered(delivered);
            }
        } catch (RuntimeException e) {
            // a metric must never stop the audit
            log.warn("cannot count {} ledger events (first {}): {}", events.size(), events.get(0), e.toString());
        }
    }

    private void batchesSettled(Map<Long, List<String>> settled) {
        java.util.Set<Long> withErrors = new java.util.LinkedHashSet<>();
        Map<Long, String> sources = new HashMap<>();
        jdbc.query(LedgerSql.ids("select id, source, received, accepted, rejected from batch where id = any(?)",
                settled.keySet()), rs -> {
            long pk = rs.getLong(1);
            String source = rs.getString(2);
            sources.put(pk, source);
            for (String status : settled.get(pk)) {
                Counter.builder("hub.batches.in").description("batches received, by source and final status")
                        .tag("source", source).tag("status", status).register(registry).increment();
                for (int i = 0; i < 3; i++) {
                    Counter.builder("hub.records.in").description("records received, accepted and rejected, by source")
                            .tag("source", source).tag("outcome", OUTCOMES.get(i)).register(registry)
                            .increment(rs.getInt(3 + i));
                }
                // record_error rows exist for rejected records and refused transfers only: never for ACCEPTED
                if (!"ACCEPTED".equals(status)) {
                    withErrors.add(pk);
                }
            }
        });
        if (!withErrors.isEmpty()) {
            jdbc.query(LedgerSql.ids("select batch_pk, code, count(*) from record_error where batch_pk = any(?) "
                    + "group by batch_pk, code", withErrors), rs -> {
                Counter.builder("hub.rejections").description("rejected records and packages, by reason code")
                        .tag("source", sources.get(rs.getLong(1))).tag("reason", rs.getString(2)).register(registry)
                        .increment(rs.getLong(3));
            });
        }
    }

    private void delivered(Map<Map.Entry<Long, String>, Integer> delivered) {
        jdbc.query(LedgerSql.ids("select b.id, d.target, b.source, b.accepted, b.received_at, d.delivered_at "
                + "from batch b join delivery d on d.batch_pk = b.id where b.id = any(?)",
                delivered.keySet().stream().map(Map.Entry::getKey).distinct().toList()), rs -> {
            String target = rs.getString(2);
            int times = delivered.getOrDefault(Map.entry(rs.getLong(1), target), 0);
            for (int i = 0; i < times; i++) {
                deliveredOnce(rs, target);
            }
        });
    }

    private void deliveredOnce(ResultSet rs, String target) throws SQLException {
        String source = rs.getString(3);
        Counter.builder("hub.batches.out").description("batches delivered, by target and source")
                .tag("target", target).tag("source", source).register(registry).increment();
        Counter.builder("hub.records.out").description("records delivered, by target and source")
                .tag("target", target).tag("source", source).register(registry).increment(rs.getInt(4));
        Timestamp deliveredAt = rs.getTimestamp(6);
        if (deliveredAt != null) {
            Timer.builder("hub.delivery.latency").description("from a batch's receipt to its delivery to a target")
                    .tag("target", target).publishPercentileHistogram().register(registry)
                    .record(Duration.between(rs.getTimestamp(5).toInstant(), deliveredAt.toInstant()));
        }
    }

    private static final List<String> OUTCOMES = List.of("received", "accepted", "rejected");

    private static String target(String detail) {
        if (detail != null) {
            for (String part : detail.split(" ")) {
                if (part.startsWith("target=")) {
                    return part.substring("target=".length());
                }
            }
        }
        return "unknown";
    }

    /** Refreshed by {@code hub-queue-depths}: asking the broker on every scrape would make a slow scrape. */
    public void queueDepth(String queue, long depth) {
        queueDepths.put(queue, Math.max(depth, 0));
    }

    public Map<String, Long> queueDepths() {
        return Map.copyOf(queueDepths);
    }

    private double openDeliveries(String target) {
        return count("select count(*) from delivery where target = '" + target + "' and status <> 'DELIVERED'");
    }

    private double count(String sql) {
        try {
            Long n = jdbc.queryForObject(sql, Long.class);
            return n == null ? 0 : n;
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    double pickupLagSeconds() {
        if (!Files.isDirectory(ferryInbox)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(ferryInbox)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".manifest"))
                    .mapToLong(f -> {
                        try {
                            return Files.getLastModifiedTime(f).toMillis();
                        } catch (IOException e) {
                            return Long.MAX_VALUE;
                        }
                    }).min().stream()
                    .mapToDouble(oldest -> Math.max(0, clock.millis() - oldest) / 1000.0).findFirst().orElse(0);
        } catch (IOException e) {
            return Double.NaN;
        }
    }
}

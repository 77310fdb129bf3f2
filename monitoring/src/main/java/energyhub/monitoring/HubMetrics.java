package energyhub.monitoring;

import energyhub.routing.RoutingProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
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

    /** Called with each ledger event after it was sealed into the audit chain. */
    void ledgerEvent(Map<String, Object> event) {
        try {
            String action = (String) event.get("action");
            Object pk = event.get("batch_pk");
            if (pk == null) {
                return;
            }
            boolean settledAtOnce = "BATCH_RECEIVED".equals(action)
                    && List.of("REJECTED", "DUPLICATE").contains(event.get("result"));
            if ("BATCH_SETTLED".equals(action) || settledAtOnce) {
                batchSettled(((Number) pk).longValue(), (String) event.get("result"));
            } else if ("DELIVERED".equals(action)) {
                delivered(((Number) pk).longValue(), (String) event.get("detail"));
            } else if ("DELIVERY_FAILED".equals(action)) {
                Counter.builder("hub.delivery.failures").description("failed sends of a batch to a target queue")
                        .tag("target", target((String) event.get("detail"))).register(registry).increment();
            }
        } catch (RuntimeException e) {
            log.warn("cannot count ledger event {}: {}", event, e.toString()); // a metric must never stop the audit
        }
    }

    private void batchSettled(long pk, String status) {
        List<Map<String, Object>> rows = jdbc.queryForList("select source, received, accepted, rejected from batch "
                + "where id = ?", pk);
        if (rows.isEmpty()) {
            return;
        }
        Map<String, Object> b = rows.get(0);
        String source = (String) b.get("source");
        Counter.builder("hub.batches.in").description("batches received, by source and final status")
                .tag("source", source).tag("status", status).register(registry).increment();
        for (String outcome : List.of("received", "accepted", "rejected")) {
            Counter.builder("hub.records.in").description("records received, accepted and rejected, by source")
                    .tag("source", source).tag("outcome", outcome).register(registry)
                    .increment(((Number) b.get(outcome)).doubleValue());
        }
        jdbc.query("select code, count(*) from record_error where batch_pk = ? group by code", rs -> {
            Counter.builder("hub.rejections").description("rejected records and packages, by reason code")
                    .tag("source", source).tag("reason", rs.getString(1)).register(registry).increment(rs.getLong(2));
        }, pk);
    }

    private void delivered(long pk, String detail) {
        String target = target(detail);
        List<Map<String, Object>> rows = jdbc.queryForList("select b.source, b.accepted, b.received_at, d.delivered_at "
                + "from batch b join delivery d on d.batch_pk = b.id where b.id = ? and d.target = ?", pk, target);
        if (rows.isEmpty()) {
            return;
        }
        Map<String, Object> r = rows.get(0);
        String source = (String) r.get("source");
        Counter.builder("hub.batches.out").description("batches delivered, by target and source")
                .tag("target", target).tag("source", source).register(registry).increment();
        Counter.builder("hub.records.out").description("records delivered, by target and source")
                .tag("target", target).tag("source", source).register(registry)
                .increment(((Number) r.get("accepted")).doubleValue());
        if (r.get("delivered_at") != null) {
            Timer.builder("hub.delivery.latency").description("from a batch's receipt to its delivery to a target")
                    .tag("target", target).publishPercentileHistogram().register(registry)
                    .record(Duration.between(((Timestamp) r.get("received_at")).toInstant(),
                            ((Timestamp) r.get("delivered_at")).toInstant()));
        }
    }

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

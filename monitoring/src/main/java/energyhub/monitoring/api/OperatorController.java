package energyhub.monitoring.api;

import energyhub.monitoring.AuditTrail;
import energyhub.monitoring.BrokerManagement;
import energyhub.routing.BatchLedger;
import energyhub.routing.RoutingProperties;
import energyhub.routing.Target;
import java.io.IOException;
import java.security.Principal;
import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The operator API (docs/operator-api.md): what the ledger knows about batches, the quarantine,
 * the dead-letter queues and the audit trail (viewer), and the replays (operator), each audited
 * with who, what and the result.
 */
@RestController
@RequestMapping(path = "/api/operator", produces = "application/json")
public class OperatorController {

    private static final int MAX_LIMIT = 1000;
    /** Deliveries made due per statement of a re-delivery (each its own short transaction). */
    private static final int REDELIVERY_PAGE = 1000;

    private final JdbcTemplate jdbc;
    private final BatchLedger ledger;
    private final QuarantineFolder quarantine;
    private final BrokerManagement broker;
    private final RoutingProperties routing;
    private final AuditTrail audit;

    public OperatorController(JdbcTemplate jdbc, BatchLedger ledger, QuarantineFolder quarantine,
            BrokerManagement broker, RoutingProperties routing, AuditTrail audit) {
        this.jdbc = jdbc;
        this.ledger = ledger;
        this.quarantine = quarantine;
        this.broker = broker;
        this.routing = routing;
        this.audit = audit;
    }

    /**
     * Who is logged in and with which roles ({@code viewer}, {@code operator}): the operator page shows its actions
     * to operators only. Only a hint for the page; every action is checked by the server whatever a page shows.
     */
    @GetMapping("/me")
    public Map<String, Object> me(Authentication who) {
        List<String> roles = who.getAuthorities().stream().map(GrantedAuthority::getAuthority)
                .filter(a -> a.startsWith("ROLE_")).map(a -> a.substring(5)).sorted().toList();
        return Map.of("user", who.getName(), "roles", roles);
    }

    /** Batches, newest first, filtered by status, source, batchId and receipt time (ISO-8601 with offset). */
    @GetMapping("/batches")
    public List<Map<String, Object>> batches(@RequestParam(required = false) String status,
            @RequestParam(required = false) String source, @RequestParam(required = false) String batchId,
            @RequestParam(required = false) OffsetDateTime from, @RequestParam(required = false) OffsetDateTime to,
            @RequestParam(defaultValue = "100") int limit, @RequestParam(defaultValue = "0") int offset) {
        StringBuilder sql = new StringBuilder("select id, batch_id, source, file_name, status, reason, received, "
                + "accepted, rejected, received_at, settled_at, acked_at from batch where true");
        List<Object> args = new ArrayList<>();
        if (status != null && !status.isBlank()) {
            sql.append(" and status = ?");
            args.add(status);
        }
        if (source != null && !source.isBlank()) {
            sql.append(" and source = ?");
            args.add(source);
        }
        if (batchId != null && !batchId.isBlank()) {
            sql.append(" and batch_id = ?");
            args.add(batchId);
        }
        if (from != null) {
            sql.append(" and received_at >= ?");
            args.add(Timestamp.from(from.toInstant()));
        }
        if (to != null) {
            sql.append(" and received_at < ?");
            args.add(Timestamp.from(to.toInstant()));
        }
        sql.append(" order by id desc limit ? offset ?");
        args.add(Math.max(1, Math.min(limit, MAX_LIMIT)));
        args.add(Math.max(0, offset));
        return jdbc.queryForList(sql.toString(), args.toArray());
    }

    /** One batch with its per-target deliveries and its record errors. */
    @GetMapping("/batches/{id}")
    public ResponseEntity<Map<String, Object>> batch(@PathVariable long id) {
        List<Map<String, Object>> rows = jdbc.queryForList("select id, batch_id, source, file_name, digest_alg, digest, "
                + "byte_size, declared_count, received, accepted, rejected, status, reason, ack_ref, received_at, "
                + "settled_at, acked_at, bodies_purged_at from batch where id = ?", id);
        if (rows.isEmpty()) {
            return ResponseEntity.notFound().build();
        }
        Map<String, Object> batch = new LinkedHashMap<>(rows.get(0));
        batch.put("deliveries", jdbc.queryForList("select target, status, attempts, last_error, next_attempt_at, "
                + "delivered_at from delivery where batch_pk = ? order by target", id));
        batch.put("errors", jdbc.queryForList("select line, field, code, message from record_error where batch_pk = ? "
                + "order by line, field limit " + MAX_LIMIT, id));
        batch.put("chunks", jdbc.queryForList("select seq, message_id, enterprise_code, record_count from chunk "
                + "where batch_pk = ? order by seq limit " + MAX_LIMIT, id));
        return ResponseEntity.ok(batch);
    }

    @GetMapping("/quarantine")
    public List<QuarantineFolder.Package> quarantined() throws IOException {
        return quarantine.list();
    }

    /** Moves a quarantined package back into the ferry inbox; the ferry route reads it again. */
    @PostMapping("/quarantine/{name}/replay")
    public Map<String, Object> replayQuarantined(@PathVariable String name, Principal who) throws IOException {
        try {
            String inboxName = quarantine.replay(name);
            audit.append(who.getName(), "REPLAY_QUARANTINE", name, "OK", "moved back into the ferry inbox as "
                    + inboxName);
            return Map.of("replayed", name, "inboxFile", inboxName);
        } catch (RuntimeException | IOException e) {
            audit.append(who.getName(), "REPLAY_QUARANTINE", name, "FAILED", e.getMessage());
            throw e;
        }
    }

    /**
     * Makes a failed (or waiting) delivery due now, so delivery-sweep sends it on its next run. The
     * ledger is changed only through the routing core ({@link BatchLedger#replay}), by its rules.
     */
    @PostMapping("/batches/{id}/deliveries/{target}/replay")
    public Map<String, Object> replayDelivery(@PathVariable long id, @PathVariable String target, Principal who) {
        String t = Target.of(target).id();
        refuseIfPurged(id, t, "REPLAY_DELIVERY", who);
        if (!ledger.replay(id, t)) {
            audit.append(who.getName(), "REPLAY_DELIVERY", "#" + id + " " + t, "FAILED",
                    "no failed or pending delivery of this batch to this target");
            throw new IllegalStateException("batch #" + id + " has no failed or pending delivery to " + t);
        }
        audit.append(who.getName(), "REPLAY_DELIVERY", "#" + id + " " + t, "OK", "due now; delivery-sweep sends it");
        return Map.of("batch", id, "target", t, "status", "PENDING");
    }

    /**
     * Sends an already DELIVERED batch to one platform again (the platform lost it, or asks for it):
     * due now, with fresh duplicate ids ({@code messageId:target:resend-N}) and the message property
     * {@code hubResend=N}, so the broker takes the copies and the platform can tell them apart.
     */
    @PostMapping("/batches/{id}/deliveries/{target}/resend")
    public Map<String, Object> resendDelivery(@PathVariable long id, @PathVariable String target, Principal who) {
        String t = Target.of(target).id();
        refuseIfPurged(id, t, "RESEND_DELIVERY", who);
        var n = ledger.resend(id, t);
        if (n.isEmpty()) {
            audit.append(who.getName(), "RESEND_DELIVERY", "#" + id + " " + t, "FAILED",
                    "no delivered delivery of this batch to this target");
            throw new IllegalStateException("batch #" + id + " is not delivered to " + t
                    + "; a failed or waiting delivery is replayed, not re-sent");
        }
        audit.append(who.getName(), "RESEND_DELIVERY", "#" + id + " " + t, "OK", "re-send " + n.get()
                + " due now; delivery-sweep sends it with duplicate ids messageId:" + t + ":resend-" + n.get());
        return Map.of("batch", id, "target", t, "status", "PENDING", "resend", n.get());
    }

    /**
     * Re-delivers a time range to one platform from the ledger, the recovery after a broker journal loss
     * (docs/operations.md, "Backup and restore"): every batch delivered to {@code target} in [from, to) is sent to
     * it again by delivery-sweep with its original duplicate ids ({@code messageId:target}), {@code hubBatchId} and
     * {@code hubChunk}, so the broker drops what it still holds and the consumer what it already took (it
     * de-duplicates by hubBatchId/hubChunk, docs/queue-contract.md). The other platform gets nothing. Batches whose
     * bodies were purged (older than the replay window) are counted in {@code purged}, not sent.
     */
    @PostMapping("/deliveries/{target}/redeliver")
    public Map<String, Object> redeliver(@PathVariable String target, @RequestParam OffsetDateTime from,
            @RequestParam OffsetDateTime to, Principal who) {
        String t = Target.of(target).id();
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("from " + from + " is not before to " + to);
        }
        String subject = t + " " + from + " .. " + to;
        try {
            BatchLedger.Redelivery r = ledger.redeliver(t, from.toInstant(), to.toInstant(), REDELIVERY_PAGE);
            String detail = r.due() + " deliveries due now with their original duplicate ids (delivered "
                    + r.from() + " .. " + r.to() + "); " + r.purged() + " left out, bodies purged (older than the "
                    + "replay window hub.routing.body-retention " + routing.getBodyRetention().toDays() + "d)";
            audit.append(who.getName(), "REDELIVER_RANGE", subject, "OK", detail);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("target", t);
            out.put("from", r.from().toString());
            out.put("to", r.to().toString());
            out.put("due", r.due());
            out.put("purged", r.purged());
            out.put("detail", detail);
            return out;
        } catch (RuntimeException e) {
            audit.append(who.getName(), "REDELIVER_RANGE", subject, "FAILED", String.valueOf(e.getMessage()));
            throw e;
        }
    }

    /** A replay or re-send of a batch whose bodies were purged: one line saying so, audited, and 409. */
    private void refuseIfPurged(long id, String target, String action, Principal who) {
        var purged = ledger.purgedAnswer(id);
        if (purged.isPresent()) {
            audit.append(who.getName(), action, "#" + id + " " + target, "FAILED", purged.get());
            throw new IllegalStateException(purged.get());
        }
    }

    /** The dead-letter queue of each platform queue and how many messages it holds. */
    @GetMapping("/dead-letters")
    public List<Map<String, Object>> deadLetters() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String queue : List.of(routing.getNationalQueue(), routing.getProvincialQueue())) {
            out.add(Map.of("queue", queue, "deadLetterQueue", "DLQ." + queue,
                    "messages", Math.max(0, broker.messageCount("DLQ." + queue))));
        }
        return out;
    }

    /** Moves every message of DLQ.&lt;queue&gt; back onto the queue it came from. */
    @PostMapping("/dead-letters/{queue}/replay")
    public Map<String, Object> replayDeadLetters(@PathVariable String queue, Principal who) {
        if (!queue.equals(routing.getNationalQueue()) && !queue.equals(routing.getProvincialQueue())) {
            throw new IllegalArgumentException("not a platform queue: " + queue);
        }
        try {
            long moved = broker.retryAll("DLQ." + queue);
            audit.append(who.getName(), "REPLAY_DEAD_LETTERS", "DLQ." + queue, "OK", moved + " messages back to " + queue);
            return Map.of("queue", queue, "moved", moved);
        } catch (RuntimeException e) {
            audit.append(who.getName(), "REPLAY_DEAD_LETTERS", "DLQ." + queue, "FAILED", e.getMessage());
            throw e;
        }
    }

    /** The audit trail, newest first. */
    @GetMapping("/audit")
    public List<AuditTrail.Entry> audit(@RequestParam(required = false) OffsetDateTime from,
            @RequestParam(required = false) OffsetDateTime to, @RequestParam(required = false) String actor,
            @RequestParam(required = false) String action, @RequestParam(defaultValue = "100") int limit) {
        return audit.list(from == null ? null : from.toInstant(), to == null ? null : to.toInstant(), actor, action,
                Math.max(1, Math.min(limit, MAX_LIMIT)));
    }

    /** Walks the audit chain; 200 with intact=true, or 409 listing every edited, deleted or inserted row. */
    @GetMapping("/audit/verify")
    public ResponseEntity<AuditTrail.Verification> verify(Principal who) {
        AuditTrail.Verification v = audit.verify();
        audit.append(who.getName(), "AUDIT_VERIFIED", "audit_event", v.intact() ? "OK" : "BROKEN",
                v.checked() + " rows checked" + (v.intact() ? "" : ", " + v.problems().size() + " problems"));
        return ResponseEntity.status(v.intact() ? HttpStatus.OK : HttpStatus.CONFLICT).body(v);
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<Map<String, String>> badRequest(IllegalArgumentException e) {
        return ResponseEntity.badRequest().body(Map.of("error", String.valueOf(e.getMessage())));
    }

    @ExceptionHandler(IllegalStateException.class)
    ResponseEntity<Map<String, String>> conflict(IllegalStateException e) {
        return ResponseEntity.status(HttpStatus.CONFLICT).body(Map.of("error", String.valueOf(e.getMessage())));
    }
}

package energyhub.uplink;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Operators' view of the uplink under /api/operator/uplink (the cockpit's security guards /api/operator/**: GET for
 * viewers, POST for operators). Re-queues are logged with the operator's name (audit).
 */
@RestController
@org.springframework.boot.autoconfigure.condition.ConditionalOnProperty(name = "hub.uplink.enabled", havingValue = "true")
@RequestMapping("/api/operator/uplink")
public class UplinkOperatorController {

    private static final Logger audit = LoggerFactory.getLogger("energyhub.audit.uplink");

    private final DeliveryStore store;
    private final LinkMonitor link;
    private final CircuitBreaker breaker;
    private final UplinkSender sender;

    UplinkOperatorController(DeliveryStore store, LinkMonitor link, CircuitBreaker breaker, UplinkSender sender) {
        this.store = store;
        this.link = link;
        this.breaker = breaker;
        this.sender = sender;
    }

    @GetMapping("/summary")
    public Map<String, Object> summary() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("counts", store.countsByState());
        m.put("oldestPendingAgeSeconds", store.oldestPendingAgeSeconds());
        m.put("link", link.state().name());
        m.put("unreachableSince", link.unreachableSince() == null ? null : link.unreachableSince().toString());
        m.put("cause", link.cause());
        m.put("circuit", breaker.getState().name());
        m.put("paused", sender.paused());
        m.put("dicVersion", sender.dicVersion());
        return m;
    }

    @GetMapping("/rejected")
    public List<Map<String, Object>> rejected(@RequestParam(defaultValue = "100") int limit,
            @RequestParam(defaultValue = "0") int offset) {
        return store.rejected(Math.max(1, Math.min(limit, 1000)), Math.max(0, offset));
    }

    /** Body {@code {"ids":[...]}} re-queues those REJECTED rows; {@code {"all":true}} every REJECTED row. */
    @PostMapping("/requeue")
    public Map<String, Object> requeue(@RequestBody Map<String, Object> body, Principal who) {
        boolean all = Boolean.TRUE.equals(body.get("all"));
        List<Long> ids = body.get("ids") instanceof List<?> l
                ? l.stream().map(o -> ((Number) o).longValue()).toList() : List.of();
        if (!all && ids.isEmpty()) {
            throw new IllegalArgumentException("give ids or all=true");
        }
        int n = store.requeue(all ? List.of() : ids);
        audit.info("operator '{}' re-queued {} REJECTED uplink records ({})", who == null ? "anonymous" : who.getName(),
                n, all ? "all" : "ids " + ids);
        return Map.of("requeued", n);
    }
}

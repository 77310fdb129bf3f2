package energyhub.uplink;

import energyhub.api.OperatorInput;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Operators' view of the uplink under /api/operator/uplink (the cockpit's security guards /api/operator/**: GET for
 * viewers, POST for operators). Re-queues go into the audit chain with the operator's name and the count
 * ({@link DeliveryStore#requeue}).
 */
@RestController
@org.springframework.boot.autoconfigure.condition.ConditionalOnProperty(name = "hub.uplink.enabled", havingValue = "true")
@RequestMapping("/api/operator/uplink")
public class UplinkOperatorController {

    /** Header of a page: how many REJECTED rows there are in all. */
    static final String TOTAL = "X-Total-Count";
    static final MediaType CSV = new MediaType("text", "csv", StandardCharsets.UTF_8);
    static final String CSV_HEADER = "id,enterpriseCode,dataCode,statType,statDate,uploadDate,attempts,httpStatus,"
            + "bodyCode,message,rejectedAt";

    private static final Logger log = LoggerFactory.getLogger(UplinkOperatorController.class);
    private static final Logger audit = LoggerFactory.getLogger("energyhub.audit.uplink");

    private final DeliveryStore store;
    private final LinkMonitor link;
    private final CircuitBreaker breaker;
    private final UplinkSender sender;
    private final UplinkProperties props;

    UplinkOperatorController(DeliveryStore store, LinkMonitor link, CircuitBreaker breaker, UplinkSender sender,
            UplinkProperties props) {
        this.store = store;
        this.link = link;
        this.breaker = breaker;
        this.sender = sender;
        this.props = props;
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

    /**
     * REJECTED rows, oldest rejection first, with the platform's HTTP status, body code and message. JSON: a page of
     * {@code limit} (default 100, at most {@code max-page-size}) from {@code offset}, {@value #TOTAL} telling how many
     * there are. CSV ({@code format=csv} or {@code Accept: text/csv}): streamed, at most {@code max-csv-rows} rows
     * from {@code offset}, cells that a spreadsheet would take for a formula made text.
     */
    @GetMapping(path = "/rejected", produces = {"application/json", "text/csv"})
    public ResponseEntity<?> rejected(@RequestParam(required = false) String limit,
            @RequestParam(required = false) String offset, @RequestParam(required = false) String format,
            @RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept, HttpServletResponse response)
            throws IOException {
        boolean asCsv = OperatorInput.wantsCsv(format, accept);
        int max = asCsv ? props.getMaxCsvRows() : props.getMaxPageSize();
        long pageSize = OperatorInput.number("limit", limit, 1, max, asCsv ? max : Math.min(100, max));
        long from = OperatorInput.number("offset", offset, 0, Long.MAX_VALUE, 0);
        long total = store.rejectedCount();
        if (!asCsv) {
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).header(TOTAL, Long.toString(total))
                    .body(store.rejected((int) pageSize, from));
        }
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(CSV.toString());
        response.setCharacterEncoding("UTF-8");
        response.setHeader(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"uplink-rejected.csv\"");
        response.setHeader(TOTAL, Long.toString(total));
        Writer out = new BufferedWriter(response.getWriter(), 16 * 1024);
        out.write(CSV_HEADER + "\n");
        try {
            store.eachRejected(pageSize, from, r -> {
                try {
                    out.write(OperatorInput.csvRow(r.get("id"), r.get("enterpriseCode"), r.get("dataCode"),
                            r.get("statType"), r.get("statDate"), r.get("uploadDate"), r.get("attempts"),
                            r.get("httpStatus"), r.get("bodyCode"), r.get("message"), r.get("rejectedAt")));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause(); // the reader went away: nothing more to write
        }
        out.flush();
        return null;
    }

    /**
     * Body {@code {"ids":[...]}} (at most {@code max-page-size}) re-queues those REJECTED rows; {@code {"all":true}}
     * every REJECTED row. Each call is a row of the audit chain: the operator's name and the count.
     */
    @PostMapping("/requeue")
    public Map<String, Object> requeue(@RequestBody Map<String, Object> body, Principal who) {
        boolean all = Boolean.TRUE.equals(body.get("all"));
        List<Long> ids = new ArrayList<>();
        if (body.get("ids") instanceof List<?> l) {
            for (Object o : l) {
                if (!(o instanceof Number n) || n.longValue() <= 0 || n.doubleValue() != n.longValue()) {
                    throw new IllegalArgumentException("ids must be the row ids of /rejected (whole numbers)");
                }
                ids.add(n.longValue());
            }
        } else if (body.get("ids") != null) {
            throw new IllegalArgumentException("ids must be a list of the row ids of /rejected");
        }
        if (all == !ids.isEmpty()) {
            throw new IllegalArgumentException("give either ids or all=true");
        }
        if (ids.size() > props.getMaxPageSize()) {
            throw new IllegalArgumentException(ids.size() + " ids: at most " + props.getMaxPageSize()
                    + " (hub.uplink.max-page-size) per call, or all=true");
        }
        String operator = who == null ? "anonymous" : who.getName();
        int n = store.requeue(all ? List.of() : ids, "operator:" + operator);
        audit.info("operator '{}' re-queued {} REJECTED uplink records ({}); in the audit chain as UPLINK_REQUEUED",
                operator, n, all ? "all" : ids.size() + " ids asked");
        return Map.of("requeued", n);
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<Map<String, String>> badRequest(IllegalArgumentException e, HttpServletRequest request) {
        log.info("uplink API: {} {} refused: {}", request.getMethod(), request.getRequestURI(), e.getMessage());
        return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("error", String.valueOf(e.getMessage())));
    }
}

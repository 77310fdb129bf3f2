package energyhub.monitoring.api;

import energyhub.api.OperatorInput;
import energyhub.monitoring.AuditTrail;
import energyhub.routing.quality.ConsistencyChecks;
import energyhub.routing.quality.QualityProperties;
import energyhub.routing.quality.QualityReports;
import energyhub.routing.quality.QualityReports.EnterpriseQuality;
import energyhub.routing.quality.QualitySchedule;
import energyhub.routing.quality.QualitySchedule.ScheduleEntry;
import energyhub.routing.quality.SenderBindings;
import energyhub.standard.RecordValidator;
import energyhub.standard.UnifiedSocialCreditCode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.security.Principal;
import java.time.Clock;
import java.time.YearMonth;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The data-quality ledger for operators (docs/operator-api.md, "Data quality"): each enterprise's
 * completeness of a month, its holes, completeness calendar, day-vs-month and supplier checks, the
 * province's indicators (viewer), and the imported reporting schedule (operator, audited). JSON, or CSV
 * with {@code format=csv} or {@code Accept: text/csv}. Months are {@code yyyy-MM}, China time; the
 * current month when none is given.
 */
@RestController
@RequestMapping(path = "/api/operator/quality", produces = {"application/json", "text/csv"})
public class QualityController {

    private static final Logger log = LoggerFactory.getLogger(QualityController.class);
    private static final Pattern MONTH = Pattern.compile("[0-9]{4}-[0-9]{2}");
    /** The largest schedule one PUT takes (about 700,000 lines). */
    static final long MAX_SCHEDULE_BYTES = 32L * 1024 * 1024;
    static final MediaType CSV = new MediaType("text", "csv", java.nio.charset.StandardCharsets.UTF_8);
    /** Header of a page: how many items (enterprises, or holes for a CSV) there are in all. */
    static final String TOTAL = "X-Total-Count";

    private final QualityReports reports;
    private final ConsistencyChecks checks;
    private final SenderBindings senders;
    private final QualitySchedule schedules;
    private final QualityProperties properties;
    private final AuditTrail audit;
    private final Clock clock;

    public QualityController(QualityReports reports, ConsistencyChecks checks, SenderBindings senders,
            QualitySchedule schedules, QualityProperties properties, AuditTrail audit, Clock clock) {
        this.reports = reports;
        this.checks = checks;
        this.senders = senders;
        this.schedules = schedules;
        this.properties = properties;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Every enterprise's completeness of a month, lowest first; {@code below=true}: only those below threshold.
     * A page: {@code limit} (at most, and by default, {@code max-page-size}; CSV: {@code max-csv-rows}) from
     * {@code offset}; {@value #TOTAL} tells how many there are in all.
     */
    @GetMapping("/enterprises")
    public ResponseEntity<?> enterprises(@RequestParam(required = false) String month,
            @RequestParam(required = false) String below, @RequestParam(required = false) String format,
            @RequestParam(required = false) String limit, @RequestParam(required = false) String offset,
            @RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept,
            HttpServletResponse response) throws IOException {
        YearMonth m = month(month);
        boolean onlyBelow = flag("below", below);
        boolean asCsv = OperatorInput.wantsCsv(format, accept);
        int max = asCsv ? properties.getMaxCsvRows() : properties.getMaxPageSize();
        int pageSize = (int) OperatorInput.number("limit", limit, 1, max, max);
        long from = OperatorInput.number("offset", offset, 0, Long.MAX_VALUE, 0);
        List<EnterpriseQuality> all = reports.enterprises(m).stream().filter(e -> !onlyBelow || e.belowThreshold())
                .toList();
        List<EnterpriseQuality> page = all.subList((int) Math.min(from, all.size()),
                (int) Math.min(from + pageSize, all.size()));
        if (!asCsv) {
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).header(TOTAL, Integer.toString(all.size()))
                    .body(page);
        }
        Writer out = csvResponse(response, "quality-" + m + ".csv", all.size());
        out.write("enterpriseCode,month,series,expected,received,completeness,late,superseded,suspect,belowThreshold\n");
        for (EnterpriseQuality e : page) {
            out.write(OperatorInput.csvRow(e.enterpriseCode(), e.month(), e.series(), e.expected(), e.received(),
                    e.completeness(), e.late(), e.superseded(), e.suspect(), e.belowThreshold()));
        }
        out.flush();
        return null;
    }

    /**
     * One enterprise's month: summary (over all its series), its sender binding, a page of its series
     * ({@code limit} from {@code offset}, by dataCode and statType) each with its first missing periods and
     * their count, calendar, day-vs-month and supplier checks; as CSV, its holes, one row per missing period,
     * streamed, a page of at most {@code max-csv-rows} ({@value #TOTAL}: all its holes).
     */
    @GetMapping("/enterprises/{enterpriseCode}")
    public ResponseEntity<?> enterprise(@PathVariable String enterpriseCode,
            @RequestParam(required = false) String month, @RequestParam(required = false) String format,
            @RequestParam(required = false) String limit, @RequestParam(required = false) String offset,
            @RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept,
            HttpServletResponse response) throws IOException {
        String code = enterpriseCode(enterpriseCode);
        YearMonth m = month(month);
        boolean asCsv = OperatorInput.wantsCsv(format, accept);
        int max = asCsv ? properties.getMaxCsvRows() : properties.getMaxPageSize();
        int pageSize = (int) OperatorInput.number("limit", limit, 1, max, max);
        long from = OperatorInput.number("offset", offset, 0, Long.MAX_VALUE, 0);
        EnterpriseQuality summary = reports.enterprise(m, code);
        if (asCsv) {
            Writer out = csvResponse(response, "holes-" + code + "-" + m + ".csv",
                    (long) summary.expected() - summary.received());
            out.write("enterpriseCode,dataCode,statType,statDate\n");
            reports.holes(m, code, from, pageSize, h -> {
                try {
                    out.write(OperatorInput.csvRow(h.enterpriseCode(), h.dataCode(), h.statType(), h.statDate()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            out.flush();
            return null;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("summary", summary);
        body.put("sender", senders.sender(code).orElse(null));
        body.put("seriesTotal", summary.series());
        body.put("offset", from);
        body.put("limit", pageSize);
        body.put("series", reports.series(m, code, from, pageSize));
        body.put("calendar", reports.calendar(m, code));
        body.put("dayMonth", checks.dayMonth(m, code));
        List<ConsistencyChecks.SupplyCheck> supply = checks.supply(m, code);
        body.put("supply", supply.subList(0, Math.min(supply.size(), properties.getMaxPageSize())));
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(body);
    }

    /** Who an enterprise's 补传 requests go to (404 when no ferry sender has delivered its records yet). */
    @GetMapping(path = "/senders/{enterpriseCode}", produces = "application/json")
    public ResponseEntity<?> sender(@PathVariable String enterpriseCode) {
        String code = enterpriseCode(enterpriseCode);
        return senders.sender(code).<ResponseEntity<?>>map(b -> ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                .body(b)).orElseGet(() -> ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("error", "no ferry sender has delivered records of " + code + " yet")));
    }

    /**
     * Binds an enterprise's 补传 requests to another sender ({@code {"sender":"..."}}, a plain identifier
     * {@code [0-9A-Za-z-]{1,64}}), e.g. when it changed its gateway; operator, audited.
     */
    @PutMapping(path = "/senders/{enterpriseCode}", consumes = "application/json", produces = "application/json")
    public SenderBindings.SenderBinding bindSender(@PathVariable String enterpriseCode,
            @org.springframework.web.bind.annotation.RequestBody Map<String, Object> request, Principal who) {
        String code = enterpriseCode(enterpriseCode);
        Object sender = request == null ? null : request.get("sender");
        if (!(sender instanceof String s) || SenderBindings.plainSender(s) == null) {
            throw new IllegalArgumentException("sender " + OperatorInput.shown(String.valueOf(sender))
                    + " is not a plain identifier [0-9A-Za-z-]{1,64}");
        }
        var before = senders.bindSender(code, s, who.getName());
        String was = before.map(SenderBindings.SenderBinding::sender).orElse("none");
        audit.append(who.getName(), "QUALITY_SENDER_BOUND", code, "OK", "补传 recipient " + was + " -> " + s);
        log.info("{} bound the 补传 requests of {} to sender {} (was {})", who.getName(), code, s, was);
        return senders.sender(code).orElseThrow();
    }

    /** The province's indicators of a month (what the hub_quality_* gauges show for the current one). */
    @GetMapping(path = "/province", produces = "application/json")
    public QualityReports.ProvinceQuality province(@RequestParam(required = false) String month) {
        return reports.province(month(month));
    }

    /** The imported schedule of one enterprise (empty: it is expected to report what it sent recently). */
    @GetMapping("/schedule/{enterpriseCode}")
    public ResponseEntity<?> schedule(@PathVariable String enterpriseCode,
            @RequestParam(required = false) String format,
            @RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept) {
        String code = enterpriseCode(enterpriseCode);
        boolean asCsv = OperatorInput.wantsCsv(format, accept);
        List<ScheduleEntry> entries = schedules.schedule(code);
        if (!asCsv) {
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(entries);
        }
        StringBuilder out = new StringBuilder(ScheduleCsv.HEADER).append('\n');
        entries.forEach(e -> out.append(OperatorInput.csvRow(e.enterpriseCode(), e.dataCode(), e.statType())));
        return csvBody(out, "schedule-" + code + ".csv");
    }

    /**
     * Imports a schedule (CSV {@code enterpriseCode,dataCode,statType}, header optional): every line is
     * checked first, a bad one is answered 400 with its line and field and nothing is imported; then the
     * schedule of each enterprise named is replaced by its lines (other enterprises keep theirs).
     */
    @PutMapping(path = "/schedule", consumes = {"text/csv", "text/plain"}, produces = "application/json")
    public Map<String, Object> importSchedule(HttpServletRequest request, Principal who) throws IOException {
        if (request.getContentLengthLong() > MAX_SCHEDULE_BYTES) {
            throw new ScheduleCsv.TooLarge("the schedule has " + request.getContentLengthLong() + " bytes, at most "
                    + MAX_SCHEDULE_BYTES + " are taken: send it in parts, each with all lines of the enterprises it "
                    + "names (a PUT replaces the schedule of those enterprises only)");
        }
        List<ScheduleEntry> entries = ScheduleCsv.read(request.getInputStream(), MAX_SCHEDULE_BYTES);
        long enterprises = entries.stream().map(ScheduleEntry::enterpriseCode).distinct().count();
        schedules.importSchedule(entries);
        audit.append(who.getName(), "QUALITY_SCHEDULE_IMPORTED", "dq_schedule", "OK",
                entries.size() + " lines for " + enterprises + " enterprises");
        log.info("{} imported a reporting schedule: {} lines for {} enterprises", who.getName(), entries.size(),
                enterprises);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("lines", entries.size());
        body.put("enterprises", enterprises);
        return body;
    }

    /** Drops an enterprise's schedule: it is expected to report what it sent recently again. */
    @DeleteMapping(path = "/schedule/{enterpriseCode}", produces = "application/json")
    public Map<String, Object> clearSchedule(@PathVariable String enterpriseCode, Principal who) {
        String code = enterpriseCode(enterpriseCode);
        int removed = schedules.clearSchedule(code);
        audit.append(who.getName(), "QUALITY_SCHEDULE_CLEARED", code, "OK", removed + " lines removed");
        log.info("{} cleared the reporting schedule of {}: {} lines removed", who.getName(), code, removed);
        return Map.of("enterpriseCode", code, "removed", removed);
    }

    // ------------------------------------------------------------------ input and output

    /** {@code yyyy-MM}, or the current month in China time when absent. */
    private YearMonth month(String month) {
        if (month == null || month.isBlank()) {
            return YearMonth.now(clock.withZone(RecordValidator.CHINA));
        }
        if (MONTH.matcher(month).matches()) {
            try {
                return YearMonth.parse(month);
            } catch (java.time.DateTimeException e) {
                // falls through to the answer below (e.g. 2026-13)
            }
        }
        throw new IllegalArgumentException("month " + OperatorInput.shown(month) + " is not a month yyyy-MM, e.g. "
                + YearMonth.now(clock.withZone(RecordValidator.CHINA)));
    }

    private static boolean flag(String name, String value) {
        if (value == null || value.isBlank() || value.equalsIgnoreCase("false")) {
            return false;
        }
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        throw new IllegalArgumentException(name + " " + OperatorInput.shown(value) + " is not true or false");
    }

    private static String enterpriseCode(String code) {
        UnifiedSocialCreditCode.problem(code).ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
        return code;
    }

    private static ResponseEntity<String> csvBody(StringBuilder out, String fileName) {
        return ResponseEntity.ok().contentType(CSV)
                .header(HttpHeaders.CONTENT_DISPOSITION, "inline; filename=\"" + fileName + "\"")
                .body(out.toString());
    }

    /** Starts a CSV answer written as it is produced (never gathered in memory). */
    private static Writer csvResponse(HttpServletResponse response, String fileName, long total) throws IOException {
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(CSV.toString());
        response.setCharacterEncoding("UTF-8");
        response.setHeader(HttpHeaders.CONTENT_DISPOSITION, "inline; filename=\"" + fileName + "\"");
        response.setHeader(TOTAL, Long.toString(total));
        return new java.io.BufferedWriter(response.getWriter(), 16 * 1024);
    }

    // ------------------------------------------------------------------ answers to bad input

    @ExceptionHandler(ScheduleCsv.BadSchedule.class)
    ResponseEntity<Map<String, Object>> badSchedule(ScheduleCsv.BadSchedule e, Principal who) {
        log.info("schedule refused, nothing imported: {}", e.getMessage());
        audit.append(who == null ? "anonymous" : who.getName(), "QUALITY_SCHEDULE_IMPORTED", "dq_schedule",
                "FAILED", e.getMessage());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.getMessage() + "; nothing was imported");
        if (e.line > 0) {
            body.put("line", e.line);
        }
        if (e.field != null) {
            body.put("field", e.field);
        }
        return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_JSON).body(body);
    }

    @ExceptionHandler(ScheduleCsv.TooLarge.class)
    ResponseEntity<Map<String, String>> tooLarge(ScheduleCsv.TooLarge e, Principal who) {
        log.info("schedule refused, nothing imported: {}", e.getMessage());
        audit.append(who == null ? "anonymous" : who.getName(), "QUALITY_SCHEDULE_IMPORTED", "dq_schedule",
                "FAILED", e.getMessage());
        return ResponseEntity.status(HttpStatus.PAYLOAD_TOO_LARGE).contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("error", e.getMessage() + "; nothing was imported"));
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<Map<String, String>> badRequest(IllegalArgumentException e, HttpServletRequest request) {
        log.info("quality API: {} {} refused: {}", request.getMethod(), request.getRequestURI(), e.getMessage());
        return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("error", String.valueOf(e.getMessage())));
    }
}

package energyhub.supplier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import energyhub.routing.IntakeOutcome;
import energyhub.standard.RecordCodec;
import energyhub.supplier.ParsedFile.RowError;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Date;
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The heat company's API (contracts section 4.3), one pull window at a time. The route
 * ({@code supplier-heat-api} template) drives it: due windows, then page after page until
 * {@code totalPages}, each request retried with back-off by Camel's error handler, then the window
 * is submitted and marked COMPLETED, or, when the retries are exhausted, marked FAILED and reported;
 * a FAILED window is pulled again on the next schedule, a COMPLETED one never.
 */
@Component
public class HeatPull {

    private static final Logger log = LoggerFactory.getLogger(HeatPull.class);
    private static final Pattern GJ = Pattern.compile("-?\\d{1,12}(\\.\\d{1,6})?");
    private static final int MAX_WINDOWS_PER_PULL = 62;
    static final String WINDOW = "heatWindow";
    static final String PAGE = "heatPage";
    static final String TOTAL_PAGES = "heatTotalPages";
    static final String ITEMS = "heatItems";
    static final String WINDOW_BYTES = "heatWindowBytes";

    private final SupplierProperties properties;
    private final SupplierIntake intake;
    private final JdbcTemplate jdbc;
    private final Environment environment;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    public HeatPull(SupplierProperties properties, SupplierIntake intake, JdbcTemplate jdbc, Environment environment,
            RecordCodec codec, Clock clock) {
        this.properties = properties;
        this.intake = intake;
        this.jdbc = jdbc;
        this.environment = environment;
        this.mapper = codec.mapper();
        this.clock = clock;
    }

    public record Window(String supplier, LocalDate from, LocalDate to) {
        String fileName(String supplierCode) {
            return "HEAT_" + supplierCode + "_" + from + "_" + to + ".json";
        }
    }

    /**
     * Windows from start-date to end-date (or yesterday) not completed yet, oldest first; a window that
     * failed {@code max-window-attempts} scheduled pulls is given up (its report says so) and skipped.
     */
    public List<Window> dueWindows(Exchange exchange) {
        String supplier = SupplierRoutes.supplierOf(exchange);
        SupplierProperties.Supplier c = properties.supplier(supplier);
        LocalDate last = c.getEndDate() != null ? c.getEndDate() : LocalDate.now(clock.withZone(SupplierIntake.CST)).minusDays(1);
        Set<LocalDate> done = Set.copyOf(jdbc.queryForList("select window_from from supplier_pull_window where supplier = ? "
                + "and (status = 'COMPLETED' or attempts >= ?)", LocalDate.class, supplier, c.getMaxWindowAttempts()));
        List<Window> due = new ArrayList<>();
        for (LocalDate from = c.getStartDate(); from != null && !from.isAfter(last) && due.size() < MAX_WINDOWS_PER_PULL;
                from = from.plusDays(c.getWindowDays())) {
            LocalDate to = from.plusDays(c.getWindowDays() - 1L);
            if (to.isAfter(last)) {
                break; // a window is pulled only once it is over
            }
            if (!done.contains(from)) {
                due.add(new Window(supplier, from, to));
            }
        }
        return due;
    }

    public void startWindow(Exchange exchange) {
        exchange.setProperty(WINDOW, exchange.getMessage().getBody(Window.class));
        exchange.setProperty(PAGE, 1);
        exchange.setProperty(TOTAL_PAGES, 1);
        exchange.setProperty(WINDOW_BYTES, 0L);
        exchange.setProperty(ITEMS, mapper.createArrayNode());
    }

    /** What a failed request says, with a cause the JDK leaves without a message named by its type. */
    static String unreachable(IOException e) {
        String what = e instanceof java.net.ConnectException ? "no connection (refused or unreachable)"
                : e instanceof java.net.http.HttpTimeoutException ? "no answer within the timeout"
                : "the connection failed";
        return e.getMessage() == null || e.getMessage().isBlank() ? what + " (" + e.getClass().getSimpleName() + ")"
                : what + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")";
    }

    public boolean morePages(Exchange exchange) {
        return exchange.getProperty(PAGE, Integer.class) <= exchange.getProperty(TOTAL_PAGES, Integer.class);
    }

    /**
     * One page. The answer is hostile until shown otherwise: its size is bounded (per page and for the
     * whole window, by {@code hub.supplier.max-file-bytes}), it must be a JSON object with an integer
     * {@code page} equal to the one asked for, an integer {@code totalPages} within {@code max-pages}
     * and the same on every page, and an array {@code items}. An answer that breaks this, or an HTTP
     * 4xx, throws {@link HeatApiException}: asking again would get the same, so it is not retried
     * within the pull. HTTP 5xx or 429, a timeout or a broken connection throw other IOExceptions,
     * which the failure policy retries with back-off.
     */
    public void fetchPage(Exchange exchange) throws IOException, InterruptedException {
        Window w = exchange.getProperty(WINDOW, Window.class);
        SupplierProperties.Supplier c = properties.supplier(w.supplier());
        int page = exchange.getProperty(PAGE, Integer.class);
        String token = c.getTokenEnv() == null ? null : environment.getProperty(c.getTokenEnv());
        if (token == null || token.isBlank()) {
            throw new HeatApiException("no bearer token: environment variable " + c.getTokenEnv() + " is not set");
        }
        String base = c.getSource().endsWith("/") ? c.getSource().substring(0, c.getSource().length() - 1) : c.getSource();
        URI uri = URI.create(base + "/api/v1/heat-usage?from=" + w.from() + "&to=" + w.to() + "&page=" + page
                + "&size=" + c.getPageSize());
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(c.getTimeout()).header("Authorization", "Bearer " + token)
                .header("Accept", "application/json").GET().build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            // the JDK's ConnectException says only "null": name the server and what went wrong (retried)
            throw new IOException("GET " + uri.getScheme() + "://" + uri.getAuthority() + uri.getPath() + " page " + page
                    + ": " + unreachable(e), e);
        }
        long max = properties.getMaxFileBytes();
        int status = response.statusCode();
        byte[] body;
        try (InputStream in = response.body()) {
            if (response.headers().firstValueAsLong("Content-Length").orElse(0) > max) {
                throw new HeatApiException("page " + page + " announces " + response.headers().firstValue("Content-Length")
                        .orElse("?") + " bytes, more than hub.supplier.max-file-bytes (" + max + "); not read");
            }
            body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
        }
        if (status == 429 || status >= 500) {
            throw new HeatServerBusyException("GET " + uri.getPath() + " page " + page + " answered HTTP " + status);
        }
        if (status != 200) {
            throw new HeatApiException("GET " + uri.getPath() + " page " + page + " answered HTTP " + status
                    + (status == 401 || status == 403 ? " (check the token in " + c.getTokenEnv() + ")" : ""));
        }
        if (body.length > max) {
            throw new HeatApiException("page " + page + " is larger than hub.supplier.max-file-bytes (" + max + ")");
        }
        long windowBytes = exchange.getProperty(WINDOW_BYTES, Long.class) + body.length;
        if (windowBytes > max) {
            throw new HeatApiException("the window's pages together are larger than hub.supplier.max-file-bytes (" + max + ")");
        }
        JsonNode json;
        try {
            json = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw new HeatApiException("page " + page + " is not JSON (" + e.getOriginalMessage() + ")");
        }
        if (json == null || !json.isObject() || !json.path("items").isArray() || !json.path("page").isIntegralNumber()
                || !json.path("totalPages").isIntegralNumber() || json.path("page").asInt() != page) {
            throw new HeatApiException("page " + page + " is not a heat-usage page of contracts section 4.3 "
                    + "(an object with integer page and totalPages and an array items)");
        }
        long totalPages = json.path("totalPages").asLong();
        if (totalPages < 0 || totalPages > c.getMaxPages()) {
            throw new HeatApiException("page " + page + " claims totalPages " + totalPages + ", more than max-pages ("
                    + c.getMaxPages() + ") of a window; not believed");
        }
        if (page > 1 && totalPages != exchange.getProperty(TOTAL_PAGES, Integer.class)) {
            throw new HeatApiException("page " + page + " claims totalPages " + totalPages + " where page 1 said "
                    + exchange.getProperty(TOTAL_PAGES, Integer.class) + "; the window's pages are not consistent");
        }
        ((ArrayNode) exchange.getProperty(ITEMS)).addAll((ArrayNode) json.get("items"));
        exchange.setProperty(WINDOW_BYTES, windowBytes);
        exchange.setProperty(TOTAL_PAGES, (int) totalPages);
        exchange.setProperty(PAGE, page + 1);
    }

    /**
     * All pages are in: the window's items become one batch, and the window is COMPLETED. The batch's
     * identity is the window and the readings it keeps ({@link #identity}), not the raw items: an API
     * that answers two windows with the same items (ignoring from/to, or re-sending) still gets each
     * window's own records delivered.
     */
    public void completeWindow(Exchange exchange) throws IOException {
        Window w = exchange.getProperty(WINDOW, Window.class);
        SupplierProperties.Supplier c = properties.supplier(w.supplier());
        ArrayNode items = (ArrayNode) exchange.getProperty(ITEMS);
        byte[] content = mapper.writeValueAsBytes(items);
        String fileName = w.fileName(c.getSupplierCode());
        ParsedFile parsed = parse(items, w);
        byte[] identity = identity(w, parsed);
        IntakeOutcome outcome = intake.receive(w.supplier(), fileName, content, identity, parsed);
        jdbc.update("insert into supplier_pull_window (supplier, window_from, window_to, status, attempts, pages, items, "
                        + "batch_id, last_error, updated_at) values (?, ?, ?, 'COMPLETED', 1, ?, ?, ?, null, now()) "
                        + "on conflict (supplier, window_from, window_to) do update set status = 'COMPLETED', "
                        + "attempts = supplier_pull_window.attempts + 1, pages = excluded.pages, items = excluded.items, "
                        + "batch_id = excluded.batch_id, last_error = null, updated_at = now()",
                w.supplier(), Date.valueOf(w.from()), Date.valueOf(w.to()), exchange.getProperty(TOTAL_PAGES, Integer.class),
                items.size(), SupplierIntake.batchId(w.supplier(), identity));
        log.info("supplier {}: window {}..{} pulled, {} items, {} readings kept, {} row errors ({})", w.supplier(), w.from(),
                w.to(), items.size(), parsed.readings().size(), parsed.rowErrors().size(), outcome.disposition());
    }

    /**
     * What a window delivers, canonically: its dates, then each reading kept (account, day, summed
     * value, validity) in a fixed order. Equal only when exactly the same records would be delivered.
     */
    static byte[] identity(Window w, ParsedFile parsed) {
        StringBuilder text = new StringBuilder("heat-window ").append(w.from()).append("..").append(w.to()).append('\n');
        parsed.readings().stream()
                .map(r -> r.accountType() + "|" + r.accountNo() + "|" + r.statType() + "|" + r.statDate() + "|"
                        + r.dataValue() + "|" + r.valid())
                .sorted()
                .forEach(line -> text.append(line).append('\n'));
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The retries are exhausted: the window is FAILED (pulled again next time), and a report says why. */
    public void failWindow(Exchange exchange) throws IOException {
        Window w = exchange.getProperty(WINDOW, Window.class);
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String error = cause == null ? "unknown" : cause instanceof HeatApiException || cause instanceof HeatServerBusyException
                ? cause.getMessage() : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        if (w == null) {
            log.warn("supplier {}: pull failed before a window was chosen: {}", SupplierRoutes.supplierOf(exchange), error);
            return;
        }
        jdbc.update("insert into supplier_pull_window (supplier, window_from, window_to, status, attempts, last_error, updated_at) "
                        + "values (?, ?, ?, 'FAILED', 1, ?, now()) on conflict (supplier, window_from, window_to) do update "
                        + "set status = 'FAILED', attempts = supplier_pull_window.attempts + 1, last_error = excluded.last_error, "
                        + "updated_at = now() where supplier_pull_window.status <> 'COMPLETED'",
                w.supplier(), Date.valueOf(w.from()), Date.valueOf(w.to()), error);
        SupplierProperties.Supplier c = properties.supplier(w.supplier());
        int attempts = jdbc.queryForObject("select attempts from supplier_pull_window where supplier = ? "
                + "and window_from = ? and window_to = ?", Integer.class, w.supplier(), Date.valueOf(w.from()), Date.valueOf(w.to()));
        boolean givenUp = attempts >= c.getMaxWindowAttempts();
        String next = givenUp ? "given up after " + attempts + " scheduled pulls, not pulled again automatically "
                + "(docs/energy-suppliers.md: pulling a window again)" : "pulled again on the next schedule (attempt "
                + attempts + " of " + c.getMaxWindowAttempts() + ")";
        log.warn("supplier {}: window {}..{} failed: {}; {}", w.supplier(), w.from(), w.to(), error, next);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("supplier", w.supplier());
        report.put("supplierCode", c.getSupplierCode());
        report.put("window", w.from() + ".." + w.to());
        report.put("status", "FAILED");
        report.put("error", error);
        report.put("attempts", attempts);
        report.put("next", next);
        Path dir = Path.of(properties.getDataDir(), w.supplier(), "reports");
        Files.createDirectories(dir);
        Path tmp = dir.resolve(".writing-" + w.fileName(c.getSupplierCode()) + ".failed.json");
        Files.write(tmp, mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(report));
        Files.move(tmp, dir.resolve(w.fileName(c.getSupplierCode()) + ".failed.json"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    /** Items of one account and day are summed (several meters); GJ need no conversion. */
    static ParsedFile parse(ArrayNode items, Window w) {
        record Key(String accountNo, LocalDate date) {
        }
        Map<Key, BigDecimal> sums = new LinkedHashMap<>();
        Map<Key, Integer> lines = new LinkedHashMap<>();
        Map<Key, StringBuilder> raws = new LinkedHashMap<>();
        List<RowError> errors = new ArrayList<>();
        int line = 0;
        for (JsonNode item : items) {
            line++;
            String raw = item.toString();
            if (!item.isObject()) {
                errors.add(new RowError(line, "item", "NOT_AN_OBJECT", "the item is not a JSON object", raw));
                continue;
            }
            String accountNo = item.path("accountNo").asText("");
            String gj = item.path("heatGJ").asText("");
            LocalDate date;
            try {
                date = LocalDate.parse(item.path("date").asText(""));
            } catch (DateTimeParseException e) {
                errors.add(new RowError(line, "date", "BAD_DATE", "date is not yyyy-MM-dd", raw));
                continue;
            }
            if (accountNo.isBlank()) {
                errors.add(new RowError(line, "accountNo", "MISSING", "accountNo is empty", raw));
            } else if (!GJ.matcher(gj).matches()) {
                errors.add(new RowError(line, "heatGJ", "BAD_NUMBER", "heatGJ '" + gj + "' is not a number", raw));
            } else if (date.isBefore(w.from()) || date.isAfter(w.to())) {
                errors.add(new RowError(line, "date", "OUTSIDE_WINDOW", "date " + date + " is outside " + w.from() + ".." + w.to(), raw));
            } else {
                Key k = new Key(accountNo, date);
                sums.merge(k, new BigDecimal(gj), BigDecimal::add);
                lines.putIfAbsent(k, line);
                raws.computeIfAbsent(k, x -> new StringBuilder()).append(raw);
            }
        }
        List<SupplierReading> readings = new ArrayList<>();
        sums.forEach((k, v) -> readings.add(new SupplierReading(lines.get(k), 4, k.accountNo(), "1", k.date(), v, "1",
                raws.get(k).toString())));
        return new ParsedFile(readings, errors, null);
    }

    /** The API answered, but not with a usable page: asking again at once would get the same. */
    public static class HeatApiException extends IOException {
        public HeatApiException(String message) {
            super(message);
        }
    }

    /** The API is busy or failing (HTTP 5xx or 429): worth asking again after a while. */
    public static class HeatServerBusyException extends IOException {
        public HeatServerBusyException(String message) {
            super(message);
        }
    }
}

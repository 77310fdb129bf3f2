package energyhub.routing.quality;

import energyhub.routing.quality.QualityReports.SeriesQuality;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * 补传 (docs/data-quality.md, "补传 requests"): the holes to ask each sender for, and the log of the requests
 * written ({@code dq_resend_request}). The ferry's ResendRequests writes the packages.
 */
@Component
public class ResendLog {

    private final JdbcTemplate jdbc;
    private final ExpectedSeries expected;
    private final QualityProperties properties;

    public ResendLog(JdbcTemplate jdbc, ExpectedSeries expected, QualityProperties properties) {
        this.jdbc = jdbc;
        this.expected = expected;
        this.properties = properties;
    }

    /**
     * The holes to ask one recipient for: its series with their missing periods, at most
     * {@code resend-max-slots} periods in all; {@code beyond} counts the missing periods left for a later request.
     */
    public record Holes(String recipient, List<SeriesQuality> series, int beyond) {
        public Holes(String recipient, List<SeriesQuality> series) {
            this(recipient, series, 0);
        }

        public int slots() {
            return series.stream().mapToInt(s -> s.missing().size()).sum();
        }
    }

    /**
     * The periods missing of the last {@code resend-lookback-days} days (due by now), grouped by the sender to
     * ask; series whose sender is not known (TCP, suppliers, never sent) are under recipient null. At most
     * {@code resend-max-slots} periods are listed per recipient (the rest are only counted), so a province
     * of silent enterprises does not fill the heap with period names.
     */
    @Transactional(readOnly = true)
    public List<Holes> holesToRequest() {
        LocalDateTime now = expected.now();
        LocalDateTime since = now.minusDays(properties.getResendLookbackDays());
        int budget = Math.max(1, properties.getResendMaxSlots());
        record Listing(Map<String, SeriesQuality> series, int[] counts) { // counts: listed, beyond
        }
        Map<String, Listing> byRecipient = new TreeMap<>(Comparator.nullsLast(Comparator.naturalOrder()));
        for (YearMonth m = YearMonth.from(since); !m.isAfter(YearMonth.from(now)); m = m.plusMonths(1)) {
            LocalDate row = m.atDay(1);
            expected.load(m, null, 0, 0, s -> {
                Listing listing = null;
                List<String> recent = null;
                int received = 0;
                for (int i = s.from(); i <= s.to(); i++) {
                    if (s.bits().get(i)) {
                        received++;
                        continue;
                    }
                    LocalDateTime start = Periods.start(s.statType(), row, i);
                    if (start.isBefore(since)) {
                        continue; // a period before the look-back
                    }
                    if (listing == null) {
                        listing = byRecipient.computeIfAbsent(s.sender(), k -> new Listing(new LinkedHashMap<>(),
                                new int[2]));
                        recent = new ArrayList<>();
                    }
                    if (listing.counts()[0] < budget) {
                        recent.add(Periods.WIRE.format(start));
                        listing.counts()[0]++;
                    } else {
                        listing.counts()[1]++;
                    }
                }
                if (recent == null || recent.isEmpty()) {
                    return;
                }
                String key = s.enterpriseCode() + "/" + s.dataCode() + "/" + s.statType();
                SeriesQuality before = listing.series().get(key);
                List<String> periods = new ArrayList<>(before == null ? List.of() : before.missing());
                periods.addAll(recent);
                listing.series().put(key, new SeriesQuality(s.enterpriseCode(), s.dataCode(), s.statType(),
                        s.scheduled(), Math.max(0, s.to() - s.from() + 1), received, s.late(), s.superseded(),
                        s.suspect(), s.sender(), periods, periods.size()));
            });
        }
        List<Holes> out = new ArrayList<>();
        byRecipient.forEach((r, l) -> out.add(new Holes(r, new ArrayList<>(l.series().values()), l.counts()[1])));
        return out;
    }

    /** Records a 补传 request written to the outbox. */
    public void requested(String recipient, String batchId, String fileName, int slots, String by) {
        jdbc.update("insert into dq_resend_request (recipient, batch_id, file_name, slots, requested_by) "
                + "values (?,?,?,?,?)", recipient, batchId, fileName, slots, by);
    }

    /** The 补传 requests written, newest first. */
    public List<Map<String, Object>> requests(int limit) {
        return jdbc.queryForList("select id, recipient, batch_id, file_name, slots, created_at, requested_by "
                + "from dq_resend_request order by id desc limit ?", limit);
    }
}

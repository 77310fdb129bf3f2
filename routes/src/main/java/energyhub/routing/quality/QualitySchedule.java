package energyhub.routing.quality;

import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The imported reporting schedule ({@code dq_schedule}): the series an enterprise must report, whatever it
 * sent. An enterprise without one owes what it sent recently ({@link ExpectedSeries}).
 */
@Component
public class QualitySchedule {

    private final JdbcTemplate jdbc;

    public QualitySchedule(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** One line of the imported schedule: an enterprise must report this data code at this statType. */
    public record ScheduleEntry(String enterpriseCode, String dataCode, int statType) {
    }

    /** Replaces the schedule of the enterprises named in {@code entries} (others keep theirs); returns rows kept. */
    @Transactional
    public int importSchedule(List<ScheduleEntry> entries) {
        var enterprises = entries.stream().map(ScheduleEntry::enterpriseCode).distinct().toList();
        jdbc.batchUpdate("delete from dq_schedule where enterprise_code = ?", enterprises, 500,
                (ps, e) -> ps.setString(1, e));
        jdbc.batchUpdate("insert into dq_schedule (enterprise_code, data_code, stat_type) values (?,?,?) "
                + "on conflict do nothing", entries, 500, (ps, e) -> {
                    ps.setString(1, e.enterpriseCode());
                    ps.setString(2, e.dataCode());
                    ps.setShort(3, (short) e.statType());
                });
        return entries.size();
    }

    /** Drops the schedule of one enterprise: it is expected to report what it sent recently again. */
    public int clearSchedule(String enterpriseCode) {
        return jdbc.update("delete from dq_schedule where enterprise_code = ?", enterpriseCode);
    }

    public List<ScheduleEntry> schedule(String enterpriseCode) {
        return jdbc.query("select enterprise_code, data_code, stat_type from dq_schedule where enterprise_code = ? "
                + "order by data_code, stat_type", (rs, n) -> new ScheduleEntry(rs.getString(1), rs.getString(2),
                        rs.getShort(3)), enterpriseCode);
    }
}

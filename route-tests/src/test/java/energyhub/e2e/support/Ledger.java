package energyhub.e2e.support;

import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;

/** Reads the hub's audit trail (the batch ledger) the way an auditor would: straight from PostgreSQL. */
public record Ledger(JdbcTemplate jdbc) {

    public List<Map<String, Object>> batches(String batchId) {
        return jdbc.queryForList("select * from batch where batch_id = ? order by id", batchId);
    }

    public Map<String, Object> batch(String batchId) {
        List<Map<String, Object>> rows = batches(batchId);
        if (rows.size() != 1) {
            throw new AssertionError("expected one batch row for " + batchId + ", found " + rows);
        }
        return rows.get(0);
    }

    public List<Map<String, Object>> deliveries(long batchPk) {
        return jdbc.queryForList("select * from delivery where batch_pk = ? order by target", batchPk);
    }

    public List<Map<String, Object>> errors(long batchPk) {
        return jdbc.queryForList("select * from record_error where batch_pk = ? order by line, field", batchPk);
    }
}

package energyhub.e2e.cockpit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import energyhub.monitoring.AuditTrail;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The audit chain, checked through the operator API, after rows are changed straight in PostgreSQL. */
class AuditChainTest extends CockpitTest {

    @Autowired
    AuditTrail audit;

    @Test
    void editedAndDeletedRowsAreDetected() throws Exception {
        AuditTrail.Entry first = audit.append("tester", "TEST_EVENT", "chain-1", "OK", "one");
        AuditTrail.Entry second = audit.append("tester", "TEST_EVENT", "chain-2", "OK", "two");
        audit.append("tester", "TEST_EVENT", "chain-3", "OK", "three");

        var intact = get("/api/operator/audit/verify", VIEWER, VIEWER_PASSWORD);
        assertThat(intact.statusCode()).as(intact.body()).isEqualTo(200);
        assertThat(json(intact).path("intact").asBoolean()).isTrue();

        // someone with database access softens what an operator did
        jdbc.update("update audit_event set detail = 'nothing happened' where seq = ?", first.seq());
        try {
            var broken = get("/api/operator/audit/verify", VIEWER, VIEWER_PASSWORD);
            assertThat(broken.statusCode()).isEqualTo(409);
            JsonNode body = json(broken);
            assertThat(body.path("intact").asBoolean()).isFalse();
            assertThat(body.path("problems").toString()).contains("row " + first.seq() + " was edited");
        } finally {
            jdbc.update("update audit_event set detail = 'one' where seq = ?", first.seq());
        }

        // ... or makes a row disappear
        Map<String, Object> row = jdbc.queryForMap("select * from audit_event where seq = ?", second.seq());
        jdbc.update("delete from audit_event where seq = ?", second.seq());
        try {
            var broken = get("/api/operator/audit/verify", VIEWER, VIEWER_PASSWORD);
            assertThat(broken.statusCode()).isEqualTo(409);
            assertThat(json(broken).path("problems").toString())
                    .contains("rows " + second.seq() + ".." + second.seq() + " are missing");
        } finally {
            jdbc.update("insert into audit_event (seq, at, actor, action, subject, result, detail, hash) "
                    + "values (?,?,?,?,?,?,?,?)", row.get("seq"), row.get("at"), row.get("actor"), row.get("action"),
                    row.get("subject"), row.get("result"), row.get("detail"), row.get("hash"));
        }
        assertThat(get("/api/operator/audit/verify", VIEWER, VIEWER_PASSWORD).statusCode()).isEqualTo(200);
        assertThat(jdbc.queryForList("select result from audit_event where action = 'AUDIT_VERIFIED' "
                + "and actor = 'viewer' order by seq", String.class)).containsSubsequence("OK", "BROKEN", "BROKEN", "OK");
    }
}

package energyhub.e2e.cockpit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import energyhub.monitoring.AuditTrail;
import energyhub.monitoring.LedgerAuditRoute;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The audit chain, checked through the operator API, after rows are changed straight in PostgreSQL. */
class AuditChainTest extends CockpitTest {

    @Autowired
    AuditTrail audit;

    @Autowired
    LedgerAuditRoute ledgerAudit;

    @Test
    void aPageOfPendingLedgerEventsIsSealedInTheirOrderInOneChain() throws Exception {
        // what the ledger's triggers write (audit_pending), several at once; the follower moves a page together
        String run = "page-" + System.nanoTime();
        for (int i = 1; i <= 5; i++) {
            jdbc.update("insert into audit_pending (action, subject, result, detail) values (?, ?, 'OK', ?)",
                    "TEST_PENDING", run + "-" + i, i % 2 == 0 ? null : "detail " + i);
        }
        AuditTrail.Entry before = audit.append("tester", "TEST_EVENT", run + "-before", "OK", null);
        ledgerAudit.drain();
        AuditTrail.Entry after = audit.append("tester", "TEST_EVENT", run + "-after", "OK", null);

        assertThat(jdbc.queryForObject("select count(*) from audit_pending where subject like ?", Integer.class,
                run + "-%")).isZero();
        var rows = jdbc.queryForList("select seq, subject, detail from audit_event where subject like ? "
                + "and action = 'TEST_PENDING' order by seq", run + "-%");
        assertThat(rows).extracting(r -> r.get("subject")).containsExactly(run + "-1", run + "-2", run + "-3",
                run + "-4", run + "-5");
        assertThat(rows).extracting(r -> r.get("detail")).containsExactly("detail 1", null, "detail 3", null,
                "detail 5");
        long first = ((Number) rows.get(0).get("seq")).longValue();
        assertThat(rows).extracting(r -> ((Number) r.get("seq")).longValue())
                .containsExactly(first, first + 1, first + 2, first + 3, first + 4);
        assertThat(first).isGreaterThan(before.seq());
        assertThat(after.seq()).isGreaterThan(first + 4);
        var verified = get("/api/operator/audit/verify", VIEWER, VIEWER_PASSWORD);
        assertThat(verified.statusCode()).as(verified.body()).isEqualTo(200);
        assertThat(json(verified).path("intact").asBoolean()).isTrue();
    }

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

package energyhub.e2e.cockpit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import energyhub.e2e.support.FerryPackage;
import energyhub.standard.UnifiedSocialCreditCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * 补传 requests (issue 13): a sender's package leaves two days out; an operator asks for the holes
 * ({@code POST /api/operator/quality/resend-requests}); the request in the ferry outbox, addressed to that
 * sender, lists exactly the two missing days of that series; once the sender re-sends them, the next request
 * asks nothing more of that enterprise.
 */
class ResendRequestApiTest extends CockpitTest {

    /** A sender only this test uses (the database is shared by the cockpit tests of a run). */
    private static final String SENDER = "resend-test-exchange";
    private static final String ENTERPRISE = code("91530100MA7RQBD01");
    private static final String WITH_HOLES = "0000000002330001";
    private static final String COMPLETE = "0000000002330002";

    private static String code(String first17) {
        return first17 + UnifiedSocialCreditCode.checkCharacter(first17);
    }

    /** A daily record (statType 1) of a day, uploaded the next day at 01:00 (China time). */
    private static String daily(String dataCode, LocalDate day) {
        return daily(ENTERPRISE, dataCode, day);
    }

    private static String daily(String enterprise, String dataCode, LocalDate day) {
        return "{\"enterpriseCode\":\"" + enterprise + "\",\"regVersion\":\"1.0\",\"dicVersion\":\"1.0\","
                + "\"dataCode\":\"" + dataCode + "\",\"dataValue\":\"12.5\",\"convertRation\":\"\","
                + "\"valid\":\"1\",\"scope\":\"1\",\"inputType\":\"4\",\"statType\":\"1\","
                + "\"statDate\":\"" + day + " 00:00:00\",\"uploadDate\":\"" + day.plusDays(1) + " 01:00:00\"}";
    }

    @Test
    void theSenderIsAskedForExactlyItsMissingDaysAndNotAgainOnceTheyAreResent() throws Exception {
        assertThat(camel.getRoute("quality-resend-requests")).as("scheduled route (default cron)").isNotNull();
        // days today-6 .. today-2 are due (a day is due one day after its end) and within the 7 days looked back
        LocalDate today = LocalDate.now(ZoneId.of("Asia/Shanghai"));
        List<LocalDate> days = List.of(today.minusDays(6), today.minusDays(5), today.minusDays(4), today.minusDays(3),
                today.minusDays(2));
        List<LocalDate> missing = List.of(today.minusDays(5), today.minusDays(3));
        FerryPackage first = FerryPackage.of().sender(SENDER);
        for (LocalDate day : days) {
            first.line(daily(COMPLETE, day));
            if (!missing.contains(day)) {
                first.line(daily(WITH_HOLES, day));
            }
        }
        first.dropInto(inbox());
        assertThat(awaitAck(first, "ACCEPTED").get("accepted").asInt()).isEqualTo(8);

        // only operators may write requests
        assertThat(post("/api/operator/quality/resend-requests", "", VIEWER, VIEWER_PASSWORD).statusCode())
                .isEqualTo(403);
        var response = post("/api/operator/quality/resend-requests", "", OPERATOR, OPERATOR_PASSWORD);
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode summary = json(response);
        List<JsonNode> toSender = filesTo(summary, SENDER);
        assertThat(toSender).hasSize(1);
        String file = toSender.get(0).get("file").asText();
        assertThat(file).matches(SENDER + "_RESEND_REQUEST_\\d{17}_\\d{6}\\.jsonl");

        Path data = outbox().resolve(file);
        byte[] bytes = Files.readAllBytes(data);
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(data)) {
            lines.add(JSON.readTree(line));
        }
        List<JsonNode> ours = lines.stream().filter(l -> l.get("enterpriseCode").asText().equals(ENTERPRISE)).toList();
        assertThat(ours).as("only the series with holes").hasSize(1);
        assertThat(ours.get(0).get("dataCode").asText()).isEqualTo(WITH_HOLES);
        assertThat(ours.get(0).get("statType").asText()).isEqualTo("1");
        assertThat(JSON.convertValue(ours.get(0).get("periods"), List.class))
                .containsExactly(missing.get(0) + " 00:00:00", missing.get(1) + " 00:00:00");

        JsonNode manifest = JSON.readTree(Files.readString(outbox().resolve(file + ".manifest")));
        assertThat(manifest.get("kind").asText()).isEqualTo("RESEND_REQUEST");
        assertThat(manifest.get("recipient").asText()).isEqualTo(SENDER);
        assertThat(manifest.get("sender").asText()).isEqualTo("province-hub");
        assertThat(manifest.get("recordCount").asInt()).isEqualTo(lines.size());
        assertThat(manifest.get("byteSize").asLong()).isEqualTo(bytes.length);
        assertThat(manifest.get("sha256").asText())
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
        assertThat(manifest.get("batchId").asText()).isEqualTo(toSender.get(0).get("batchId").asText());

        // viewers see what was asked of whom
        JsonNode listed = json(get("/api/operator/quality/resend-requests", VIEWER, VIEWER_PASSWORD));
        JsonNode row = null;
        for (JsonNode r : listed) {
            if (r.get("file_name").asText().equals(file)) {
                row = r;
            }
        }
        assertThat(row).as("listed: " + listed).isNotNull();
        assertThat(row.get("recipient").asText()).isEqualTo(SENDER);
        assertThat(row.get("slots").asInt()).isEqualTo(toSender.get(0).get("slots").asInt());
        assertThat(row.get("requested_by").asText()).isEqualTo("operator:" + OPERATOR);

        // the sender re-sends the two days: the holes are filled, nothing more is asked of this enterprise
        FerryPackage resent = FerryPackage.of().sender(SENDER);
        missing.forEach(day -> resent.line(daily(WITH_HOLES, day)));
        resent.dropInto(inbox());
        assertThat(awaitAck(resent, "ACCEPTED").get("accepted").asInt()).isEqualTo(2);

        JsonNode again = json(post("/api/operator/quality/resend-requests", "", OPERATOR, OPERATOR_PASSWORD));
        assertThat(filesTo(again, SENDER)).as("no request for " + SENDER + ": " + again).isEmpty();
        for (JsonNode f : again.get("files")) {
            assertThat(Files.readString(outbox().resolve(f.get("file").asText()))).doesNotContain(ENTERPRISE);
        }
    }

    /**
     * Issue 20, item 8: a stranger's package with one record of the victim's series came last, yet the victim's
     * request still goes to the victim's own sender (the first that delivered the enterprise), never to the
     * stranger; the other sender is shown, an operator can bind another (audited); a sender that is not a plain
     * identifier (here one holding _RESEND_REQUEST_) is never bound nor made a recipient.
     */
    @Test
    void aStrangerCannotTakeOverAnEnterprisesRequestsAndAHostileSenderIsNeverARecipient() throws Exception {
        String victim = code("91530100MA7RQBD02");
        String hostileOnly = code("91530100MA7RQBD03");
        String own = "victim-exchange";
        String stranger = "stranger-exchange";
        String hostile = "evil_RESEND_REQUEST_20261201060000000_000001.jsonl";
        LocalDate today = LocalDate.now(ZoneId.of("Asia/Shanghai"));
        LocalDate hole = today.minusDays(4);

        FerryPackage mine = FerryPackage.of().sender(own);
        for (int back = 6; back >= 2; back--) {
            if (back != 4) {
                mine.line(daily(victim, WITH_HOLES, today.minusDays(back)));
            }
        }
        mine.dropInto(inbox());
        assertThat(awaitAck(mine, "ACCEPTED").get("accepted").asInt()).isEqualTo(4);
        // the stranger, later: one record of the victim's series (a day it has), the last sender of it now
        FerryPackage theirs = FerryPackage.of().sender(stranger).line(daily(victim, WITH_HOLES, today.minusDays(2)));
        theirs.dropInto(inbox());
        awaitAck(theirs, "ACCEPTED");
        // a hostile sender name, the only sender of one enterprise and the last of the victim's series
        FerryPackage evil = FerryPackage.of().sender(hostile).line(daily(hostileOnly, WITH_HOLES, today.minusDays(6)))
                .line(daily(victim, WITH_HOLES, today.minusDays(3)));
        evil.dropInto(inbox());
        awaitAck(evil, "ACCEPTED");

        JsonNode summary = json(post("/api/operator/quality/resend-requests", "", OPERATOR, OPERATOR_PASSWORD));
        List<JsonNode> toOwn = filesTo(summary, own);
        assertThat(toOwn).as("the victim's sender is asked: " + summary).hasSize(1);
        JsonNode line = JSON.readTree(Files.readAllLines(outbox().resolve(toOwn.get(0).get("file").asText())).get(0));
        assertThat(line.get("enterpriseCode").asText()).isEqualTo(victim);
        assertThat(JSON.convertValue(line.get("periods"), List.class)).containsExactly(hole + " 00:00:00");
        for (JsonNode f : summary.get("files")) {
            String recipient = f.get("recipient").asText();
            assertThat(recipient).doesNotContain("_RESEND_REQUEST_", "evil");
            if (!recipient.equals(own)) {
                assertThat(Files.readString(outbox().resolve(f.get("file").asText()))).as(recipient)
                        .doesNotContain(victim);
            }
        }
        assertThat(filesTo(summary, stranger)).isEmpty();
        try (var names = Files.list(outbox())) {
            assertThat(names.map(n -> n.getFileName().toString())).noneMatch(n -> n.startsWith("evil"));
        }
        // the enterprise the hostile name alone delivered has no one to ask: reported, not addressed
        assertThat(summary.get("unaddressedEnterprises").toString()).contains(hostileOnly);
        assertThat(get("/api/operator/quality/senders/" + hostileOnly, VIEWER, VIEWER_PASSWORD).statusCode())
                .isEqualTo(404);

        // shown: who is asked, and the other sender seen
        JsonNode binding = json(get("/api/operator/quality/senders/" + victim, VIEWER, VIEWER_PASSWORD));
        assertThat(binding.get("sender").asText()).isEqualTo(own);
        assertThat(binding.get("boundBy").asText()).isEqualTo("first delivery");
        assertThat(binding.get("otherSender").asText()).isEqualTo(stranger);
        assertThat(binding.get("otherDeliveries").asInt()).isEqualTo(1);
        JsonNode month = json(get("/api/operator/quality/enterprises/" + victim + "?month=" + today.minusDays(4)
                .toString().substring(0, 7), VIEWER, VIEWER_PASSWORD));
        assertThat(month.path("sender").path("sender").asText()).isEqualTo(own);

        // an operator binds another sender (a viewer may not; a name that is not plain is refused)
        assertThat(put("/api/operator/quality/senders/" + victim, "{\"sender\":\"new-gateway\"}", VIEWER,
                VIEWER_PASSWORD).statusCode()).isEqualTo(403);
        var refused = put("/api/operator/quality/senders/" + victim, "{\"sender\":\"" + hostile + "\"}", OPERATOR,
                OPERATOR_PASSWORD);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(json(refused).get("error").asText()).contains("not a plain identifier");
        var rebound = put("/api/operator/quality/senders/" + victim, "{\"sender\":\"new-gateway\"}", OPERATOR,
                OPERATOR_PASSWORD);
        assertThat(rebound.statusCode()).as(rebound.body()).isEqualTo(200);
        assertThat(json(rebound).get("sender").asText()).isEqualTo("new-gateway");
        assertThat(json(rebound).get("boundBy").asText()).isEqualTo(OPERATOR);
        assertThat(jdbc.queryForList("select actor || ' ' || action || ' ' || subject || ' ' || result || ' ' || detail"
                + " from audit_event where action = 'QUALITY_SENDER_BOUND'", String.class))
                .contains(OPERATOR + " QUALITY_SENDER_BOUND " + victim + " OK 补传 recipient " + own + " -> new-gateway");
        JsonNode after = json(post("/api/operator/quality/resend-requests", "", OPERATOR, OPERATOR_PASSWORD));
        assertThat(filesTo(after, "new-gateway")).hasSize(1);
        assertThat(filesTo(after, own)).isEmpty();
    }

    private static List<JsonNode> filesTo(JsonNode summary, String recipient) {
        List<JsonNode> out = new ArrayList<>();
        summary.get("files").forEach(f -> {
            if (f.get("recipient").asText().equals(recipient)) {
                out.add(f);
            }
        });
        return out;
    }
}

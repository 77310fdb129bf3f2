package energyhub.e2e.cockpit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * /api/operator/quality over a month fed through the real ferry inbox: the enterprise list (JSON and CSV),
 * one enterprise with its holes, calendar and day-vs-month check, its holes as CSV, the province, bad
 * months and codes, and the schedule: refused whole on a bad line, imported (changing what is expected),
 * shown and cleared, by an operator only, audited.
 */
class QualityApiTest extends CockpitTest {

    private static final String ENTERPRISE = QualityMonth.enterprise("91330100QA1AP1000");
    private static final String BASE = "/api/operator/quality";
    private static final String NEVER_SENT = "0000000002330009";

    @Test
    void aMonthOfOneEnterpriseThroughTheApi() throws Exception {
        awaitAck(QualityMonth.of(ENTERPRISE, Set.of(5, 6)).dropInto(inbox()), "ACCEPTED");

        // 31 + 1 + 29 of 63 due periods: 96.83 %, above the 90 % threshold
        JsonNode mine = await().atMost(Duration.ofSeconds(30)).until(() -> find(json(get(BASE
                + "/enterprises?month=2026-10", VIEWER, VIEWER_PASSWORD)), ENTERPRISE), n -> n != null);
        assertThat(mine.path("expected").asInt()).isEqualTo(63);
        assertThat(mine.path("received").asInt()).isEqualTo(61);
        assertThat(mine.path("series").asInt()).isEqualTo(3);
        assertThat(mine.path("completeness").asDouble()).isEqualTo(96.83);
        assertThat(mine.path("belowThreshold").asBoolean()).isFalse();
        assertThat(find(json(get(BASE + "/enterprises?month=2026-10&below=true", VIEWER, VIEWER_PASSWORD)),
                ENTERPRISE)).as("listed below threshold").isNull();

        // the list as CSV, by parameter and by Accept header
        for (HttpResponse<String> csv : List.of(get(BASE + "/enterprises?month=2026-10&format=csv", VIEWER,
                VIEWER_PASSWORD), send("GET", BASE + "/enterprises?month=2026-10", null, "text/csv", VIEWER,
                VIEWER_PASSWORD))) {
            assertThat(csv.statusCode()).isEqualTo(200);
            assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
            assertThat(csv.body().lines().findFirst().orElse("")).isEqualTo("enterpriseCode,month,series,expected,"
                    + "received,completeness,late,superseded,suspect,belowThreshold");
            assertThat(csv.body().lines()).anyMatch(l -> l.startsWith(ENTERPRISE + ",2026-10,3,63,61,96.83,"));
        }

        // one enterprise: its holes, its calendar, its day-vs-month check
        JsonNode one = json(get(BASE + "/enterprises/" + ENTERPRISE + "?month=2026-10", VIEWER, VIEWER_PASSWORD));
        assertThat(one.path("summary").path("received").asInt()).isEqualTo(61);
        JsonNode holed = series(one, QualityMonth.HOLED, 1);
        assertThat(holed.path("expected").asInt()).isEqualTo(31);
        assertThat(holed.path("missing")).extracting(JsonNode::asText)
                .containsExactly("2026-10-05 00:00:00", "2026-10-06 00:00:00");
        assertThat(series(one, QualityMonth.COMPLETE, 1).path("missing")).isEmpty();
        JsonNode calendar = one.path("calendar");
        assertThat(calendar).hasSize(31);
        assertThat(calendar.get(0).path("day").asText()).isEqualTo("2026-10-01");
        assertThat(calendar.get(0).path("expected").asInt()).isEqualTo(3); // both days and the month
        assertThat(calendar.get(0).path("received").asInt()).isEqualTo(3);
        assertThat(calendar.get(4).path("expected").asInt()).isEqualTo(2);
        assertThat(calendar.get(4).path("received").asInt()).isEqualTo(1);
        JsonNode check = one.path("dayMonth").get(0);
        assertThat(check.path("dataCode").asText()).isEqualTo(QualityMonth.COMPLETE);
        assertThat(check.path("daySum").decimalValue()).isEqualByComparingTo("310");
        assertThat(check.path("monthValue").decimalValue()).isEqualByComparingTo("400");
        assertThat(check.path("deviationPercent").asDouble()).isEqualTo(22.5);
        assertThat(check.path("flagged").asBoolean()).isTrue();
        assertThat(one.path("supply")).isEmpty();

        // the holes as CSV: one row per missing period
        HttpResponse<String> holes = get(BASE + "/enterprises/" + ENTERPRISE + "?month=2026-10&format=csv", VIEWER,
                VIEWER_PASSWORD);
        assertThat(holes.statusCode()).isEqualTo(200);
        assertThat(holes.body().lines().toList()).containsExactly("enterpriseCode,dataCode,statType,statDate",
                ENTERPRISE + "," + QualityMonth.HOLED + ",1,2026-10-05 00:00:00",
                ENTERPRISE + "," + QualityMonth.HOLED + ",1,2026-10-06 00:00:00");

        // the province counts it
        JsonNode province = json(get(BASE + "/province?month=2026-10", VIEWER, VIEWER_PASSWORD));
        assertThat(province.path("month").asText()).isEqualTo("2026-10");
        assertThat(province.path("enterprises").asInt()).isPositive();
        assertThat(province.path("received").asLong()).isGreaterThanOrEqualTo(61);
        assertThat(province.path("dayMonthFlagged").asInt()).isPositive();
        // no month: the current one (China time)
        assertThat(json(get(BASE + "/province", VIEWER, VIEWER_PASSWORD)).path("month").asText())
                .isEqualTo(java.time.YearMonth.now(energyhub.standard.RecordValidator.CHINA).toString());

        // bad input: one clear answer
        for (String bad : List.of("2026-13", "2026-1", "October", "2026-10-01")) {
            HttpResponse<String> r = get(BASE + "/enterprises?month=" + bad, VIEWER, VIEWER_PASSWORD);
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(json(r).path("error").asText()).contains("\"" + bad + "\"", "is not a month yyyy-MM");
        }
        HttpResponse<String> badCode = get(BASE + "/enterprises/" + wrongCheck(ENTERPRISE) + "?month=2026-10", VIEWER,
                VIEWER_PASSWORD);
        assertThat(badCode.statusCode()).isEqualTo(400);
        assertThat(json(badCode).path("error").asText()).contains("check character");
        assertThat(get(BASE + "/enterprises?format=xml", VIEWER, VIEWER_PASSWORD).statusCode()).isEqualTo(400);
        HttpResponse<String> badFlag = get(BASE + "/enterprises?below=yes", VIEWER, VIEWER_PASSWORD);
        assertThat(badFlag.statusCode()).isEqualTo(400);
        assertThat(json(badFlag).path("error").asText()).isEqualTo("below \"yes\" is not true or false");
    }

    @Test
    void theScheduleIsCheckedWholeImportedShownAndCleared() throws Exception {
        String other = QualityMonth.enterprise("91330100QA1AP1001");
        awaitAck(QualityMonth.of(other, Set.of()).dropInto(inbox()), "ACCEPTED");
        await().atMost(Duration.ofSeconds(30)).until(() -> find(json(get(BASE + "/enterprises?month=2026-10",
                VIEWER, VIEWER_PASSWORD)), other) != null);
        String schedule = "enterpriseCode,dataCode,statType\n" + other + "," + QualityMonth.COMPLETE + ",1\n"
                + other + "," + NEVER_SENT + ",1\n";

        // a viewer may look, not import
        assertThat(send("PUT", BASE + "/schedule", schedule, "application/json", VIEWER, VIEWER_PASSWORD)
                .statusCode()).isEqualTo(403);

        // a bad line: 400 naming line and field, nothing imported
        HttpResponse<String> bad = send("PUT", BASE + "/schedule", schedule + other + ",12345,1\n", "application/json",
                OPERATOR, OPERATOR_PASSWORD);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).path("line").asInt()).isEqualTo(4);
        assertThat(json(bad).path("field").asText()).isEqualTo("dataCode");
        assertThat(json(bad).path("error").asText()).contains("line 4", "dataCode", "nothing was imported");
        assertThat(json(get(BASE + "/schedule/" + other, VIEWER, VIEWER_PASSWORD))).isEmpty();
        HttpResponse<String> badCode = send("PUT", BASE + "/schedule", other + "," + NEVER_SENT + ",1\n"
                + wrongCheck(other) + "," + NEVER_SENT + ",1\n", "application/json", OPERATOR, OPERATOR_PASSWORD);
        assertThat(json(badCode).path("field").asText()).isEqualTo("enterpriseCode");
        assertThat(json(badCode).path("line").asInt()).isEqualTo(2);
        assertThat(json(get(BASE + "/schedule/" + other, VIEWER, VIEWER_PASSWORD))).isEmpty();

        // imported: the enterprise now owes the scheduled series only, one never sent (31 of 62 due)
        HttpResponse<String> ok = send("PUT", BASE + "/schedule", schedule, "application/json", OPERATOR,
                OPERATOR_PASSWORD);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(json(ok).path("lines").asInt()).isEqualTo(2);
        assertThat(json(ok).path("enterprises").asInt()).isEqualTo(1);
        assertThat(json(get(BASE + "/schedule/" + other, VIEWER, VIEWER_PASSWORD))).extracting(
                n -> n.path("dataCode").asText()).containsExactly(QualityMonth.COMPLETE, NEVER_SENT);
        assertThat(get(BASE + "/schedule/" + other + "?format=csv", VIEWER, VIEWER_PASSWORD).body())
                .isEqualTo(schedule);
        JsonNode scheduled = find(json(get(BASE + "/enterprises?month=2026-10&below=true", VIEWER, VIEWER_PASSWORD)),
                other);
        assertThat(scheduled).as("below threshold with the schedule").isNotNull();
        assertThat(scheduled.path("expected").asInt()).isEqualTo(62);
        assertThat(scheduled.path("received").asInt()).isEqualTo(31);
        assertThat(scheduled.path("completeness").asDouble()).isEqualTo(50.0);

        // cleared: back to what it sent
        HttpResponse<String> cleared = send("DELETE", BASE + "/schedule/" + other, null, "application/json",
                OPERATOR, OPERATOR_PASSWORD);
        assertThat(cleared.statusCode()).isEqualTo(200);
        assertThat(json(cleared).path("removed").asInt()).isEqualTo(2);
        assertThat(find(json(get(BASE + "/enterprises?month=2026-10", VIEWER, VIEWER_PASSWORD)), other)
                .path("completeness").asDouble()).isEqualTo(100.0);

        // audited: who, what, the result
        assertThat(jdbc.queryForList("select actor || ' ' || action || ' ' || result from audit_event "
                + "where action like 'QUALITY_SCHEDULE_%' order by seq", String.class))
                .contains("operator QUALITY_SCHEDULE_IMPORTED FAILED", "operator QUALITY_SCHEDULE_IMPORTED OK",
                        "operator QUALITY_SCHEDULE_CLEARED OK");
    }

    @Test
    void anOversizedScheduleIsRefusedWhole() throws Exception {
        String code = QualityMonth.enterprise("91330100QA1AP1002");
        StringBuilder big = new StringBuilder();
        String line = code + "," + NEVER_SENT + ",1\n";
        while (big.length() <= 32 * 1024 * 1024) {
            big.append(line);
        }
        // streamed, without a length: the hub counts what it reads (a declared length over the bound is
        // refused before reading, and the connection is closed while the client may still be sending)
        byte[] body = big.toString().getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url(BASE + "/schedule")))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "text/csv").header("Accept", "application/json")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((OPERATOR + ":"
                        + OPERATOR_PASSWORD).getBytes(StandardCharsets.UTF_8)))
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(json(r).path("error").asText()).contains("send it in parts", "nothing was imported");
        assertThat(json(get(BASE + "/schedule/" + code, VIEWER, VIEWER_PASSWORD))).isEmpty();
    }

    private static String wrongCheck(String code) {
        return code.substring(0, 17) + (code.charAt(17) == '0' ? '1' : '0');
    }

    private static JsonNode find(JsonNode list, String code) {
        for (JsonNode e : list) {
            if (code.equals(e.path("enterpriseCode").asText())) {
                return e;
            }
        }
        return null;
    }

    private static JsonNode series(JsonNode enterprise, String dataCode, int statType) {
        List<JsonNode> found = new ArrayList<>();
        enterprise.path("series").forEach(s -> {
            if (dataCode.equals(s.path("dataCode").asText()) && s.path("statType").asInt() == statType) {
                found.add(s);
            }
        });
        assertThat(found).as(dataCode + "/" + statType).hasSize(1);
        return found.get(0);
    }

    /** A request with a text/csv body (when given) and the Accept header given. */
    private HttpResponse<String> send(String method, String path, String csv, String accept, String user,
            String password) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(60))
                .header("Accept", accept).header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        if (csv != null) {
            b.header("Content-Type", "text/csv").method(method, HttpRequest.BodyPublishers.ofString(csv));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}

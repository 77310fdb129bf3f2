package energyhub.supplier;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import energyhub.supplier.HeatPull.Window;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** A heat window's batch identity is what it delivers: its dates and the readings it keeps, not the raw items. */
class HeatIdentityTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ArrayNode items(String json) throws Exception {
        return (ArrayNode) JSON.readTree(json);
    }

    private static Window day(String date) {
        return new Window("heat1", LocalDate.parse(date), LocalDate.parse(date));
    }

    private static String id(ArrayNode items, Window w) {
        return SupplierIntake.batchId(w.supplier(), HeatPull.identity(w, HeatPull.parse(items, w)));
    }

    private static final String BOTH_DAYS = "[{\"accountNo\":\"A\",\"date\":\"2026-10-01\",\"heatGJ\":\"1.25\"},"
            + "{\"accountNo\":\"B\",\"date\":\"2026-10-02\",\"heatGJ\":\"2.5\"}]";

    @Test
    void identicalRawItemsForTwoWindowsAreTwoBatches() throws Exception {
        ArrayNode same = items(BOTH_DAYS);
        assertThat(id(same, day("2026-10-01"))).isNotEqualTo(id(same, day("2026-10-02")));
        assertThat(HeatPull.parse(same, day("2026-10-01")).readings()).extracting(SupplierReading::accountNo).containsExactly("A");
        assertThat(HeatPull.parse(same, day("2026-10-02")).readings()).extracting(SupplierReading::accountNo).containsExactly("B");
    }

    @Test
    void aWindowWhoseItemsAllFallOutsideItIsStillItsOwnBatch() throws Exception {
        ArrayNode elsewhere = items("[{\"accountNo\":\"A\",\"date\":\"2026-09-30\",\"heatGJ\":\"1\"}]");
        assertThat(id(elsewhere, day("2026-10-01"))).isNotEqualTo(id(elsewhere, day("2026-10-02")));
    }

    @Test
    void theSameReadingsOfOneWindowAreTheSameBatchWhateverTheRawForm() throws Exception {
        Window w = new Window("heat1", LocalDate.parse("2026-10-01"), LocalDate.parse("2026-10-02"));
        String reordered = "[{\"heatGJ\":\"2.5\",\"date\":\"2026-10-02\",\"accountNo\":\"B\",\"meterId\":\"M9\"},"
                + "{\"accountNo\":\"A\",\"date\":\"2026-10-01\",\"heatGJ\":\"1.25\"},"
                + "{\"accountNo\":\"C\",\"date\":\"2026-12-01\",\"heatGJ\":\"9\"}]"; // C is outside: not delivered
        assertThat(id(items(BOTH_DAYS), w)).isEqualTo(id(items(reordered), w));
    }

    @Test
    void anotherValueIsAnotherBatch() throws Exception {
        Window w = day("2026-10-01");
        assertThat(id(items(BOTH_DAYS), w)).isNotEqualTo(id(items(BOTH_DAYS.replace("1.25", "1.26")), w));
        assertThat(SupplierIntake.batchId("heat1", HeatPull.identity(w, HeatPull.parse(items(BOTH_DAYS), w))))
                .isNotEqualTo(SupplierIntake.batchId("heat2", HeatPull.identity(w, HeatPull.parse(items(BOTH_DAYS), w))));
    }

    @Test
    void itemsOfTheWrongTypesAreRowErrorsNotFailures() throws Exception {
        ParsedFile parsed = HeatPull.parse(items("[1,\"x\",null,{\"accountNo\":\"A\",\"date\":\"2026-10-01\",\"heatGJ\":{}},"
                + "{\"accountNo\":\"A\",\"date\":\"2026-10-01\",\"heatGJ\":\"3\"}]"), day("2026-10-01"));
        assertThat(parsed.rowErrors()).extracting(ParsedFile.RowError::code)
                .containsExactly("NOT_AN_OBJECT", "NOT_AN_OBJECT", "NOT_AN_OBJECT", "BAD_NUMBER");
        assertThat(parsed.readings()).hasSize(1);
    }
}

package energyhub.standard;

import java.lang.reflect.RecordComponent;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/** Shared test data: the contract §1 example and a clock 5 minutes after its uploadDate. */
final class Fixtures {

    /** The example of contracts §1, on one line. */
    static final String CONTRACT_EXAMPLE_JSON = "{\"enterpriseCode\":\"91530100MA6NX4QW2G\",\"regVersion\":\"1.0\","
            + "\"dicVersion\":\"1.0\",\"dataCode\":\"0000000002330001\",\"dataValue\":\"12345.60\","
            + "\"convertRation\":\"1.229\",\"valid\":\"1\",\"scope\":\"1\",\"inputType\":\"4\",\"statType\":\"1\","
            + "\"statDate\":\"2026-11-23 00:00:00\",\"uploadDate\":\"2026-11-24 01:10:05\"}";

    static final EnergyRecord CONTRACT_EXAMPLE = new EnergyRecord("91530100MA6NX4QW2G", "1.0", "1.0",
            "0000000002330001", "12345.60", "1.229", "1", "1", "4", "1", "2026-11-23 00:00:00", "2026-11-24 01:10:05");

    /** 2026-11-24 01:15:00 in China Standard Time. */
    static final Instant NOW = Instant.parse("2026-11-23T17:15:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC); // a UTC clock on purpose: the validator must use CST

    private Fixtures() {
    }

    /** The contract example with one field replaced (value null = absent). */
    static EnergyRecord with(String field, String value) {
        return with(CONTRACT_EXAMPLE, field, value);
    }

    static EnergyRecord with(EnergyRecord base, String field, String value) {
        RecordComponent[] components = EnergyRecord.class.getRecordComponents();
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        boolean found = false;
        try {
            for (int i = 0; i < components.length; i++) {
                types[i] = String.class;
                values[i] = components[i].getName().equals(field) ? value : components[i].getAccessor().invoke(base);
                found |= components[i].getName().equals(field);
            }
            if (!found) {
                throw new IllegalArgumentException("no field " + field);
            }
            return EnergyRecord.class.getDeclaredConstructor(types).newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Errors as "field:code" strings, so assertions compare both precisely and in order. */
    static List<String> codes(List<RecordError> errors) {
        return errors.stream().map(e -> e.field() + ":" + e.code()).toList();
    }
}

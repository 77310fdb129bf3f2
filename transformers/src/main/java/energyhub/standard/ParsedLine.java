package energyhub.standard;

import java.util.List;

/** Result of {@link RecordCodec#parse}: either a record (errors empty) or the errors (record null). */
public record ParsedLine(EnergyRecord record, List<RecordError> errors) {

    public ParsedLine {
        errors = List.copyOf(errors);
    }

    public boolean isOk() {
        return errors.isEmpty();
    }
}

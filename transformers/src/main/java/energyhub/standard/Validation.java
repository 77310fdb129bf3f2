package energyhub.standard;

import java.util.List;

/**
 * Result of {@link RecordValidator#validate}. When valid, {@code record} is the normalised record
 * (convertRation filled in); otherwise it is the record as received, and {@code errors} lists every failure.
 */
public record Validation(EnergyRecord record, List<RecordError> errors) {

    public Validation {
        errors = List.copyOf(errors);
    }

    public boolean isValid() {
        return errors.isEmpty();
    }
}

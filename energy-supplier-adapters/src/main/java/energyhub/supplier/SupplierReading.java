package energyhub.supplier;

import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * One reading of a supplier, already in the canonical unit, before the account registry says whose it is.
 *
 * @param line      row (CSV), account element (XML) or item (API) number, as the report names it
 * @param statType  {@code 1} day, {@code 2} month
 * @param statDate  the first day of the period
 * @param valid     {@code 1}, or {@code 0} when the supplier's own figures disagree (reading cross-check)
 * @param raw       the supplier's row as received, kept for unmatched rows and reports
 */
public record SupplierReading(int line, int accountType, String accountNo, String statType, LocalDate statDate,
        BigDecimal value, String valid, String raw) {

    /** The value as the canonical dataValue: a plain decimal, no exponent, no trailing zeros. */
    public String dataValue() {
        BigDecimal v = value.stripTrailingZeros();
        return v.scale() < 0 ? v.setScale(0).toPlainString() : v.toPlainString();
    }
}

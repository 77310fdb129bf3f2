package energyhub.supplier;

/** One registry entry: a supplier's account (户号) and whose consumption it measures. */
public record Account(String supplierCode, int accountType, String accountNo, String enterpriseCode, String dataCode,
        boolean active) {
}

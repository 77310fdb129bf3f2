package energyhub.standard;

import java.util.Optional;

/**
 * 统一社会信用代码 (GB 32100-2015): 18 characters from {@code 0-9A-HJ-NPQRTUWXY} (no I, O, Z, S, V),
 * the 18th a check character over the first 17 (ISO 7064 style, modulus 31).
 */
public final class UnifiedSocialCreditCode {

    /** The 31 allowed characters; a character's index is its numeric value in the check-digit sum. */
    static final String CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    private static final int[] WEIGHTS = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
    static final int LENGTH = 18;
    /** A character's value (its index in {@link #CHARSET}) by its code, -1 where it is not allowed. */
    private static final int[] VALUES = new int[128];

    static {
        java.util.Arrays.fill(VALUES, -1);
        for (int i = 0; i < CHARSET.length(); i++) {
            VALUES[CHARSET.charAt(i)] = i;
        }
    }

    private UnifiedSocialCreditCode() {
    }

    public static boolean isValid(String code) {
        return error("enterpriseCode", code).isEmpty();
    }

    /** Why {@code code} is not a valid USCC, or empty when it is. */
    public static Optional<String> problem(String code) {
        return error("enterpriseCode", code).map(RecordError::message);
    }

    /**
     * The check character for the first 17 characters of a code (useful to build test fixtures).
     *
     * @throws IllegalArgumentException when {@code first17} is not 17 characters of the charset
     */
    public static char checkCharacter(String first17) {
        if (first17 == null || first17.length() != LENGTH - 1) {
            throw new IllegalArgumentException("need the first 17 characters of a code");
        }
        for (int i = 0; i < LENGTH - 1; i++) {
            if (value(first17.charAt(i)) < 0) {
                throw new IllegalArgumentException("character " + (i + 1) + " is not in " + CHARSET);
            }
        }
        return check(first17);
    }

    /** The check character over the first 17 characters of {@code code}, all of them known to be allowed. */
    private static char check(String code) {
        int sum = 0;
        for (int i = 0; i < LENGTH - 1; i++) {
            sum += value(code.charAt(i)) * WEIGHTS[i];
        }
        int check = 31 - sum % 31;
        return CHARSET.charAt(check == 31 ? 0 : check);
    }

    /** The character's value, or -1 when it is not one of {@link #CHARSET} (a table, not a search: once per record). */
    private static int value(char c) {
        return c < VALUES.length ? VALUES[c] : -1;
    }

    /** The first problem of a non-empty code, as a coded error on {@code field}; empty when valid. */
    static Optional<RecordError> error(String field, String code) {
        if (code == null || code.isEmpty()) {
            return Optional.of(new RecordError(field, "MISSING", field + " is missing or empty"));
        }
        if (code.length() != LENGTH) {
            return Optional.of(new RecordError(field, "BAD_LENGTH", field + " " + RecordError.shown(code)
                    + " has " + code.length() + " characters, a unified social credit code has 18"));
        }
        for (int i = 0; i < LENGTH; i++) {
            if (value(code.charAt(i)) < 0) {
                return Optional.of(new RecordError(field, "BAD_CHARSET", field + " " + RecordError.shown(code)
                        + " has " + RecordError.shown(String.valueOf(code.charAt(i))) + " at position " + (i + 1)
                        + ", allowed are 0-9 and A-Z without I, O, S, V, Z (GB 32100)"));
            }
        }
        char expected = check(code);
        if (code.charAt(LENGTH - 1) != expected) {
            return Optional.of(new RecordError(field, "BAD_CHECK_DIGIT", field + " " + RecordError.shown(code)
                    + " has check character " + code.charAt(LENGTH - 1) + " but GB 32100 gives " + expected));
        }
        return Optional.empty();
    }
}

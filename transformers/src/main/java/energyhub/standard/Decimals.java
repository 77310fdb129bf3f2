package energyhub.standard;

/** The contract's "plain decimal": optional minus, digits, optional fraction; no exponent, no separators. */
final class Decimals {

    private Decimals() {
    }

    /**
     * Whether the text is {@code -?[0-9]+(\\.[0-9]+)?}, ASCII digits only. Scanned by hand: the regular
     * expression was 5 % of the hub's CPU, called twice per record.
     */
    static boolean isPlain(String s) {
        if (s == null) {
            return false;
        }
        int n = s.length();
        int i = n > 0 && s.charAt(0) == '-' ? 1 : 0;
        int start = i;
        while (i < n && isDigit(s.charAt(i))) {
            i++;
        }
        if (i == start) {
            return false;
        }
        if (i == n) {
            return true;
        }
        if (s.charAt(i) != '.') {
            return false;
        }
        int fraction = ++i;
        while (i < n && isDigit(s.charAt(i))) {
            i++;
        }
        return i == n && i > fraction;
    }

    /** ASCII 0-9 only (Character.isDigit would let other scripts' digits through). */
    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Whether the text is all ASCII digits from {@code from} (inclusive) to {@code to} (exclusive). */
    static boolean allDigits(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}

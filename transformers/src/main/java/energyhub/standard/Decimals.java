package energyhub.standard;

import java.util.regex.Pattern;

/** The contract's "plain decimal": optional minus, digits, optional fraction; no exponent, no separators. */
final class Decimals {

    // ASCII digits only; the pattern is linear, so long input cannot make it backtrack.
    private static final Pattern PLAIN = Pattern.compile("-?[0-9]+(\\.[0-9]+)?");

    private Decimals() {
    }

    static boolean isPlain(String s) {
        return s != null && PLAIN.matcher(s).matches();
    }
}

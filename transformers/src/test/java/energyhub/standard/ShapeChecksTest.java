package energyhub.standard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The hand-written shape checks (which replaced regular expressions for speed) accept exactly the
 * languages of the expressions they replaced: checked on edge cases and on a million random strings
 * built from the characters that matter.
 */
class ShapeChecksTest {

    private static final Pattern PLAIN = Pattern.compile("-?[0-9]+(\\.[0-9]+)?");
    private static final Pattern DATA_CODE = Pattern.compile("[0-9]{14,18}");
    private static final Pattern TIMESTAMP = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}");

    @Test
    void edgeCasesAgreeWithTheExpressions() {
        for (String s : List.of("", "-", ".", "-.", "0", "-0", "1.", ".5", "1.5", "-1.50", "1..5", "1.5.", "--1",
                "1e5", "١٢٣", "12a", " 1", "1 ", "+1", "0000000000000", "00000000000000", "000000000000000000",
                "0000000000000000000", "2026-10-01 00:00:00", "2026-10-01T00:00:00", "2026-10-01 00:00:0",
                "2026-10-01 00:00:000", "+026-10-01 00:00:00", "2026-1a-01 00:00:00", "2026-10-01  0:00:00",
                "٢٠٢٦-10-01 00:00:00")) {
            assertAgree(s);
        }
    }

    @Test
    void randomStringsAgreeWithTheExpressions() {
        Random random = new Random(12);
        char[] alphabet = "0123456789-.: a\u0661".toCharArray();
        String timestamp = "2026-10-01 00:00:00";
        for (int n = 0; n < 1_000_000; n++) {
            String s;
            if (n % 3 == 0) { // a timestamp with one or two characters changed, so the timestamp shape is exercised
                char[] c = timestamp.toCharArray();
                c[random.nextInt(c.length)] = alphabet[random.nextInt(alphabet.length)];
                if (random.nextBoolean()) {
                    c[random.nextInt(c.length)] = alphabet[random.nextInt(alphabet.length)];
                }
                s = new String(c);
            } else {
                char[] c = new char[random.nextInt(21)];
                for (int i = 0; i < c.length; i++) {
                    c[i] = alphabet[random.nextInt(n % 3 == 1 ? 12 : alphabet.length)];
                }
                s = new String(c);
            }
            assertAgree(s);
        }
    }

    private static void assertAgree(String s) {
        assertThat(Decimals.isPlain(s)).as("plain decimal %s", s).isEqualTo(PLAIN.matcher(s).matches());
        assertThat(RecordValidator.isDataCode(s)).as("dataCode %s", s).isEqualTo(DATA_CODE.matcher(s).matches());
        assertThat(RecordValidator.isTimestampShape(s)).as("timestamp %s", s).isEqualTo(TIMESTAMP.matcher(s).matches());
    }
}

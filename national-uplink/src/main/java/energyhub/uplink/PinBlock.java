package energyhub.uplink;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The {@code requestAK} password: an SM4 PIN block (shared/spec/energy-data-standard.md §4.2). Plain block = ASCII of
 * the 2-digit decimal PIN length, the PIN and 'F' up to 16 characters; key = ASCII of the first 16 characters of the
 * platform's secretKey; IV = ASCII of the first 16 characters of the enterpriseCode; BouncyCastle
 * {@code SM4/CBC/NoPadding}; hex out. The case of the hex and of hex letters in the PIN are settings (the two public
 * clients disagree on both).
 */
public final class PinBlock {

    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    private final boolean upperHex;
    private final boolean upperPin;

    /**
     * @param upperHex the password in upper-case hex (else lower case)
     * @param upperPin hex letters of the PIN upper-cased first (S1's rule; else kept as given, S3's rule)
     */
    public PinBlock(boolean upperHex, boolean upperPin) {
        this.upperHex = upperHex;
        this.upperPin = upperPin;
    }

    /** The password for requestAK. */
    public String password(String secretKey, String enterpriseCode, String pin) {
        if (pin == null || pin.isEmpty() || pin.length() > 14) {
            throw new IllegalArgumentException("the PIN must have 1 to 14 characters");
        }
        if (secretKey == null || secretKey.length() < 16 || enterpriseCode == null || enterpriseCode.length() < 16) {
            throw new IllegalArgumentException("secretKey and enterpriseCode need at least 16 characters each");
        }
        String p = upperPin ? pin.toUpperCase(Locale.ROOT) : pin;
        String plain = String.format("%02d", p.length()) + p + "F".repeat(14 - p.length());
        try {
            Cipher sm4 = Cipher.getInstance("SM4/CBC/NoPadding", BC);
            sm4.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(ascii(secretKey.substring(0, 16)), "SM4"),
                    new IvParameterSpec(ascii(enterpriseCode.substring(0, 16))));
            byte[] out = sm4.doFinal(ascii(plain));
            HexFormat hex = HexFormat.of();
            return upperHex ? hex.withUpperCase().formatHex(out) : hex.formatHex(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SM4 unavailable: " + e.getMessage(), e);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}

package energyhub.routing.inbox;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The rules a file name from outside must pass before the hub uses it for anything (a path, an ACK
 * name, an endpoint URI, a log line). A name is written by an attacker: it may hold separators of any
 * platform ({@code /} and {@code \}, which Camel turns into {@code /} on Unix), {@code ..}, control
 * characters and newlines, bytes that are not UTF-8 (Java shows them as U+FFFD), or be long enough
 * that NAME.ack.json or NAME.reason.txt no longer fits the 255-byte limit of the file system.
 *
 * <p>Accepted: 1 to {@value #MAX_NAME_BYTES} bytes (UTF-8) of letters and digits of any script and
 * {@code . _ -}, not starting with {@code .} or {@code -}, without {@code ..}. Everything else is
 * refused before use; {@link #safeName} gives the name the hub files and answers a refused one under.
 */
public final class IntakeNames {

    /** Longest name accepted, in UTF-8 bytes: leaves room for the suffixes the hub appends (255-byte limit). */
    public static final int MAX_NAME_BYTES = 200;
    /** Prefix of the generated names refused files are quarantined and answered under. */
    public static final String REFUSED_PREFIX = "refused-";

    private IntakeNames() {
    }

    /** Why this name may not be used, or empty when it may. */
    public static Optional<String> problem(String name) {
        if (name == null || name.isEmpty()) {
            return Optional.of("the name is empty");
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_NAME_BYTES) {
            return Optional.of("the name is " + bytes + " bytes long, more than " + MAX_NAME_BYTES);
        }
        if (name.charAt(0) == '.') {
            return Optional.of("the name starts with '.' (hidden)");
        }
        if (name.charAt(0) == '-') {
            return Optional.of("the name starts with '-'");
        }
        if (name.contains("..")) {
            return Optional.of("the name contains '..'");
        }
        for (int i = 0; i < name.length(); ) {
            int c = name.codePointAt(i);
            i += Character.charCount(c);
            if (c == '/' || c == '\\') {
                return Optional.of("the name contains a path separator '" + (char) c + "'");
            }
            if (Character.isISOControl(c)) {
                return Optional.of("the name contains the control character U+" + String.format("%04X", c));
            }
            if (undecodable(c)) {
                return Optional.of("the name is not valid UTF-8");
            }
            if (!(Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-')) {
                return Optional.of("the name contains the character U+" + String.format("%04X", c)
                        + " (only letters, digits, '.', '_' and '-' are accepted)");
            }
        }
        return Optional.empty();
    }

    /**
     * Whether the name as listed came from bytes that are not UTF-8 (Java shows them as U+FFFD): such an
     * entry cannot be addressed again by this name, so it cannot be moved out of its folder.
     */
    public static boolean undecodable(String name) {
        return name.codePoints().anyMatch(IntakeNames::undecodable);
    }

    private static boolean undecodable(int c) {
        return c == 0xFFFD || Character.isSurrogate((char) c);
    }

    public static boolean acceptable(String name) {
        return problem(name).isEmpty();
    }

    /**
     * The name a refused file is kept and answered under: {@code refused-} and the first 16 hex digits
     * of the SHA-256 of the original name's UTF-8 bytes. The same bad name always gives the same safe name.
     */
    public static String safeName(String name) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest((name == null ? "" : name).getBytes(StandardCharsets.UTF_8));
            return REFUSED_PREFIX + HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The name quoted for a log line, reason file or ACK message: printable ASCII as it is, backslash
     * doubled, everything else as {@code \\uXXXX}; at most 300 characters shown.
     */
    public static String escape(String name) {
        if (name == null) {
            return "\"\"";
        }
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < name.length() && b.length() < 300; i++) {
            char c = name.charAt(i);
            if (c == '\\') {
                b.append("\\\\");
            } else if (c == '"') {
                b.append("\\\"");
            } else if (c >= 0x20 && c < 0x7F) {
                b.append(c);
            } else {
                b.append(String.format("\\u%04x", (int) c));
            }
        }
        if (b.length() >= 300) {
            b.append("...");
        }
        return b.append('"').toString();
    }
}

package energyhub.standard;

/**
 * One reason a line or record was rejected.
 *
 * @param field   the wire field name, or {@code ""} when the problem is the line as a whole
 * @param code    a stable reason code (see README), for machines
 * @param message English text for people, naming the offending value and the rule
 */
public record RecordError(String field, String code, String message) {

    static final int SHOWN_CHARS = 40;

    /**
     * The value as it appears in messages: quoted, cut to 40 characters, control characters escaped
     * (messages end up in logs and ACKs; a value must not be able to forge a log line).
     */
    static String shown(String value) {
        if (value == null) {
            return "(absent)";
        }
        String cut = value.length() > SHOWN_CHARS ? value.substring(0, SHOWN_CHARS) + "…" : value;
        StringBuilder sb = new StringBuilder(cut.length() + 2).append('"');
        for (char c : cut.toCharArray()) {
            if (Character.isISOControl(c)) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}

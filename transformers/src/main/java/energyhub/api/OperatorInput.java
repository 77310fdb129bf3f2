package energyhub.api;

/**
 * What every operator API of the hub does with its parameters and its CSV answers, in one place (monitoring's
 * quality API and the national uplink's API use it): a value quoted for an error message, a bounded whole-number
 * parameter, the choice between JSON and CSV, and a CSV row that a spreadsheet shows as text. Parameters come from
 * accounts, and CSV cells may hold what a platform or a sender wrote: both are hostile until checked.
 */
public final class OperatorInput {

    private OperatorInput() {
    }

    /** A value quoted for a message: at most 40 characters, control characters, quotes and backslashes escaped. */
    public static String shown(String value) {
        if (value == null) {
            return "(absent)";
        }
        String v = value.length() > 40 ? value.substring(0, 40) + "..." : value;
        StringBuilder b = new StringBuilder("\"");
        v.codePoints().forEach(c -> {
            if (Character.isISOControl(c) || c == '"' || c == '\\') {
                b.append(String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.append('"').toString();
    }

    /**
     * A whole number parameter within [min, max]; {@code otherwise} when absent; else IllegalArgumentException
     * naming the parameter and the value (the API answers it as 400).
     */
    public static long number(String name, String value, long min, long max, long otherwise) {
        if (value == null || value.isBlank()) {
            return otherwise;
        }
        long n;
        try {
            n = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " " + shown(value) + " is not a whole number");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(name + " " + n + " is not within " + min + " and " + max
                    + (max < Long.MAX_VALUE ? " (the largest page; ask for the next with offset)" : ""));
        }
        return n;
    }

    /**
     * Whether the answer is CSV: {@code format=csv} or {@code json} when given (anything else is refused), else an
     * Accept header asking for text/csv and not for JSON.
     */
    public static boolean wantsCsv(String format, String accept) {
        if (format != null && !format.isBlank()) {
            if (format.equalsIgnoreCase("csv")) {
                return true;
            }
            if (format.equalsIgnoreCase("json")) {
                return false;
            }
            throw new IllegalArgumentException("format " + shown(format) + " is not json or csv");
        }
        return accept != null && accept.contains("text/csv") && !accept.contains("application/json");
    }

    /**
     * One CSV row, line break included. A cell with a comma, quote or line break is quoted; a text cell a
     * spreadsheet would run as a formula (starting with =, +, -, @, a tab or a carriage return) gets a leading
     * apostrophe, so it is shown as text. Numbers are written as they are, a null is empty, a SQL timestamp is
     * its instant (ISO-8601, UTC).
     */
    public static String csvRow(Object... cells) {
        StringBuilder line = new StringBuilder(160);
        for (int i = 0; i < cells.length; i++) {
            Object v = cells[i];
            String c = v == null ? "" : v instanceof java.sql.Timestamp t ? t.toInstant().toString() : String.valueOf(v);
            if (v instanceof CharSequence && !c.isEmpty() && "=+-@\t\r".indexOf(c.charAt(0)) >= 0) {
                c = "'" + c;
            }
            if (i > 0) {
                line.append(',');
            }
            if (c.indexOf(',') >= 0 || c.indexOf('"') >= 0 || c.indexOf('\n') >= 0 || c.indexOf('\r') >= 0) {
                line.append('"').append(c.replace("\"", "\"\"")).append('"');
            } else {
                line.append(c);
            }
        }
        return line.append('\n').toString();
    }
}

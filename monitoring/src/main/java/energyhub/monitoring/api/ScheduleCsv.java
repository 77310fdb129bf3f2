package energyhub.monitoring.api;

import energyhub.api.OperatorInput;
import energyhub.routing.quality.QualitySchedule.ScheduleEntry;
import energyhub.standard.UnifiedSocialCreditCode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads an imported reporting schedule: CSV lines {@code enterpriseCode,dataCode,statType}, UTF-8, an
 * optional header row of those names, blank lines ignored. Every line is checked before anything is
 * kept; the first bad one is answered with its line number and field, and nothing is imported.
 */
final class ScheduleCsv {

    static final String HEADER = "enterpriseCode,dataCode,statType";
    private static final Pattern DATA_CODE = Pattern.compile("[0-9]{14,18}");
    private static final Pattern STAT_TYPE = Pattern.compile("[0-3]");

    /** A bad schedule: which line (1-based; 0 for the body as a whole), which field, and why. */
    static final class BadSchedule extends RuntimeException {
        final int line;
        final String field;

        BadSchedule(int line, String field, String message) {
            super(message);
            this.line = line;
            this.field = field;
        }
    }

    /** The body went past {@code maxBytes}. */
    static final class TooLarge extends RuntimeException {
        TooLarge(String message) {
            super(message);
        }
    }

    private ScheduleCsv() {
    }

    static List<ScheduleEntry> read(InputStream body, long maxBytes) throws IOException {
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        List<ScheduleEntry> out = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(new Bounded(body, maxBytes), decoder))) {
            String line;
            int n = 0;
            while (true) {
                try {
                    line = in.readLine();
                } catch (CharacterCodingException e) {
                    throw new BadSchedule(n + 1, null, "line " + (n + 1) + " is not UTF-8 text");
                }
                if (line == null) {
                    break;
                }
                n++;
                if (n == 1 && line.startsWith("\uFEFF")) {
                    line = line.substring(1);
                }
                if (line.isBlank()) {
                    continue;
                }
                if (out.isEmpty() && line.replace(" ", "").equalsIgnoreCase(HEADER)) {
                    continue;
                }
                out.add(entry(n, line));
            }
        }
        if (out.isEmpty()) {
            throw new BadSchedule(0, null, "the schedule has no lines: send CSV lines " + HEADER
                    + " (to drop an enterprise's schedule, DELETE /api/operator/quality/schedule/{enterpriseCode})");
        }
        return out;
    }

    private static ScheduleEntry entry(int n, String line) {
        String[] f = line.split(",", -1);
        if (f.length != 3) {
            throw new BadSchedule(n, null, "line " + n + " has " + f.length + " fields, expected 3: " + HEADER);
        }
        String code = f[0].strip();
        String dataCode = f[1].strip();
        String statType = f[2].strip();
        UnifiedSocialCreditCode.problem(code).ifPresent(p -> {
            throw new BadSchedule(n, "enterpriseCode", "line " + n + ", field enterpriseCode: " + p);
        });
        if (!DATA_CODE.matcher(dataCode).matches()) {
            throw new BadSchedule(n, "dataCode", "line " + n + ", field dataCode: " + OperatorInput.shown(dataCode)
                    + " is not 14 to 18 digits");
        }
        if (!STAT_TYPE.matcher(statType).matches()) {
            throw new BadSchedule(n, "statType", "line " + n + ", field statType: " + OperatorInput.shown(statType)
                    + " is not 0 (15 minutes), 1 (day), 2 (month) or 3 (year)");
        }
        return new ScheduleEntry(code, dataCode, statType.charAt(0) - '0');
    }

    /** Stops reading past {@code max} bytes. */
    private static final class Bounded extends InputStream {
        private final InputStream in;
        private final long max;
        private long read;

        Bounded(InputStream in, long max) {
            this.in = in;
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = in.read(buf, off, len);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            read += n;
            if (read > max) {
                throw new TooLarge("the schedule is larger than " + max + " bytes: send it in parts, each with all "
                        + "lines of the enterprises it names (a PUT replaces the schedule of those enterprises only)");
            }
        }
    }
}

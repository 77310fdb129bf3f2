package energyhub.ferry;

import java.io.IOException;
import java.io.Reader;

/**
 * Splits decoded text into lines, the one way the ferry reads records ({@link PackageReader#lines}):
 * a line ends only at {@code \n}; a {@code \r} right before it is
 * dropped (CRLF files); a lone {@code \r} anywhere else is a character of the line (a record holding
 * one then passes or fails JSON on its own merits: between tokens it is whitespace, inside a string
 * it is an unescaped control character and the record is BAD_JSON). A BOM at the very start is
 * dropped. A line longer than the limit is not kept: {@link LineTooLong} names it.
 */
final class LineSplitter {

    private final Reader in;
    private final int maxLineChars;
    private final char[] buffer = new char[65536];
    private int pos;
    private int end;
    private int number;
    private boolean first = true;
    private final StringBuilder line = new StringBuilder();

    LineSplitter(Reader in, int maxLineChars) {
        this.in = in;
        this.maxLineChars = maxLineChars;
    }

    /** The line number of the line {@link #next} returned last (1-based), or that is being read. */
    int number() {
        return number;
    }

    /** The next line without its end, or null at the end of the text. */
    String next() throws IOException {
        line.setLength(0);
        boolean any = false;
        number++;
        while (true) {
            if (pos == end) {
                end = in.read(buffer, 0, buffer.length);
                pos = 0;
                if (end < 0) {
                    end = 0;
                    if (!any) {
                        number--;
                        return null;
                    }
                    return finish();
                }
            }
            if (first && pos < end) {
                any = true;
                first = false;
                if (buffer[pos] == '\uFEFF') {
                    pos++;
                    continue;
                }
            }
            // the run up to the next line end is appended at once, not char by char
            int from = pos;
            while (pos < end && buffer[pos] != '\n') {
                pos++;
            }
            if (pos < end && line.length() == 0) {
                return whole(from); // the most common case: the whole line is in the buffer, copied once
            }
            if (pos > from) {
                any = true;
                // one more than the limit may be held: a CR that turns out to end a CRLF line is dropped
                if (line.length() + (pos - from) > maxLineChars + 1) {
                    throw new LineTooLong(number, maxLineChars);
                }
                line.append(buffer, from, pos - from);
            }
            if (pos < end) {
                pos++; // the line end
                any = true;
                return finish();
            }
        }
    }

    /** The line from {@code from} to the line end at {@code pos}, which it steps over. */
    private String whole(int from) throws LineTooLong {
        int to = pos++;
        if (to > from && buffer[to - 1] == '\r') {
            to--;
        }
        if (to - from > maxLineChars) {
            throw new LineTooLong(number, maxLineChars);
        }
        return new String(buffer, from, to - from);
    }

    private String finish() throws LineTooLong {
        int n = line.length();
        if (n > 0 && line.charAt(n - 1) == '\r') {
            line.setLength(n - 1);
        }
        if (line.length() > maxLineChars) {
            throw new LineTooLong(number, maxLineChars);
        }
        return line.toString();
    }

    void close() throws IOException {
        in.close();
    }

    /** Blank lines are skipped by both passes: the same test for both. */
    static boolean blank(String line) {
        return line.isBlank();
    }

    static final class LineTooLong extends IOException {
        final int line;

        LineTooLong(int line, int max) {
            super("line " + line + " is longer than " + max + " characters");
            this.line = line;
        }
    }
}

package energyhub.ferry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The splitter gives the same lines wherever its reads happen to end: lines wholly inside one buffer
 * take a shortcut, lines across reads (and a CR at the end of one read whose LF starts the next) are
 * assembled; both must agree with the rule written out plainly here.
 */
class LineSplitterTest {

    @Test
    void linesAreTheSameWhateverTheReadSizes() throws Exception {
        Random random = new Random(7);
        for (int round = 0; round < 300; round++) {
            StringBuilder text = new StringBuilder();
            if (random.nextInt(4) == 0) {
                text.append('\uFEFF');
            }
            int lines = random.nextInt(40);
            for (int i = 0; i < lines; i++) {
                int len = random.nextInt(5) == 0 ? random.nextInt(90_000) : random.nextInt(200);
                for (int c = 0; c < len; c++) {
                    int k = random.nextInt(50);
                    text.append(k == 0 ? '\r' : k == 1 ? ' ' : (char) ('a' + k % 26));
                }
                text.append(random.nextInt(3) == 0 ? "\r\n" : "\n");
            }
            if (random.nextBoolean()) {
                text.append("last line without an end");
            }
            int chunk = 1 + random.nextInt(random.nextBoolean() ? 10 : 70_000);
            assertThat(split(new ChoppyReader(text.toString(), chunk), 100_000))
                    .as("round %d, reads of %d", round, chunk).isEqualTo(reference(text.toString()));
        }
    }

    @Test
    void theLimitHoldsInBothWays() throws Exception {
        String ok = "x".repeat(100) + "\r\n";
        String tooLong = "x".repeat(101) + "\n";
        for (int chunk : new int[] {3, 1000}) {
            assertThat(split(new ChoppyReader(ok, chunk), 100)).containsExactly("x".repeat(100));
            assertThatThrownBy(() -> split(new ChoppyReader(ok + tooLong, chunk), 100))
                    .isInstanceOf(LineSplitter.LineTooLong.class).hasMessage("line 2 is longer than 100 characters");
        }
    }

    private static List<String> split(Reader in, int max) throws IOException {
        LineSplitter s = new LineSplitter(in, max);
        List<String> out = new ArrayList<>();
        for (String line; (line = s.next()) != null; ) {
            out.add(line);
        }
        return out;
    }

    /** The rule: BOM dropped at the start, lines end at LF, one CR before it dropped, a last unended line kept. */
    private static List<String> reference(String text) {
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<String> out = new ArrayList<>();
        int from = 0;
        for (int i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', from)) {
            String line = text.substring(from, i);
            out.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
            from = i + 1;
        }
        if (from < text.length()) {
            String line = text.substring(from);
            out.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
        }
        return out;
    }

    /** Gives at most {@code chunk} characters per read, so reads end anywhere. */
    private static final class ChoppyReader extends Reader {
        private final StringReader in;
        private final int chunk;

        ChoppyReader(String text, int chunk) {
            this.in = new StringReader(text);
            this.chunk = chunk;
        }

        @Override
        public int read(char[] buf, int off, int len) throws IOException {
            return in.read(buf, off, Math.min(len, chunk));
        }

        @Override
        public void close() {
            in.close();
        }
    }
}

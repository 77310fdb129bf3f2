package energyhub.ferry;

import energyhub.routing.NumberedLine;
import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import java.util.zip.GZIPInputStream;
import org.bouncycastle.crypto.digests.SM3Digest;

/**
 * Reads a ferry data file as a stream, twice: {@link #inspect} checks size, digest, encoding,
 * line lengths and counts the records before anything is staged; {@link #lines} then hands the
 * records to the routing core. Neither holds more than a buffer and one line in memory.
 */
final class PackageReader {

    private final Path dataFile;
    private final FerryProperties limits;

    PackageReader(Path dataFile, FerryProperties limits) {
        this.dataFile = dataFile;
        this.limits = limits;
    }

    private boolean gzipped() {
        return dataFile.getFileName().toString().endsWith(".gz");
    }

    /** Checks the package against its manifest; returns the number of records (non-blank lines). */
    long inspect(FerryManifest manifest) throws IOException, PackageProblem {
        long size = Files.size(dataFile);
        if (size > limits.getMaxPackageBytes()) {
            throw new PackageProblem("byteSize", "TOO_LARGE", "data file is " + size
                    + " bytes, more than the limit of " + limits.getMaxPackageBytes());
        }
        if (manifest.byteSize() != size) {
            throw new PackageProblem("byteSize", "SIZE_MISMATCH", "data file is " + size
                    + " bytes, the manifest says " + manifest.byteSize());
        }
        Digester digester = Digester.of(manifest.digestAlgorithm());
        long records;
        try (InputStream raw = new DigestingInput(Files.newInputStream(dataFile), digester)) {
            records = countLines(raw);
            raw.transferTo(java.io.OutputStream.nullOutputStream()); // a gzip trailer or anything after it is part of the digest too
        }
        String actual = digester.hex();
        if (!actual.equalsIgnoreCase(manifest.digest().trim())) {
            String field = "SHA-256".equals(manifest.digestAlgorithm()) ? "sha256" : "sm3";
            throw new PackageProblem(field, "DIGEST_MISMATCH", manifest.digestAlgorithm() + " of the data file is "
                    + actual + ", the manifest says " + manifest.digest());
        }
        if (manifest.recordCount() != records) {
            throw new PackageProblem("recordCount", "TRUNCATED", "the data file holds " + records
                    + " records, the manifest says " + manifest.recordCount());
        }
        return records;
    }

    private long countLines(InputStream raw) throws IOException, PackageProblem {
        // decoded by hand rather than through a Reader, so that bad UTF-8 is reported at its own line
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        LineCounter counter = new LineCounter(limits.getMaxLineChars());
        ByteBuffer bytes = ByteBuffer.allocate(8192);
        CharBuffer chars = CharBuffer.allocate(8192);
        try {
            InputStream in = uncompressed(raw); // not closed here: the caller drains and closes raw
            boolean end = false;
            while (!end) {
                int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
                end = n < 0;
                if (n > 0) {
                    bytes.position(bytes.position() + n);
                }
                bytes.flip();
                CoderResult result = decoder.decode(bytes, chars, end);
                counter.accept(chars.flip());
                chars.clear();
                if (result.isError()) {
                    throw new PackageProblem("line", "BAD_ENCODING", "line " + counter.line + " is not valid UTF-8");
                }
                bytes.compact();
            }
        } catch (TooLarge e) {
            throw new PackageProblem("file", "TOO_LARGE", "the data file is " + e.getMessage());
        } catch (java.util.zip.ZipException e) {
            throw new PackageProblem("file", "BAD_GZIP", "the data file is not valid gzip: " + e.getMessage());
        } catch (java.io.EOFException e) {
            throw new PackageProblem("file", "BAD_GZIP", "the gzip data ends early");
        }
        return counter.records();
    }

    /** Counts non-blank lines and enforces the line length, one decoded block at a time. */
    private static final class LineCounter {
        private final int maxLineChars;
        private long records;
        private int line = 1;
        private int length;
        private boolean blank = true;
        private boolean first = true;

        LineCounter(int maxLineChars) {
            this.maxLineChars = maxLineChars;
        }

        void accept(CharBuffer chars) throws PackageProblem {
            while (chars.hasRemaining()) {
                char c = chars.get();
                if (first) {
                    first = false;
                    if (c == '\uFEFF') {
                        continue;
                    }
                }
                if (c == '\n') {
                    if (!blank) {
                        records++;
                    }
                    line++;
                    length = 0;
                    blank = true;
                } else {
                    if (++length > maxLineChars) {
                        throw new PackageProblem("line", "LINE_TOO_LONG", "line " + line + " is longer than "
                                + maxLineChars + " characters");
                    }
                    if (!Character.isWhitespace(c)) {
                        blank = false;
                    }
                }
            }
        }

        long records() {
            return blank ? records : records + 1;
        }
    }

    /** The records, numbered by their line in the file; blank lines are skipped, a BOM and CR are removed. */
    Stream<NumberedLine> lines() throws IOException {
        BufferedReader reader = new BufferedReader(decoder(uncompressed(Files.newInputStream(dataFile))), 65536);
        var it = new Spliterators.AbstractSpliterator<NumberedLine>(Long.MAX_VALUE, Spliterator.ORDERED) {
            int number = 0;

            @Override
            public boolean tryAdvance(Consumer<? super NumberedLine> action) {
                try {
                    String line;
                    while ((line = reader.readLine()) != null) {
                        number++;
                        if (number == 1 && line.startsWith("\uFEFF")) {
                            line = line.substring(1);
                        }
                        if (!line.isBlank()) {
                            action.accept(new NumberedLine(number, line));
                            return true;
                        }
                    }
                    return false;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
        return StreamSupport.stream(it, false).onClose(() -> {
            try {
                reader.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private InputStream uncompressed(InputStream raw) throws IOException {
        if (!gzipped()) {
            return raw;
        }
        return new BoundedInput(new GZIPInputStream(raw, 65536), limits.getMaxUncompressedBytes());
    }

    private static Reader decoder(InputStream in) {
        return new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
    }

    /** SHA-256 from the JDK, SM3 (GM/T 0004) from Bouncy Castle, behind one face. */
    interface Digester {
        void update(byte[] b, int off, int len);

        String hex();

        static Digester of(String algorithm) {
            if ("SM3".equals(algorithm)) {
                SM3Digest sm3 = new SM3Digest();
                return new Digester() {
                    public void update(byte[] b, int off, int len) {
                        sm3.update(b, off, len);
                    }

                    public String hex() {
                        byte[] out = new byte[sm3.getDigestSize()];
                        sm3.doFinal(out, 0);
                        return HexFormat.of().formatHex(out);
                    }
                };
            }
            try {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                return new Digester() {
                    public void update(byte[] b, int off, int len) {
                        sha.update(b, off, len);
                    }

                    public String hex() {
                        return HexFormat.of().formatHex(sha.digest());
                    }
                };
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static final class DigestingInput extends FilterInputStream {
        private final Digester digester;

        DigestingInput(InputStream in, Digester digester) {
            super(in);
            this.digester = digester;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                digester.update(new byte[] {(byte) b}, 0, 1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                digester.update(b, off, n);
            }
            return n;
        }
    }

    private static final class BoundedInput extends FilterInputStream {
        private final long max;
        private long count;

        BoundedInput(InputStream in, long max) {
            super(in);
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                check(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                check(n);
            }
            return n;
        }

        private void check(int n) throws IOException {
            count += n;
            if (count > max) {
                throw new TooLarge(max);
            }
        }
    }

    static final class TooLarge extends IOException {
        TooLarge(long max) {
            super("more than " + max + " bytes after decompression");
        }
    }
}

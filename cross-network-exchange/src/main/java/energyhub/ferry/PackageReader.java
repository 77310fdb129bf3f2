package energyhub.ferry;

import energyhub.routing.NumberedLine;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
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
import energyhub.routing.inbox.IntakeFiles;
import energyhub.routing.inbox.UntrustedFileFilter;
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
        IntakeFiles.Kind kind = IntakeFiles.kind(dataFile);
        if (kind != IntakeFiles.Kind.REGULAR) {
            throw new PackageProblem("file", UntrustedFileFilter.NOT_REGULAR_FILE, "the data file is "
                    + kind.description() + ", not a regular file; it is not opened");
        }
        long size = IntakeFiles.size(dataFile);
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
        try (InputStream raw = new DigestingInput(open(), digester)) {
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

    /** The data file, opened only when it is a regular file and never through a link. */
    private InputStream open() throws IOException {
        return IntakeFiles.openRegular(dataFile);
    }

    private long countLines(InputStream raw) throws IOException, PackageProblem {
        LineSplitter lines = null;
        long records = 0;
        try {
            InputStream in = uncompressed(raw); // not closed here: the caller drains and closes raw
            lines = new LineSplitter(decoder(in), limits.getMaxLineChars());
            String line;
            while ((line = lines.next()) != null) {
                if (!LineSplitter.blank(line)) {
                    records++;
                }
            }
        } catch (LineSplitter.LineTooLong e) {
            throw new PackageProblem("line", "LINE_TOO_LONG", e.getMessage());
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new PackageProblem("line", "BAD_ENCODING", "line " + (lines == null ? 1 : lines.number())
                    + " is not valid UTF-8");
        } catch (TooLarge e) {
            throw new PackageProblem("file", "TOO_LARGE", "the data file is " + e.getMessage());
        } catch (java.util.zip.ZipException e) {
            throw new PackageProblem("file", "BAD_GZIP", "the data file is not valid gzip: " + e.getMessage());
        } catch (java.io.EOFException e) {
            throw new PackageProblem("file", "BAD_GZIP", "the gzip data ends early");
        }
        return records;
    }

    /** The records, numbered by their line in the file; blank lines are skipped, split as {@link LineSplitter} says. */
    Stream<NumberedLine> lines() throws IOException {
        LineSplitter splitter = new LineSplitter(decoder(uncompressed(open())), limits.getMaxLineChars());
        var it = new Spliterators.AbstractSpliterator<NumberedLine>(Long.MAX_VALUE, Spliterator.ORDERED) {
            @Override
            public boolean tryAdvance(Consumer<? super NumberedLine> action) {
                try {
                    String line;
                    while ((line = splitter.next()) != null) {
                        if (!LineSplitter.blank(line)) {
                            action.accept(new NumberedLine(splitter.number(), line));
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
                splitter.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /**
     * The uncompressed bytes: a gzip stream stops (as {@link TooLarge}) as soon as it has given more
     * than {@code max-uncompressed-bytes}, or more than {@code max-compression-ratio} times the
     * compressed bytes read so far (checked beyond the first {@value #RATIO_FLOOR} bytes), so a bomb is
     * refused after a few megabytes, not after inflating gigabytes.
     */
    private InputStream uncompressed(InputStream raw) throws IOException {
        if (!gzipped()) {
            return raw;
        }
        CountingInput compressed = new CountingInput(raw);
        return new BoundedInput(new GZIPInputStream(compressed, 65536), limits.getMaxUncompressedBytes(),
                limits.getMaxCompressionRatio(), compressed);
    }

    static final long RATIO_FLOOR = 1024 * 1024;

    private static Reader decoder(InputStream in) {
        return new StrictUtf8Reader(in);
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

    private static final class CountingInput extends FilterInputStream {
        long count;

        CountingInput(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }

    private static final class BoundedInput extends FilterInputStream {
        private final long max;
        private final int ratio;
        private final CountingInput compressed;
        private long count;

        BoundedInput(InputStream in, long max, int ratio, CountingInput compressed) {
            super(in);
            this.max = max;
            this.ratio = ratio;
            this.compressed = compressed;
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
                throw new TooLarge("more than " + max + " bytes after decompression");
            }
            if (count > RATIO_FLOOR && count > (double) ratio * Math.max(1, compressed.count)) {
                throw new TooLarge("compressed more than " + ratio + " to 1 (" + count + " bytes from "
                        + compressed.count + "), a gzip bomb; decompression stopped");
            }
        }
    }

    static final class TooLarge extends IOException {
        TooLarge(String message) {
            super(message);
        }
    }
}

package energyhub.ferry;

import energyhub.routing.NumberedLine;
import energyhub.routing.UnreadableBatchException;
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
 * Reads a ferry data file as a stream, once: {@link #check} looks at what can be known without reading
 * (a regular file, its size against the limit and the manifest), then {@link #lines} hands the records to
 * the routing core while it digests the file, counts its records and checks encoding, line lengths and
 * decompressed size. Whatever does not match ends the stream with an {@link UnreadableBatchException}
 * naming the file, so the routing core rolls back what it staged and rejects the package. Nothing holds
 * more than a buffer and one line in memory. (Reading the file a first time only to check it cost 8 % of
 * the hub's CPU during a backlog drain.)
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

    /** What can be checked before reading: a regular file, within the size limit, of the manifest's size. */
    void check(FerryManifest manifest) throws IOException, PackageProblem {
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
    }

    /** The data file, opened only when it is a regular file and never through a link. */
    private InputStream open() throws IOException {
        return IntakeFiles.openRegular(dataFile);
    }

    /**
     * The records, numbered by their line in the file; blank lines are skipped, split as {@link LineSplitter}
     * says. The stream checks the file against the manifest as it goes: after the last record it compares
     * the digest of every byte (a gzip trailer or anything after the last line included) and the number of
     * records; before that, a line over the limit, bytes that are not UTF-8 or a gzip stream that is broken
     * or inflates too far end it at once. Each ends it with an {@link UnreadableBatchException} whose message
     * starts with the file's name.
     */
    Stream<NumberedLine> lines(FerryManifest manifest) throws IOException {
        return lines(manifest, null);
    }

    /**
     * The same, for a signed package whose keys may speak only for some enterprises: a record naming
     * another ends the stream with RECORD_SENDER_MISMATCH (the whole package is refused).
     */
    Stream<NumberedLine> lines(FerryManifest manifest, java.util.Set<String> recordSenders) throws IOException {
        Stream<NumberedLine> lines = plainLines(manifest);
        if (recordSenders == null) {
            return lines;
        }
        return lines.peek(line -> {
            String code = enterpriseCode(line.json()); // none or not JSON: the record's validation answers it
            if (code != null && !recordSenders.contains(code)) {
                throw unreadable(new PackageProblem("enterpriseCode", "RECORD_SENDER_MISMATCH", "line " + line.number()
                        + " names enterprise " + energyhub.routing.inbox.IntakeNames.escape(code)
                        + ", which the package's keys may not speak for"));
            }
        });
    }

    private static final com.fasterxml.jackson.core.JsonFactory JSON = new com.fasterxml.jackson.core.JsonFactory();

    /** The record's top-level enterpriseCode (a streaming read of one line; null when absent or not JSON). */
    static String enterpriseCode(String line) {
        try (var p = JSON.createParser(line)) {
            if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                return null;
            }
            com.fasterxml.jackson.core.JsonToken t;
            while ((t = p.nextToken()) == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                String name = p.currentName();
                t = p.nextToken();
                if ("enterpriseCode".equals(name)) {
                    return t == com.fasterxml.jackson.core.JsonToken.VALUE_STRING ? p.getText() : null;
                }
                p.skipChildren();
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    private Stream<NumberedLine> plainLines(FerryManifest manifest) throws IOException {
        Digester digester = Digester.of(manifest.digestAlgorithm());
        InputStream raw = new DigestingInput(open(), digester);
        LineSplitter splitter;
        try {
            splitter = new LineSplitter(decoder(uncompressed(raw)), limits.getMaxLineChars());
        } catch (IOException e) { // a gzip header that is not one
            raw.close();
            throw unreadable(problem(e, 1));
        }
        var it = new Spliterators.AbstractSpliterator<NumberedLine>(Long.MAX_VALUE, Spliterator.ORDERED) {
            private long records;
            private boolean finished; // the end checks ran: asked again, the stream stays ended

            @Override
            public boolean tryAdvance(Consumer<? super NumberedLine> action) {
                NumberedLine next;
                try {
                    next = next();
                } catch (IOException e) {
                    throw unreadable(problem(e, splitter.number()));
                }
                if (next == null) {
                    return false;
                }
                action.accept(next);
                return true;
            }

            private NumberedLine next() throws IOException {
                if (finished) {
                    return null;
                }
                String line;
                while ((line = splitter.next()) != null) {
                    if (!LineSplitter.blank(line)) {
                        records++;
                        return new NumberedLine(splitter.number(), line);
                    }
                }
                finished = true;
                raw.transferTo(java.io.OutputStream.nullOutputStream()); // a gzip trailer or anything after it
                String actual = digester.hex();
                if (!actual.equalsIgnoreCase(manifest.digest().trim())) {
                    String field = "SHA-256".equals(manifest.digestAlgorithm()) ? "sha256" : "sm3";
                    throw unreadable(new PackageProblem(field, "DIGEST_MISMATCH", manifest.digestAlgorithm()
                            + " of the data file is " + actual + ", the manifest says " + manifest.digest()));
                }
                if (manifest.recordCount() != records) {
                    throw unreadable(new PackageProblem("recordCount", "TRUNCATED", "the data file holds " + records
                            + " records, the manifest says " + manifest.recordCount()));
                }
                return null;
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

    /** A reading problem as the package's answer; other I/O errors stay errors (the package is read again). */
    private static PackageProblem problem(IOException e, long line) {
        if (e instanceof LineSplitter.LineTooLong) {
            return new PackageProblem("line", "LINE_TOO_LONG", e.getMessage());
        } else if (e instanceof java.nio.charset.CharacterCodingException) {
            return new PackageProblem("line", "BAD_ENCODING", "line " + Math.max(1, line) + " is not valid UTF-8");
        } else if (e instanceof TooLarge) {
            return new PackageProblem("file", "TOO_LARGE", "the data file is " + e.getMessage());
        } else if (e instanceof java.util.zip.ZipException) {
            return new PackageProblem("file", "BAD_GZIP", "the data file is not valid gzip: " + e.getMessage());
        } else if (e instanceof java.io.EOFException) {
            return new PackageProblem("file", "BAD_GZIP", "the gzip data ends early");
        }
        throw new UncheckedIOException(e);
    }

    private UnreadableBatchException unreadable(PackageProblem p) {
        return new UnreadableBatchException(p.field(), p.code(), dataFile.getFileName() + ": " + p.getMessage());
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

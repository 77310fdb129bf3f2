package energyhub.bench;

import energyhub.standard.EnergyRecord;
import energyhub.standard.EnergyTypeTable;
import energyhub.standard.RecordValidator;
import energyhub.standard.UnifiedSocialCreditCode;
import energyhub.standard.Validation;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Writes deterministic ferry packages (contracts section 2) of valid records: data file first, then
 * its manifest. Every record has its own identity (enterpriseCode, dataCode, statType, statDate) across
 * all packages of one call, and is checked with the hub's own {@link RecordValidator}.
 *
 * <pre>Generate DIR KIND PACKAGES RECORDS [SEED]</pre>
 * KIND is {@code backlog} (records of 2,000 enterprises, grouped per enterprise), {@code live}
 * (another sender, another 50 enterprises), {@code big} (one package, streamed) or {@code province}: the shape a
 * province sends, one package per enterprise per quarter-hour (2,000 enterprises, package p is enterprise p mod
 * 2,000 at quarter-hour p / 2,000), RECORDS real-time (statType 0) records in it, one per metering point.
 */
public final class Generate {

    static final int ENTERPRISES = 2000;
    /** dataCodes: process unit equipment class, then an energy type of the hub's table, then usage. */
    static final String[] DATA_CODES = {"0000000002330001", "00000000023300", "010200010133000201",
        "0000000001150001", "0000000001320001", "000000000100000001", "0102000101010001", "00000000030000"};
    static final String[] RATIOS = {"", "", "1.229", "", "0.03412", "1", "", "1"};
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final LocalDateTime BASE = LocalDateTime.of(2020, 1, 1, 0, 0);
    private static final LocalDateTime QUARTER_BASE = LocalDateTime.of(2026, 11, 1, 0, 0);

    private final SplittableRandom random;
    private final String[] enterprises;
    private final int[] counters;
    private final RecordValidator validator = new RecordValidator(EnergyTypeTable.defaults(), Clock.systemUTC());
    private final boolean check;

    Generate(long seed, int enterpriseCount, String region, boolean check) {
        this.random = new SplittableRandom(seed);
        this.enterprises = new String[enterpriseCount];
        for (int i = 0; i < enterpriseCount; i++) {
            enterprises[i] = code(random, region);
        }
        this.counters = new int[enterpriseCount];
        this.check = check;
    }

    /** A valid 统一社会信用代码: 9 (工商) 1 (企业), a 6-digit region, 9 random characters, the check character. */
    static String code(SplittableRandom random, String region) {
        String charset = "0123456789ABCDEFGHJKLMNPQRTUWXY";
        StringBuilder b = new StringBuilder("91").append(region);
        for (int i = 0; i < 9; i++) {
            b.append(charset.charAt(random.nextInt(charset.length())));
        }
        return b.append(UnifiedSocialCreditCode.checkCharacter(b.toString())).toString();
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String kind = args[1];
        int packages = Integer.parseInt(args[2]);
        long records = Long.parseLong(args[3]);
        long seed = args.length > 4 ? Long.parseLong(args[4]) : 42;
        Files.createDirectories(dir);
        long t0 = System.nanoTime();
        Generate g;
        String sender;
        switch (kind) {
            case "backlog" -> {
                g = new Generate(seed, ENTERPRISES, "530100", true);
                sender = code(new SplittableRandom(seed + 1), "530000");
            }
            case "live" -> {
                g = new Generate(seed + 7, 50, "530400", true);
                sender = code(new SplittableRandom(seed + 8), "530400");
            }
            case "big" -> {
                g = new Generate(seed + 11, ENTERPRISES, "530300", false); // 3.6 M records: spot checks only
                sender = code(new SplittableRandom(seed + 12), "530300");
            }
            case "province" -> {
                g = new Generate(seed + 13, ENTERPRISES, "530500", true);
                sender = code(new SplittableRandom(seed + 14), "530000");
            }
            default -> throw new IllegalArgumentException("kind backlog, live, big or province: " + kind);
        }
        long total = 0;
        for (int p = 0; p < packages; p++) {
            String name = String.format("%s_DATA_%s_%06d.jsonl", sender,
                    kind.equals("live") ? "20261124101500000" : "20261124100000000", p + 1);
            UUID batchId = UUID.nameUUIDFromBytes((kind + seed + ":" + p).getBytes(StandardCharsets.UTF_8));
            total += kind.equals("province") ? g.writeQuarterHour(dir.resolve(name), sender, p, (int) records, batchId)
                    : g.writePackage(dir.resolve(name), sender, p, packages, records, batchId);
        }
        System.out.printf("generated %s: %d packages, %d records in %.1f s into %s%n", kind, packages, total,
                (System.nanoTime() - t0) / 1e9, dir);
    }

    /**
     * One package: its enterprises in consecutive blocks (as a platform exports them), each enterprise
     * with many records (dataCodes × days), every identity new.
     */
    long writePackage(Path data, String sender, int index, int packages, long records, UUID batchId)
            throws Exception {
        int perPackage = (int) Math.max(1, Math.min(enterprises.length, records / 500));
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long bytes = 0;
        long written = 0;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(data), 1 << 20)) {
            StringBuilder b = new StringBuilder(400);
            for (int k = 0; k < perPackage; k++) {
                int e = (int) (((long) index * perPackage + k) % enterprises.length);
                long n = records / perPackage + (k < records % perPackage ? 1 : 0);
                for (long j = 0; j < n; j++) {
                    b.setLength(0);
                    record(b, e);
                    byte[] line = b.toString().getBytes(StandardCharsets.UTF_8);
                    sha.update(line);
                    out.write(line);
                    bytes += line.length;
                    written++;
                }
            }
        }
        String manifest = "{\"batchId\":\"" + batchId + "\",\"sender\":\"" + sender + "\",\"kind\":\"DATA\","
                + "\"createdAt\":\"2026-11-24T10:15:00.123+08:00\",\"recordCount\":" + written + ",\"byteSize\":"
                + bytes + ",\"sha256\":\"" + HexFormat.of().formatHex(sha.digest()) + "\",\"schemaVersion\":\"1.0\"}";
        Files.writeString(Path.of(data + ".manifest"), manifest);
        return written;
    }

    /**
     * Package {@code index} of the province shape: enterprise {@code index mod 2,000} reports quarter-hour
     * {@code index / 2,000} (from 1 November 2026) of its {@code points} metering points (dataCodes with equipment
     * numbers 0001...), each a real-time record uploaded minutes after its quarter-hour.
     */
    long writeQuarterHour(Path data, String sender, int index, int points, UUID batchId) throws Exception {
        byte[] bytes = quarterHour(index, points, null);
        Files.write(data, bytes);
        Files.writeString(Path.of(data + ".manifest"), manifest(batchId, sender, points, bytes));
        return points;
    }

    /**
     * The data lines of {@link #writeQuarterHour}'s package {@code index} (enterprise {@code index} mod the
     * enterprises of this generator, quarter-hour {@code index} / them), as UTF-8 JSON lines; each record's identity
     * (as {@link Verify#hash} keys it) goes to {@code identities} when given.
     */
    byte[] quarterHour(int index, int points, java.util.function.LongConsumer identities) {
        int e = index % enterprises.length;
        LocalDateTime stat = quarterStart(index / enterprises.length);
        String statDate = TS.format(stat);
        String uploadDate = TS.format(stat.plusMinutes(15).plusSeconds(random.nextInt(600)));
        StringBuilder b = new StringBuilder(points * 300);
        for (int i = 0; i < points; i++) {
            String value = random.nextInt(100_000) + "." + random.nextInt(10) + random.nextInt(10);
            String[] f = {enterprises[e], "1.0", "1.0", String.format("0000%04d02330001", i + 1), value, "", "1",
                "1", "4", "0", statDate, uploadDate};
            if (check && index < 2 && i < 2) {
                Validation v = validator.validate(EnergyRecord.of(f));
                if (!v.errors().isEmpty()) {
                    throw new IllegalStateException("generated an invalid record " + String.join(",", f) + ": "
                            + v.errors());
                }
            }
            if (identities != null) {
                identities.accept(Verify.hash(f[0] + '|' + f[3] + '|' + f[9] + '|' + f[10]));
            }
            b.append('{');
            for (int k = 0; k < f.length; k++) {
                if (k > 0) {
                    b.append(',');
                }
                b.append('"').append(EnergyRecord.FIELDS.get(k)).append("\":\"").append(f[k]).append('"');
            }
            b.append("}\n");
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The start of quarter-hour {@code q} of the province shape (quarter 0 is 1 November 2026 00:00). */
    static LocalDateTime quarterStart(int q) {
        return QUARTER_BASE.plusMinutes(15L * q);
    }

    /** Enterprise {@code i}'s 统一社会信用代码. */
    String enterprise(int i) {
        return enterprises[i];
    }

    /** The manifest (contracts section 2, v1, unsigned) of a DATA package of these bytes. */
    static String manifest(UUID batchId, String sender, int records, byte[] bytes) throws Exception {
        return "{\"batchId\":\"" + batchId + "\",\"sender\":\"" + sender + "\",\"kind\":\"DATA\","
                + "\"createdAt\":\"2026-11-24T10:15:00.123+08:00\",\"recordCount\":" + records + ",\"byteSize\":"
                + bytes.length + ",\"sha256\":\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(bytes)) + "\",\"schemaVersion\":\"1.0\"}";
    }

    /** The next record of enterprise {@code e}: a new (dataCode, day) for it, as one JSON line. */
    void record(StringBuilder b, int e) {
        int c = counters[e]++;
        int code = c % DATA_CODES.length;
        LocalDateTime stat = BASE.plusDays(c / DATA_CODES.length);
        String statDate = TS.format(stat);
        String uploadDate = TS.format(stat.plusDays(1).plusMinutes(70 + random.nextInt(600)));
        String value = random.nextInt(1_000_000) + "." + random.nextInt(10) + random.nextInt(10);
        String[] f = {enterprises[e], "1.0", "1.0", DATA_CODES[code], value, RATIOS[code], "1",
            String.valueOf(1 + random.nextInt(4)), String.valueOf(1 + random.nextInt(5)), "1", statDate, uploadDate};
        if (check && (c < 50 || random.nextInt(64) == 0)) {
            Validation v = validator.validate(EnergyRecord.of(f));
            if (!v.errors().isEmpty()) {
                throw new IllegalStateException("generated an invalid record " + String.join(",", f) + ": "
                        + v.errors());
            }
        }
        b.append('{');
        for (int i = 0; i < f.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append('"').append(EnergyRecord.FIELDS.get(i)).append("\":\"").append(f[i]).append('"');
        }
        b.append("}\n");
    }

    static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
    }
}

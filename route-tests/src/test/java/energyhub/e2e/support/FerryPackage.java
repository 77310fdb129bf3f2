package energyhub.e2e.support;

import energyhub.signing.Dsse;
import energyhub.signing.Sm2;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;

/** Builds a ferry package (contracts section 2) the way the gate would drop it. */
public final class FerryPackage {

    public static final String ENTERPRISE = "91530100MA6NX4QW2G";
    public static final String OTHER_ENTERPRISE = "91350100M000100Y43";

    private final List<String> lines = new ArrayList<>();
    private String batchId = UUID.randomUUID().toString();
    private String name = "pkg-" + UUID.randomUUID().toString().substring(0, 8);
    private boolean gzip;
    private boolean bom;
    private boolean crlf;
    private boolean sm3;
    private String digestOverride;
    private Long countOverride;
    private String sender = ENTERPRISE;
    private SigningKey signer;

    /**
     * An exchange server's key as a test holds it: the id it is registered under, its private half, and the
     * province (hub.ferry.target) its packages are for.
     */
    public record SigningKey(String id, ECPrivateKeyParameters priv, String target) {

        public static SigningKey generate(String id, String target) {
            return new SigningKey(id, (ECPrivateKeyParameters) Sm2.generate(new java.security.SecureRandom()).getPrivate(),
                    target);
        }

        public String publicPem() {
            return Sm2.publicPem(Sm2.publicOf(priv));
        }

        /** This key as one EXCHANGE entry of a key import file (hub.ferry.keys-import-file). */
        public String importEntry(String owner) {
            return "  - keyId: " + id + "\n    ownerKind: EXCHANGE\n    owner: " + owner + "\n"
                    + "    notBefore: " + Instant.now().minus(java.time.Duration.ofDays(1)) + "\n"
                    + "    notAfter: " + Instant.now().plus(java.time.Duration.ofDays(365)) + "\n"
                    + "    publicKey: |\n" + publicPem().indent(6);
        }
    }

    public static FerryPackage of() {
        return new FerryPackage();
    }

    /** A valid daily electricity record of an enterprise for day 1..28 of October 2026. */
    public static String record(String enterprise, int day, String value) {
        return "{\"enterpriseCode\":\"" + enterprise + "\",\"regVersion\":\"1.0\",\"dicVersion\":\"1.0\","
                + "\"dataCode\":\"0000000002330001\",\"dataValue\":\"" + value + "\",\"convertRation\":\"\","
                + "\"valid\":\"1\",\"scope\":\"1\",\"inputType\":\"4\",\"statType\":\"1\","
                + "\"statDate\":\"2026-10-" + String.format("%02d", day) + " 00:00:00\","
                + "\"uploadDate\":\"2026-11-01 01:10:05\"}";
    }

    /** n valid records of one enterprise, each a different data code so all are distinct. */
    public FerryPackage records(String enterprise, int n) {
        for (int i = 0; i < n; i++) {
            lines.add(record(enterprise, 1 + i % 28, i + ".5").replace("0000000002330001",
                    String.format("00000000023300%04d", i / 28)));
        }
        return this;
    }

    public FerryPackage line(String json) {
        lines.add(json);
        return this;
    }

    public FerryPackage batchId(String id) {
        this.batchId = id;
        return this;
    }

    public FerryPackage name(String n) {
        this.name = n;
        return this;
    }

    public FerryPackage gzip() {
        this.gzip = true;
        return this;
    }

    public FerryPackage bomAndCrlf() {
        this.bom = true;
        this.crlf = true;
        return this;
    }

    public FerryPackage sm3() {
        this.sm3 = true;
        return this;
    }

    public FerryPackage wrongDigest() {
        this.digestOverride = "0".repeat(64);
        return this;
    }

    /** The manifest's sender (the exchange the package came from); {@link #ENTERPRISE} unless set. */
    public FerryPackage sender(String s) {
        this.sender = s;
        return this;
    }

    /**
     * The manifest becomes a signed v2 envelope (docs/ferry-contract.md) of this key, as {@code ferry-signer sign}
     * writes it: created a minute ago, valid a day, for the key's target, with the data file's sm3.
     */
    public FerryPackage signedBy(SigningKey key) {
        this.signer = key;
        return this;
    }

    public FerryPackage declaredCount(long n) {
        this.countOverride = n;
        return this;
    }

    public String batchId() {
        return batchId;
    }

    public String sender() {
        return sender;
    }

    public String dataFileName() {
        return name + (gzip ? ".jsonl.gz" : ".jsonl");
    }

    public int recordCount() {
        return (int) lines.stream().filter(l -> !l.isBlank()).count();
    }

    public byte[] dataBytes() throws IOException {
        String eol = crlf ? "\r\n" : "\n";
        String text = (bom ? "\uFEFF" : "") + String.join(eol, lines) + eol;
        byte[] plain = text.getBytes(StandardCharsets.UTF_8);
        if (!gzip) {
            return plain;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        }
        return out.toByteArray();
    }

    public String manifest() throws Exception {
        if (signer != null) {
            return signedManifest();
        }
        byte[] data = dataBytes();
        String digest;
        if (digestOverride != null) {
            digest = digestOverride;
        } else if (sm3) {
            SM3Digest d = new SM3Digest();
            d.update(data, 0, data.length);
            byte[] out = new byte[32];
            d.doFinal(out, 0);
            digest = HexFormat.of().formatHex(out);
        } else {
            digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        }
        return "{\"batchId\":\"" + batchId + "\",\"sender\":\"" + sender + "\",\"kind\":\"DATA\","
                + "\"createdAt\":\"2026-11-24T10:15:00.123+08:00\",\"recordCount\":"
                + (countOverride != null ? countOverride : recordCount()) + ",\"byteSize\":" + data.length + ","
                + (sm3 ? "\"sm3\"" : "\"sha256\"") + ":\"" + digest + "\",\"schemaVersion\":\"1.0\"}";
    }

    private String signedManifest() throws Exception {
        byte[] data = dataBytes();
        SM3Digest d = new SM3Digest();
        d.update(data, 0, data.length);
        byte[] sm3 = new byte[32];
        d.doFinal(sm3, 0);
        OffsetDateTime created = OffsetDateTime.now(ZoneOffset.ofHours(8)).minusMinutes(1).truncatedTo(ChronoUnit.MILLIS);
        String payload = "{\"batchId\":\"" + batchId + "\",\"sender\":\"" + sender + "\",\"kind\":\"DATA\","
                + "\"createdAt\":\"" + created + "\",\"notAfter\":\"" + created.plusDays(1) + "\","
                + "\"target\":\"" + signer.target() + "\",\"recordCount\":" + (countOverride != null ? countOverride : recordCount())
                + ",\"byteSize\":" + data.length + ",\"sha256\":\""
                + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)) + "\",\"sm3\":\""
                + (digestOverride != null ? digestOverride : HexFormat.of().formatHex(sm3)) + "\",\"schemaVersion\":\"1.0\"}";
        return new String(Dsse.write(Dsse.sign(Dsse.MANIFEST_TYPE, payload.getBytes(StandardCharsets.UTF_8), signer.id(),
                signer.priv())), StandardCharsets.UTF_8);
    }

    /** Drops the data file only, as the gate does before the manifest arrives. */
    public Path dropDataOnly(Path inbox) throws IOException {
        Files.createDirectories(inbox);
        return Files.write(inbox.resolve(dataFileName()), dataBytes());
    }

    /** Drops the data file, then its manifest (dated a little back, as a finished transfer is). */
    public FerryPackage dropInto(Path inbox) throws Exception {
        Path tmp = Files.createTempDirectory("ferry");
        Files.write(tmp.resolve(dataFileName()), dataBytes());
        Files.createDirectories(inbox);
        Files.move(tmp.resolve(dataFileName()), inbox.resolve(dataFileName()));
        writeManifest(inbox);
        return this;
    }

    public void writeManifest(Path inbox) throws Exception {
        Path tmp = Files.createTempFile("manifest", ".tmp");
        Files.writeString(tmp, manifest());
        Files.setLastModifiedTime(tmp, FileTime.from(Instant.now().minusSeconds(5)));
        Files.move(tmp, inbox.resolve(dataFileName() + ".manifest"));
    }
}

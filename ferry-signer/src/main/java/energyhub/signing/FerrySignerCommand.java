package energyhub.signing;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;

/**
 * The other side of the gate (docs/ferry-contract.md, "The signing command"): a standalone command for the
 * exchange server and for enterprises, with no Spring, database or broker.
 * <pre>
 * java -jar ferry-signer.jar keygen --out DIR --name NAME [--alg SM3withSM2|SHA256withECDSA]
 * java -jar ferry-signer.jar sign --key NAME.key.pem --keyid ID --data FILE --sender CODE --target PROVINCE
 *                                 [--out DIR] [--batch-id ID] [--kind DATA] [--lifetime P1D] [--alg ...]
 * java -jar ferry-signer.jar countersign --key NAME.key.pem --keyid ID --manifest FILE.manifest [--alg ...]
 * java -jar ferry-signer.jar verify --pub NAME.pub.pem --keyid ID --manifest FILE.manifest [--data FILE] [--alg ...]
 * java -jar ferry-signer.jar verify-ack --pub HUB.pub.pem --ack NAME.ack.json [--keyid ID] [--alg ...]
 * </pre>
 * {@code --alg} is the key's algorithm as it is registered at the hub: SM3withSM2 (or SM2; the default) or
 * SHA256withECDSA (or P256, ECDSA on P-256); a key of the other curve is refused, whatever a file says.
 * {@code --pub} is a PEM file, or the operator API's JSON answer for the key ({@code GET /api/operator/ferry-keys/{id}}).
 * Exit status 0 when done or verified, 1 when a verification fails (with its refusal code), 2 on bad usage.
 */
public final class FerrySignerCommand {

    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final int MAX_MANIFEST_BYTES = 64 * 1024;

    private final PrintStream out;
    private final PrintStream err;

    public FerrySignerCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(new FerrySignerCommand(System.out, System.err).run(args));
    }

    /** Runs one command; the exit status. */
    public int run(String... args) {
        if (args.length == 0) {
            return usage("no command");
        }
        Map<String, String> o = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                return usage("options are --name value pairs: " + args[i]);
            }
            o.put(args[i].substring(2), args[++i]);
        }
        try {
            return switch (args[0]) {
                case "keygen" -> keygen(o);
                case "sign" -> sign(o);
                case "countersign" -> countersign(o);
                case "verify" -> verify(o);
                case "verify-ack" -> verifyAck(o);
                default -> usage("unknown command " + args[0]);
            };
        } catch (Usage u) {
            return usage(u.getMessage());
        } catch (SignatureProblem p) {
            err.println("REFUSED " + p.code() + ": " + p.getMessage());
            return 1;
        } catch (IOException | RuntimeException e) {
            err.println("failed: " + e);
            return 2;
        }
    }

    private int usage(String why) {
        err.println("ferry-signer: " + why);
        err.println("usage: keygen --out DIR --name NAME [--alg ALG]");
        err.println("       sign --key KEY.pem --keyid ID --data FILE --sender CODE --target PROVINCE [--out DIR]"
                + " [--batch-id ID] [--kind DATA] [--lifetime P1D] [--alg ALG]");
        err.println("       countersign --key KEY.pem --keyid ID --manifest FILE.manifest [--alg ALG]");
        err.println("       verify --pub PUB.pem --keyid ID --manifest FILE.manifest [--data FILE] [--alg ALG]");
        err.println("       verify-ack --pub HUB.pub.pem --ack NAME.ack.json [--keyid ID] [--alg ALG]");
        err.println("ALG: the key's algorithm as registered at the hub: " + Sm2.ALGORITHM + " (SM2, the default) or "
                + P256.ALGORITHM + " (P256)");
        return 2;
    }

    static final class Usage extends RuntimeException {
        Usage(String m) {
            super(m);
        }
    }

    private static String need(Map<String, String> o, String name) {
        String v = o.get(name);
        if (v == null || v.isBlank()) {
            throw new Usage("--" + name + " is required");
        }
        return v;
    }

    /** The key's algorithm (--alg), SM3withSM2 when not given; never taken from a file. */
    private static KeyAlgorithm algorithm(Map<String, String> o) {
        try {
            return KeyAlgorithm.parse(o.get("alg"));
        } catch (IllegalArgumentException e) {
            throw new Usage("--alg: " + e.getMessage());
        }
    }

    private int keygen(Map<String, String> o) throws IOException {
        Path dir = Path.of(need(o, "out"));
        String name = need(o, "name");
        KeyAlgorithm alg = algorithm(o);
        Files.createDirectories(dir);
        var pair = alg.generate(new SecureRandom());
        Path key = dir.resolve(name + ".key.pem");
        Path pub = dir.resolve(name + ".pub.pem");
        if (Files.exists(key) || Files.exists(pub)) {
            throw new Usage(key + " or " + pub + " exists already: never overwritten");
        }
        Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(key, Sm2.privatePem((ECPrivateKeyParameters) pair.getPrivate()));
        Files.writeString(pub, Sm2.publicPem((ECPublicKeyParameters) pair.getPublic()));
        out.println("private key " + key + " (owner only: keep it on this machine)");
        out.println("public key  " + pub + " (register it at the hub with algorithm " + alg.registryName()
                + ": POST /api/operator/ferry-keys)");
        return 0;
    }

    private int sign(Map<String, String> o) throws IOException {
        KeyAlgorithm alg = algorithm(o);
        ECPrivateKeyParameters key = alg.readPrivate(Files.readString(Path.of(need(o, "key"))));
        String keyid = need(o, "keyid");
        Path data = Path.of(need(o, "data"));
        String name = data.getFileName().toString();
        if (!name.endsWith(".jsonl") && !name.endsWith(".jsonl.gz")) {
            throw new Usage("the data file is NAME.jsonl or NAME.jsonl.gz");
        }
        Path dir = o.containsKey("out") ? Path.of(o.get("out")) : data.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path target = dir.resolve(name);
        if (!Files.exists(target) || !Files.isSameFile(target, data)) {
            // the data file first, complete under a temporary name, then renamed: never half a file in the outbox
            Path tmp = dir.resolve(".writing-" + name);
            Files.copy(data, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        }
        byte[] bytes = Files.readAllBytes(target);
        OffsetDateTime created = OffsetDateTime.now(ZoneOffset.ofHours(8)).truncatedTo(ChronoUnit.MILLIS);
        Duration lifetime = Duration.parse(o.getOrDefault("lifetime", "P1D"));
        ObjectNode m = JSON.createObjectNode();
        m.put("batchId", o.getOrDefault("batch-id", UUID.randomUUID().toString()));
        m.put("sender", need(o, "sender"));
        m.put("kind", o.getOrDefault("kind", "DATA"));
        m.put("createdAt", created.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        m.put("notAfter", created.plus(lifetime).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        m.put("target", need(o, "target"));
        m.put("recordCount", records(target));
        m.put("byteSize", bytes.length);
        m.put("sha256", sha256(bytes));
        m.put("sm3", Sm3.hex(bytes));
        m.put("schemaVersion", "1.0");
        byte[] payload = JSON.writeValueAsBytes(m);
        writeAtomically(dir.resolve(name + ".manifest"), Dsse.write(Dsse.sign(Dsse.MANIFEST_TYPE, payload, keyid, alg, key)));
        out.println("signed " + target + " -> " + name + ".manifest (batchId " + m.get("batchId").asText() + ", key "
                + keyid + ")");
        return 0;
    }

    private int countersign(Map<String, String> o) throws IOException, SignatureProblem {
        KeyAlgorithm alg = algorithm(o);
        ECPrivateKeyParameters key = alg.readPrivate(Files.readString(Path.of(need(o, "key"))));
        Path manifest = Path.of(need(o, "manifest"));
        Dsse.Envelope e = Dsse.parse(readBounded(manifest));
        writeAtomically(manifest, Dsse.write(Dsse.addSignature(e, need(o, "keyid"), alg, key)));
        out.println("countersigned " + manifest + " with key " + o.get("keyid"));
        return 0;
    }

    private int verify(Map<String, String> o) throws IOException, SignatureProblem {
        KeyAlgorithm alg = algorithm(o);
        ECPublicKeyParameters pub = readPublicKey(Path.of(need(o, "pub")), alg);
        String keyid = need(o, "keyid");
        Path manifest = Path.of(need(o, "manifest"));
        String name = manifest.getFileName().toString();
        Path data = o.containsKey("data") ? Path.of(o.get("data"))
                : name.endsWith(".manifest") ? manifest.resolveSibling(name.substring(0, name.length() - ".manifest".length()))
                : null;
        FerryVerifier.VerifiedManifest v = FerryVerifier.manifest(readBounded(manifest), keyid, alg, pub, data);
        out.println("verified: key " + keyid + (v.dataChecked() ? ", data file " + data + " matches" : ""));
        out.println(new String(v.signedBytes(), StandardCharsets.UTF_8));
        return 0;
    }

    private int verifyAck(Map<String, String> o) throws IOException, SignatureProblem {
        KeyAlgorithm alg = algorithm(o);
        ECPublicKeyParameters pub = readPublicKey(Path.of(need(o, "pub")), alg);
        Path ack = Path.of(need(o, "ack"));
        Path sigFile = ack.resolveSibling(ack.getFileName() + ".sig");
        byte[] ackBytes = readBounded(ack);
        if (!Files.exists(sigFile)) {
            throw new SignatureProblem("MANIFEST_NOT_SIGNED", "no " + sigFile.getFileName() + " beside the ACK");
        }
        String keyid = FerryVerifier.ack(ackBytes, readBounded(sigFile), alg, pub, o.get("keyid"));
        out.println("verified ACK " + ack + " (hub key " + keyid + ")");
        return 0;
    }

    /**
     * {@code --pub}: an SPKI PEM ({@code NAME.pub.pem}), or the hub's answer to
     * {@code GET /api/operator/ferry-keys/{id}} saved as it came (a JSON object whose {@code publicKey} is the PEM).
     */
    private static ECPublicKeyParameters readPublicKey(Path file, KeyAlgorithm alg) throws IOException {
        String text = new String(readBounded(file), StandardCharsets.UTF_8);
        if (text.strip().startsWith("{")) {
            JsonNode key = JSON.readTree(text).get("publicKey");
            if (key == null || !key.isTextual()) {
                throw new Usage(file + " is JSON without a publicKey (the operator API's answer to "
                        + "GET /api/operator/ferry-keys/{id} has one)");
            }
            text = key.asText();
        }
        return alg.readPublic(text);
    }

    private static byte[] readBounded(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] b = in.readNBytes(MAX_MANIFEST_BYTES + 1);
            if (b.length > MAX_MANIFEST_BYTES) {
                throw new IOException(file + " is larger than " + MAX_MANIFEST_BYTES + " bytes");
            }
            return b;
        }
    }

    private static void writeAtomically(Path file, byte[] bytes) throws IOException {
        Path tmp = file.resolveSibling(".writing-" + file.getFileName());
        Files.write(tmp, bytes);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Records: the non-blank lines (of the gunzipped data for NAME.jsonl.gz), as the hub counts them. */
    private static long records(Path data) throws IOException {
        InputStream in = Files.newInputStream(data);
        if (data.getFileName().toString().endsWith(".gz")) {
            in = new GZIPInputStream(in);
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return r.lines().filter(l -> !l.replace("\uFEFF", "").isBlank()).count();
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package energyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import energyhub.HubApplication;
import energyhub.e2e.support.FerryPackage;
import energyhub.e2e.support.FreePort;
import energyhub.e2e.support.HubTest;
import energyhub.e2e.support.RunningHub;
import energyhub.e2e.support.TestDatabase;
import energyhub.ferry.resend.ResendRequestRoute;
import energyhub.ferry.resend.ResendRequests;
import energyhub.ferry.signing.FerryKey;
import energyhub.ferry.signing.KeyRegistry;
import energyhub.signing.Dsse;
import energyhub.signing.FerryVerifier;
import energyhub.signing.KeyAlgorithm;
import energyhub.signing.P256;
import energyhub.signing.Sm2;
import energyhub.standard.UnifiedSocialCreditCode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Signed ferry manifests through the running hub with hub.ferry.signatures=required (issue 22): each
 * hostile package is answered REJECTED with its one code, both its files are quarantined with the code in the
 * reason file, the ledger records it REJECTED with nothing staged or delivered, and nothing of it reaches
 * either queue; a valid signed package dropped beside each one is ACCEPTED. docs/ferry-contract.md lists the
 * codes.
 */
@CamelSpringBootTest
@SpringBootTest(classes = HubApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
class FerrySignatureTest extends RunningHub {

    static final Path DATA_DIR = tempDir("hub-signed");
    static final int BROKER_PORT = FreePort.next();
    static final String TARGET = "53";
    static final String RUN = UUID.randomUUID().toString().substring(0, 6);
    /** An exchange server the hub polls over SFTP: the same gate in front of its packages. */
    static final energyhub.e2e.support.SftpServer SFTP;
    static final Map<String, String> SFTP_PROPERTIES;

    static {
        try {
            Path servers = tempDir("hub-signed-sftp");
            SFTP = energyhub.e2e.support.SftpServer.start(servers.resolve("s"));
            // as ExchangeHubTest.sftpSourceProperties writes them (not called: its class would start its own servers)
            String p = "hub.ferry.sources.exchange-s.";
            SFTP_PROPERTIES = Map.of(p + "type", "sftp", p + "host", "127.0.0.1", p + "port", String.valueOf(SFTP.port()),
                    p + "username", "hub", p + "private-key-file",
                    energyhub.e2e.support.SftpServer.CLIENT_KEYS.resolve("id_rsa").toString(),
                    p + "known-hosts-file", SFTP.knownHosts(servers.resolve("known_hosts")).toString(),
                    p + "poll-interval", "300ms", p + "connect-timeout", "5s", p + "read-timeout", "10s");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A key of the test: its id in the registry and its private half. */
    record Key(String id, ECPrivateKeyParameters priv) {
        ECPublicKeyParameters pub() {
            return Sm2.publicOf(priv);
        }
    }

    static Key key(String name) {
        return new Key(name + "-" + RUN, (ECPrivateKeyParameters) Sm2.generate(new SecureRandom()).getPrivate());
    }

    static final Key EXCHANGE = key("exchange");
    static final Key RETIRING = key("retiring");
    static final Key CITY = key("city");            // speaks for ENTERPRISE only
    static final Key OTHER = key("other-ent");      // OTHER_ENTERPRISE's own key (it signs: its packages need it)
    static final Key EXPIRED = key("expired");
    static final Key FUTURE = key("future");
    static final Key REVOKED = key("revoked");
    static final Key HUB_KEY = key("hub");
    static final Key UNREGISTERED = key("nobody");
    static final Key LATE_REVOKED = key("late-revoked");
    static final Key RETIRED_LONG_AGO = key("retired");
    /** An exchange server's ECDSA P-256 key, registered with the algorithm SHA256withECDSA. */
    static final Key P256_KEY = new Key("p256-" + RUN,
            (ECPrivateKeyParameters) P256.generate(new SecureRandom()).getPrivate());
    static boolean registered;

    @Autowired
    KeyRegistry registry;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        HubTest.hubProperties(DATA_DIR, BROKER_PORT).forEach((k, v) -> r.add(k, () -> v));
        SFTP_PROPERTIES.forEach((k, v) -> r.add(k, () -> v));
        r.add("hub.ferry.signatures", () -> "required");
        r.add("hub.ferry.target", () -> TARGET);
        r.add("hub.ferry.key-refresh", () -> "2s");
        r.add("hub.ferry.ack-key-file", () -> DATA_DIR.resolve("keys/hub-ack.key.pem").toString());
        r.add("hub.ferry.ack-key-generate", () -> "true");
        r.add("hub.ferry.ack-key-id", () -> "hub-ack-" + RUN);
        // the exchange server's key and the city platform's come from the key import file (signatures are required:
        // without an ACTIVE exchange server key the hub would not start); the others are registered below
        r.add("hub.ferry.keys-import-file", () -> KEYS_FILE.toString());
        DATABASE = TestDatabase.create().orElse(null);
        if (DATABASE != null) {
            r.add("spring.datasource.url", () -> DATABASE);
        }
    }

    /** The key import file of both hubs of this test: EXCHANGE (every enterprise) and CITY (ENTERPRISE only). */
    static final Path KEYS_FILE = writeKeysFile();

    static Path writeKeysFile() {
        try {
            Path f = DATA_DIR.resolveSibling(DATA_DIR.getFileName() + "-ferry-keys.yml");
            return Files.writeString(f, "keys:\n" + importEntry(EXCHANGE, "exchange-a", "")
                    + importEntry(CITY, "city-kunming", "    speaksFor: [" + FerryPackage.ENTERPRISE + "]\n"));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String importEntry(Key k, String owner, String speaksFor) {
        return "  - keyId: " + k.id() + "\n    ownerKind: EXCHANGE\n    owner: " + owner + "\n" + speaksFor
                + "    notBefore: " + Instant.now().minus(Duration.ofDays(1)) + "\n"
                + "    notAfter: " + Instant.now().plus(Duration.ofDays(365)) + "\n"
                + "    publicKey: |\n" + Sm2.publicPem(k.pub()).indent(6);
    }

    /** The PostgreSQL database of this hub (null: its embedded one), which a second hub shares. */
    static String DATABASE;

    FerrySignatureTest() {
        super(DATA_DIR, BROKER_PORT);
    }

    @BeforeEach
    void keys() {
        if (registered) {
            return;
        }
        Instant now = Instant.now();
        register(RETIRING, FerryKey.OwnerKind.EXCHANGE, "exchange-a", Set.of(), null, null);
        registry.changeStatus(RETIRING.id(), FerryKey.Status.RETIRING, "rotated to " + EXCHANGE.id(), "test");
        register(OTHER, FerryKey.OwnerKind.ENTERPRISE, FerryPackage.OTHER_ENTERPRISE, null, null, null);
        register(EXPIRED, FerryKey.OwnerKind.EXCHANGE, "exchange-a", Set.of(), now.minus(Duration.ofDays(30)),
                now.minus(Duration.ofDays(1)));
        register(FUTURE, FerryKey.OwnerKind.EXCHANGE, "exchange-a", Set.of(), now.plus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(30)));
        register(REVOKED, FerryKey.OwnerKind.EXCHANGE, "exchange-a", Set.of(), null, null);
        registry.changeStatus(REVOKED.id(), FerryKey.Status.REVOKED, "key leaked", "test");
        register(HUB_KEY, FerryKey.OwnerKind.HUB, "province-hub", null, null, null);
        register(LATE_REVOKED, FerryKey.OwnerKind.EXCHANGE, "exchange-b", Set.of(), null, null);
        register(RETIRED_LONG_AGO, FerryKey.OwnerKind.EXCHANGE, "exchange-a", Set.of(), now.minus(Duration.ofDays(30)), null);
        registry.changeStatus(RETIRED_LONG_AGO.id(), FerryKey.Status.RETIRING, "rotated", "test");
        registry.register(new FerryKey(P256_KEY.id(), FerryKey.OwnerKind.EXCHANGE, "exchange-p256", Set.of(),
                P256.ALGORITHM, Sm2.publicPem(P256.publicOf(P256_KEY.priv())), null, null, null, null, null, "test", null));
        // retired three days ago: past the grace of two days
        jdbc.update("update ferry_key set status_at = now() - interval '3 days' where key_id = ?", RETIRED_LONG_AGO.id());
        registry.refresh();
        registered = true;
    }

    void register(Key k, FerryKey.OwnerKind kind, String owner, Set<String> speaksFor, Instant notBefore,
            Instant notAfter) {
        registry.register(new FerryKey(k.id(), kind, owner, speaksFor, null, Sm2.publicPem(k.pub()), notBefore,
                notAfter, null, null, null, "test", null));
    }

    // ---- building signed packages ----

    /** The v2 payload of a package, as the command writes it (one line of JSON). */
    static String payload(FerryPackage pkg, Instant created, Instant notAfter, String target) throws Exception {
        byte[] data = pkg.dataBytes();
        SM3Digest d = new SM3Digest();
        d.update(data, 0, data.length);
        byte[] sm3 = new byte[32];
        d.doFinal(sm3, 0);
        return "{\"batchId\":\"" + pkg.batchId() + "\",\"sender\":\"" + pkg.sender() + "\",\"kind\":\"DATA\","
                + "\"createdAt\":\"" + OffsetDateTime.ofInstant(created, ZoneOffset.ofHours(8)) + "\","
                + "\"notAfter\":\"" + OffsetDateTime.ofInstant(notAfter, ZoneOffset.ofHours(8)) + "\","
                + "\"target\":\"" + target + "\",\"recordCount\":" + pkg.recordCount() + ",\"byteSize\":" + data.length
                + ",\"sha256\":\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data))
                + "\",\"sm3\":\"" + HexFormat.of().formatHex(sm3) + "\",\"schemaVersion\":\"1.0\"}";
    }

    static String payload(FerryPackage pkg) throws Exception {
        Instant now = Instant.now();
        return payload(pkg, now.minusSeconds(60), now.plus(Duration.ofDays(1)), TARGET);
    }

    static byte[] envelope(byte[] payload, Key... keys) {
        Dsse.Envelope e = null;
        for (Key k : keys) {
            e = e == null ? Dsse.sign(Dsse.MANIFEST_TYPE, payload, k.id(), k.priv()) : Dsse.addSignature(e, k.id(), k.priv());
        }
        return Dsse.write(e);
    }

    static byte[] signed(FerryPackage pkg, Key... keys) throws Exception {
        return envelope(payload(pkg).getBytes(StandardCharsets.UTF_8), keys);
    }

    /** An envelope with one signature of these exact bytes under this key id. */
    static byte[] withSig(String payload, String keyid, byte[] sig) {
        return Dsse.write(new Dsse.Envelope(Dsse.MANIFEST_TYPE, payload.getBytes(StandardCharsets.UTF_8),
                List.of(new Dsse.Signature(keyid, sig))));
    }

    static byte[] pae(String payload) {
        return Dsse.pae(Dsse.MANIFEST_TYPE, payload.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] goodSig(String payload) {
        return Sm2.sign(EXCHANGE.priv(), pae(payload));
    }

    /** Rewrites the (r, s) of a good DER signature into a hostile encoding. */
    static byte[] der(String payload, UnaryOperator<BigInteger[]> edit, boolean padS) throws Exception {
        BigInteger[] rs = Sm2.parseDer(goodSig(payload), Sm2.CURVE.getN());
        BigInteger[] e = edit.apply(rs);
        return derOf(e[0].toByteArray(), e[1].toByteArray());
    }

    static byte[] derOf(byte[] r, byte[] s) {
        byte[] out = new byte[6 + r.length + s.length];
        out[0] = 0x30;
        out[1] = (byte) (4 + r.length + s.length);
        out[2] = 2;
        out[3] = (byte) r.length;
        System.arraycopy(r, 0, out, 4, r.length);
        out[4 + r.length] = 2;
        out[5 + r.length] = (byte) s.length;
        System.arraycopy(s, 0, out, 6 + r.length, s.length);
        return out;
    }

    static byte[] fixed32(BigInteger v) {
        byte[] b = v.toByteArray();
        byte[] out = new byte[32];
        int len = Math.min(32, b.length);
        System.arraycopy(b, b.length - len, out, 32 - len, len);
        return out;
    }

    /** Drops the data file, then the manifest file (dated back as a finished transfer is). */
    Path drop(FerryPackage pkg, byte[] manifest) throws Exception {
        pkg.dropDataOnly(inbox());
        Path tmp = Files.createTempFile("manifest", ".tmp");
        Files.write(tmp, manifest);
        Files.setLastModifiedTime(tmp, FileTime.from(Instant.now().minusSeconds(5)));
        return Files.move(tmp, inbox().resolve(pkg.dataFileName() + ".manifest"));
    }

    static FerryPackage pkg() {
        return FerryPackage.of().records(FerryPackage.ENTERPRISE, 2);
    }

    /** A hostile case: drops its package (built so it is refused) and returns it. */
    @FunctionalInterface
    interface Case {
        FerryPackage drop(FerrySignatureTest t) throws Exception;
    }

    static Arguments c(String name, String code, Case drop) {
        return Arguments.of(name, code, drop);
    }

    /** A valid package whose manifest these keys sign, dropped as it is: the keys themselves are the fault. */
    static Case signedBy(Key... keys) {
        return t -> {
            FerryPackage p = pkg();
            t.drop(p, signed(p, keys));
            return p;
        };
    }

    static Stream<Arguments> hostile() {
        List<Arguments> c = new ArrayList<>();
        c.add(c("unsigned v1 manifest while required", "MANIFEST_NOT_SIGNED", t -> {
            FerryPackage p = pkg();
            t.drop(p, p.manifest().getBytes(StandardCharsets.UTF_8));
            return p;
        }));
        c.add(c("data file swapped after signing (same length)", "DIGEST_MISMATCH", t -> {
            FerryPackage p = pkg();
            byte[] m = signed(p, EXCHANGE);
            p.dropDataOnly(t.inbox());
            byte[] data = p.dataBytes();
            data[data.length - 5] = (byte) (data[data.length - 5] == '1' ? '2' : '1'); // a digit of the last value
            Files.write(t.inbox().resolve(p.dataFileName()), data);
            t.dropManifestOnly(p, m);
            return p;
        }));
        c.add(c("data file truncated after signing", "SIZE_MISMATCH", t -> {
            FerryPackage p = pkg();
            byte[] m = signed(p, EXCHANGE);
            byte[] data = p.dataBytes();
            Files.createDirectories(t.inbox());
            Path f = Files.write(t.inbox().resolve(p.dataFileName()), Arrays.copyOf(data, data.length - 10));
            Files.setLastModifiedTime(f, FileTime.from(Instant.now().minusSeconds(60))); // no longer growing
            t.dropManifestOnly(p, m);
            return p;
        }));
        c.add(c("recordCount edited after signing", "SIGNATURE_INVALID", t -> {
            FerryPackage p = pkg();
            String payload = payload(p);
            t.drop(p, withSig(payload.replace("\"recordCount\":2", "\"recordCount\":1"), EXCHANGE.id(), goodSig(payload)));
            return p;
        }));
        c.add(c("whitespace added to the signed payload", "SIGNATURE_INVALID", t -> {
            FerryPackage p = pkg();
            String payload = payload(p);
            t.drop(p, withSig(payload.replace(",", ", "), EXCHANGE.id(), goodSig(payload)));
            return p;
        }));
        c.add(c("BOM added to the signed payload", "SIGNATURE_INVALID", t -> {
            FerryPackage p = pkg();
            String payload = payload(p);
            t.drop(p, withSig("\uFEFF" + payload, EXCHANGE.id(), goodSig(payload)));
            return p;
        }));
        c.add(c("payload re-serialised (same JSON, other field order)", "SIGNATURE_INVALID", t -> {
            FerryPackage p = pkg();
            String payload = payload(p);
            var tree = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(payload);
            var reordered = JSON.createObjectNode();
            List<String> names = new ArrayList<>();
            tree.fieldNames().forEachRemaining(names::add);
            java.util.Collections.reverse(names);
            names.forEach(n -> reordered.set(n, tree.get(n)));
            t.drop(p, withSig(JSON.writeValueAsString(reordered), EXCHANGE.id(), goodSig(payload)));
            return p;
        }));
        c.add(c("the signature moved under another payloadType", "PAYLOAD_TYPE_UNEXPECTED", t -> {
            FerryPackage p = pkg();
            String payload = payload(p);
            byte[] sig = Sm2.sign(EXCHANGE.priv(), Dsse.pae("application/json", payload.getBytes(StandardCharsets.UTF_8)));
            t.drop(p, Dsse.write(new Dsse.Envelope("application/json", payload.getBytes(StandardCharsets.UTF_8),
                    List.of(new Dsse.Signature(EXCHANGE.id(), sig)))));
            return p;
        }));
        c.add(c("unknown key", "KEY_UNKNOWN", signedBy(UNREGISTERED)));
        c.add(c("expired key", "KEY_EXPIRED", signedBy(EXPIRED)));
        c.add(c("a RETIRING key past its grace", "KEY_EXPIRED", signedBy(RETIRED_LONG_AGO)));
        c.add(c("key not valid yet", "KEY_NOT_YET_VALID", signedBy(FUTURE)));
        c.add(c("revoked key", "KEY_REVOKED", signedBy(REVOKED)));
        c.add(c("revoked key, createdAt back-dated before the revocation", "KEY_REVOKED", t -> {
            FerryPackage p = pkg();
            Instant then = Instant.now().minus(Duration.ofDays(3));
            t.drop(p, envelope(payload(p, then, then.plus(Duration.ofDays(6)), TARGET).getBytes(StandardCharsets.UTF_8),
                    REVOKED));
            return p;
        }));
        c.add(c("wrong SM2 user ID (empty)", "SIGNATURE_INVALID", t -> {
            FerryPackage p = pkg();
            String payload = payload(p);
            t.drop(p, withSig(payload, EXCHANGE.id(), Sm2.sign(EXCHANGE.priv(), new byte[0], pae(payload), new SecureRandom())));
            return p;
        }));
        c.add(c("wrong SM2 user ID (ALICE123@YAHOO.COM)", "SIGNATURE_INVALID", t -> {
            FerryPackage p = pkg();
            String payload = payload(p);
            t.drop(p, withSig(payload, EXCHANGE.id(), Sm2.sign(EXCHANGE.priv(),
                    "ALICE123@YAHOO.COM".getBytes(StandardCharsets.US_ASCII), pae(payload), new SecureRandom())));
            return p;
        }));
        c.add(c("envelope naming another algorithm", "ENVELOPE_MALFORMED", t -> {
            FerryPackage p = pkg();
            String e = new String(signed(p, EXCHANGE), StandardCharsets.UTF_8);
            t.drop(p, e.replaceFirst("^\\{", "{\"alg\":\"ES256\",").getBytes(StandardCharsets.UTF_8));
            return p;
        }));
        c.add(c("a P-256 ECDSA signature under the SM2 key id", "SIGNATURE_INVALID", t -> {
            FerryPackage p = pkg();
            String payload = payload(p);
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            java.security.Signature s = java.security.Signature.getInstance("SHA256withECDSA");
            s.initSign(g.generateKeyPair().getPrivate());
            s.update(pae(payload));
            t.drop(p, withSig(payload, EXCHANGE.id(), s.sign()));
            return p;
        }));
        c.add(c("an SM2 signature under a P-256 key id", "SIGNATURE_INVALID", t -> {
            FerryPackage p = pkg();
            String payload = payload(p);
            t.drop(p, withSig(payload, P256_KEY.id(), goodSig(payload)));
            return p;
        }));
        c.add(c("a P-256 key id's signature with a trailing byte", "SIGNATURE_MALFORMED", t -> {
            FerryPackage p = pkg();
            String payload = payload(p);
            byte[] sig = P256.sign(P256_KEY.priv(), pae(payload));
            t.drop(p, withSig(payload, P256_KEY.id(), Arrays.copyOf(sig, sig.length + 1)));
            return p;
        }));
        c.add(c("DER with a negative INTEGER", "SIGNATURE_MALFORMED", t -> {
            FerryPackage p = pkg();
            String payload = payload(p);
            BigInteger[] rs = Sm2.parseDer(goodSig(payload), Sm2.CURVE.getN());
            byte[] r = fixed32(rs[0]);
            r[0] |= (byte) 0x80; // the high bit without its 00 pad: a negative number to DER
            t.drop(p, withSig(payload, EXCHANGE.id(), derOf(r, rs[1].toByteArray())));
            return p;
        }));
        c.add(c("DER with a trailing byte", "SIGNATURE_MALFORMED", t -> {
            FerryPackage p = pkg();
            String payload = payload(p);
            byte[] sig = goodSig(payload);
            t.drop(p, withSig(payload, EXCHANGE.id(), Arrays.copyOf(sig, sig.length + 1)));
            return p;
        }));
        c.add(c("DER with r = 0", "SIGNATURE_MALFORMED", t -> {
            FerryPackage p = pkg();
            String payload = payload(p);
            t.drop(p, withSig(payload, EXCHANGE.id(), der(payload, rs -> new BigInteger[] {BigInteger.ZERO, rs[1]}, false)));
            return p;
        }));
        c.add(c("DER with s + n (s >= n)", "SIGNATURE_MALFORMED", t -> {
            FerryPackage p = pkg();
            String payload = payload(p);
            t.drop(p, withSig(payload, EXCHANGE.id(),
                    der(payload, rs -> new BigInteger[] {rs[0], rs[1].add(Sm2.CURVE.getN())}, false)));
            return p;
        }));
        c.add(c("raw 64-byte r||s instead of DER", "SIGNATURE_MALFORMED", t -> {
            FerryPackage p = pkg();
            String payload = payload(p);
            BigInteger[] rs = Sm2.parseDer(goodSig(payload), Sm2.CURVE.getN());
            byte[] raw = new byte[64];
            System.arraycopy(fixed32(rs[0]), 0, raw, 0, 32);
            System.arraycopy(fixed32(rs[1]), 0, raw, 32, 32);
            t.drop(p, withSig(payload, EXCHANGE.id(), raw));
            return p;
        }));
        c.add(c("63-byte unpadded r||s", "SIGNATURE_MALFORMED", t -> {
            FerryPackage p = pkg();
            String payload = payload(p);
            BigInteger[] rs = Sm2.parseDer(goodSig(payload), Sm2.CURVE.getN());
            byte[] raw = new byte[63];
            System.arraycopy(fixed32(rs[0]), 1, raw, 0, 31);
            System.arraycopy(fixed32(rs[1]), 0, raw, 31, 32);
            t.drop(p, withSig(payload, EXCHANGE.id(), raw));
            return p;
        }));
        c.add(c("an enterprise key signing for another enterprise", "SENDER_NOT_ALLOWED", t -> {
            FerryPackage p = pkg(); // sender ENTERPRISE, signed by OTHER_ENTERPRISE's key too
            t.drop(p, signed(p, EXCHANGE, OTHER));
            return p;
        }));
        c.add(c("a city key signing for an enterprise it does not serve", "SENDER_NOT_ALLOWED", t -> {
            FerryPackage p = FerryPackage.of().sender(FerryPackage.OTHER_ENTERPRISE).records(FerryPackage.OTHER_ENTERPRISE, 1);
            t.drop(p, signed(p, CITY, OTHER));
            return p;
        }));
        c.add(c("a signing enterprise's package without its signature", "SENDER_NOT_ALLOWED", t -> {
            FerryPackage p = FerryPackage.of().sender(FerryPackage.OTHER_ENTERPRISE).records(FerryPackage.OTHER_ENTERPRISE, 1);
            t.drop(p, signed(p, EXCHANGE));
            return p;
        }));
        c.add(c("only an enterprise key, no exchange server key", "SENDER_NOT_ALLOWED", t -> {
            FerryPackage p = FerryPackage.of().sender(FerryPackage.OTHER_ENTERPRISE).records(FerryPackage.OTHER_ENTERPRISE, 1);
            t.drop(p, signed(p, OTHER));
            return p;
        }));
        c.add(c("the hub's own key signing data", "SENDER_NOT_ALLOWED", signedBy(HUB_KEY)));
        c.add(c("records naming an enterprise the keys may not speak for", "RECORD_SENDER_MISMATCH", t -> {
            FerryPackage p = pkg().line(FerryPackage.record(FerryPackage.OTHER_ENTERPRISE, 3, "7.5"));
            t.drop(p, signed(p, CITY));
            return p;
        }));
        c.add(c("a package for another province", "TARGET_MISMATCH", t -> {
            FerryPackage p = pkg();
            Instant now = Instant.now();
            t.drop(p, envelope(payload(p, now, now.plus(Duration.ofDays(1)), "44").getBytes(StandardCharsets.UTF_8), EXCHANGE));
            return p;
        }));
        c.add(c("notAfter passed", "PACKAGE_EXPIRED", t -> {
            FerryPackage p = pkg();
            Instant then = Instant.now().minus(Duration.ofDays(2));
            t.drop(p, envelope(payload(p, then, then.plus(Duration.ofDays(1)), TARGET).getBytes(StandardCharsets.UTF_8), EXCHANGE));
            return p;
        }));
        c.add(c("a lifetime over hub.ferry.max-package-lifetime", "PACKAGE_EXPIRED", t -> {
            FerryPackage p = pkg();
            Instant now = Instant.now();
            t.drop(p, envelope(payload(p, now, now.plus(Duration.ofDays(30)), TARGET).getBytes(StandardCharsets.UTF_8), EXCHANGE));
            return p;
        }));
        c.add(c("1,000 signatures", "ENVELOPE_MALFORMED", t -> {
            FerryPackage p = pkg();
            String payload = payload(p);
            StringBuilder sigs = new StringBuilder();
            String sig = Base64.getEncoder().encodeToString(goodSig(payload));
            for (int i = 0; i < 1000; i++) {
                sigs.append(i == 0 ? "" : ",").append("{\"keyid\":\"k").append(i).append("\",\"sig\":\"").append(sig).append("\"}");
            }
            t.drop(p, ("{\"payloadType\":\"" + Dsse.MANIFEST_TYPE + "\",\"payload\":\""
                    + Base64.getEncoder().encodeToString(payload.getBytes(StandardCharsets.UTF_8))
                    + "\",\"signatures\":[" + sigs + "]}").getBytes(StandardCharsets.UTF_8));
            return p;
        }));
        c.add(c("five signatures in a small envelope", "ENVELOPE_MALFORMED", signedBy(EXCHANGE, RETIRING, CITY, OTHER, EXPIRED)));
        c.add(c("a 10 MB envelope", "ENVELOPE_MALFORMED", t -> {
            FerryPackage p = pkg();
            String e = new String(signed(p, EXCHANGE), StandardCharsets.UTF_8);
            t.drop(p, (e.substring(0, e.length() - 1) + ",\"pad\":\"" + "x".repeat(10 * 1024 * 1024) + "\"}")
                    .getBytes(StandardCharsets.UTF_8));
            return p;
        }));
        c.add(c("an envelope that is not base64 inside", "ENVELOPE_MALFORMED", t -> {
            FerryPackage p = pkg();
            String e = new String(signed(p, EXCHANGE), StandardCharsets.UTF_8);
            t.drop(p, e.replace("\"payload\":\"", "\"payload\":\"*").getBytes(StandardCharsets.UTF_8));
            return p;
        }));
        return c.stream();
    }

    void dropManifestOnly(FerryPackage pkg, byte[] manifest) throws Exception {
        Path tmp = Files.createTempFile("manifest", ".tmp");
        Files.write(tmp, manifest);
        Files.setLastModifiedTime(tmp, FileTime.from(Instant.now().minusSeconds(5)));
        Files.move(tmp, inbox().resolve(pkg.dataFileName() + ".manifest"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("hostile")
    void refusedWithItsCodeBesideAValidPackage(String name, String code, Case hostile) throws Exception {
        FerryPackage bad = hostile.drop(this);
        FerryPackage good = pkg();
        drop(good, signed(good, EXCHANGE));

        JsonNode ack = awaitAck(bad);
        assertThat(ack.get("status").asText()).as(name).isEqualTo("REJECTED");
        assertThat(ack.get("errors").get(0).get("code").asText()).as(name).isEqualTo(code);
        Path reason = quarantine().resolve(bad.dataFileName() + ".reason.txt");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(reason));
        assertThat(Files.readString(reason)).contains(code);
        assertThat(quarantine().resolve(bad.dataFileName() + ".manifest")).exists();
        assertThat(inbox().resolve(bad.dataFileName())).doesNotExist();
        List<Map<String, Object>> rows = jdbc.queryForList(
                "select id, status, reason from batch where file_name = ?", bad.dataFileName());
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0)).containsEntry("status", "REJECTED");
        assertThat((String) rows.get(0).get("reason")).startsWith(code);
        long pk = ((Number) rows.get(0).get("id")).longValue();
        assertThat(jdbc.queryForObject("select count(*) from chunk where batch_pk = ?", Long.class, pk)).isZero();
        assertThat(ledger.deliveries(pk)).isEmpty();
        assertThat(national.browse(bad.batchId())).isEmpty();
        assertThat(provincial.browse(bad.batchId())).isEmpty();

        JsonNode fine = awaitAck(good);
        assertThat(fine.get("status").asText()).as("the valid package beside " + name).isEqualTo("ACCEPTED");
        assertThat(national.browse(good.batchId())).hasSize(1);
        assertThat(provincial.browse(good.batchId())).hasSize(1);
    }

    @Test
    void validSignersAreAccepted() throws Exception {
        // a retiring key within its grace (packages in flight during a rotation)
        FerryPackage retiring = pkg();
        drop(retiring, signed(retiring, RETIRING));
        // a city platform's key for an enterprise it serves
        FerryPackage city = pkg();
        drop(city, signed(city, CITY));
        // a signing enterprise's package with its own signature beside the exchange server's
        FerryPackage own = FerryPackage.of().sender(FerryPackage.OTHER_ENTERPRISE).records(FerryPackage.OTHER_ENTERPRISE, 2);
        drop(own, signed(own, OTHER, EXCHANGE));
        // an exchange server whose key is registered as ECDSA P-256 (SHA256withECDSA), signing with the command
        FerryPackage ecdsa = pkg();
        drop(ecdsa, Dsse.write(Dsse.sign(Dsse.MANIFEST_TYPE, payload(ecdsa).getBytes(StandardCharsets.UTF_8),
                P256_KEY.id(), KeyAlgorithm.P256, P256_KEY.priv())));

        for (FerryPackage p : List.of(retiring, city, own, ecdsa)) {
            assertThat(awaitAck(p).get("status").asText()).isEqualTo("ACCEPTED");
            assertThat(national.browse(p.batchId())).hasSize(1);
            assertThat(provincial.browse(p.batchId())).hasSize(1);
        }
        assertThat(ledger.batch(own.batchId())).containsEntry("digest_alg", "SM3");
    }

    @Test
    void replayOfAnAcceptedSignedPackageUnderANewNameIsDuplicate() throws Exception {
        FerryPackage first = pkg();
        byte[] manifest = signed(first, EXCHANGE);
        drop(first, manifest);
        assertThat(awaitAck(first).get("status").asText()).isEqualTo("ACCEPTED");

        FerryPackage replay = pkg().batchId(first.batchId()); // same records and signed manifest, another file name
        Path data = Files.write(inbox().resolve(replay.dataFileName()), first.dataBytes());
        dropManifestOnly(replay, manifest);

        assertThat(awaitAck(replay).get("status").asText()).isEqualTo("DUPLICATE");
        assertThat(national.browse(first.batchId())).hasSize(1);
        assertThat(data).doesNotExist();
    }

    @Test
    void aManifestSignedWithOpenSslIsAccepted() throws Exception {
        Path dir = tempDir("openssl");
        Path key = dir.resolve("k.pem");
        org.junit.jupiter.api.Assumptions.assumeTrue(run("openssl", "genpkey", "-algorithm", "SM2", "-out", key.toString()),
                "assumption: openssl 3 with SM2 is on the PATH");
        Path pub = dir.resolve("pub.pem");
        assertThat(run("openssl", "pkey", "-in", key.toString(), "-pubout", "-out", pub.toString())).isTrue();
        Key openssl = new Key("openssl-" + RUN, null);
        registry.register(new FerryKey(openssl.id(), FerryKey.OwnerKind.EXCHANGE, "exchange-openssl", Set.of(), null,
                Files.readString(pub), null, null, null, null, null, "test", null));
        FerryPackage p = pkg();
        String payload = payload(p);
        Path msg = Files.write(dir.resolve("pae"), pae(payload));
        Path sig = dir.resolve("sig");
        assertThat(run("openssl", "pkeyutl", "-sign", "-rawin", "-digest", "sm3", "-pkeyopt", "distid:1234567812345678",
                "-inkey", key.toString(), "-in", msg.toString(), "-out", sig.toString())).isTrue();
        drop(p, withSig(payload, openssl.id(), Files.readAllBytes(sig)));

        assertThat(awaitAck(p).get("status").asText()).isEqualTo("ACCEPTED");
        assertThat(national.browse(p.batchId())).hasSize(1);
    }

    static boolean run(String... command) throws Exception {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void aRevocationWrittenByAnotherHubTakesEffectHereWithinTenSeconds() throws Exception {
        FerryPackage before = pkg();
        drop(before, signed(before, LATE_REVOKED));
        assertThat(awaitAck(before).get("status").asText()).isEqualTo("ACCEPTED");

        // another hub of the cluster revokes it: the shared table changes, not this hub's cache
        jdbc.update("update ferry_key set status = 'REVOKED', status_at = now(), status_reason = 'stolen', "
                + "changed_by = 'operator:other-hub' where key_id = ?", LATE_REVOKED.id());
        await().atMost(Duration.ofSeconds(10)).until(() ->
                registry.find(LATE_REVOKED.id()).orElseThrow().key().status() == FerryKey.Status.REVOKED);
        FerryPackage after = pkg();
        drop(after, signed(after, LATE_REVOKED));

        JsonNode ack = awaitAck(after);
        assertThat(ack.get("status").asText()).isEqualTo("REJECTED");
        assertThat(ack.get("errors").get(0).get("code").asText()).isEqualTo("KEY_REVOKED");
        assertThat(national.browse(after.batchId())).isEmpty();
        // the change is in the audit chain, with who made it
        await().atMost(Duration.ofSeconds(15)).until(() -> jdbc.queryForObject("select count(*) from audit_event "
                + "where action = 'FERRY_KEY_CHANGED' and subject = ? and result = 'REVOKED' "
                + "and detail like '%by=operator:other-hub%'", Long.class, LATE_REVOKED.id()) == 1);
    }

    @Test
    void theHubSignsItsAckFilesAndTheCommandVerifiesThemWithThePublishedKey() throws Exception {
        FerryPackage p = pkg();
        drop(p, signed(p, EXCHANGE));
        assertThat(awaitAck(p).get("status").asText()).isEqualTo("ACCEPTED");
        Path ack = outbox().resolve(p.dataFileName() + ".ack.json");
        assertThat(outbox().resolve(p.dataFileName() + ".ack.json.sig")).exists();
        // the hub's key, as the operator API publishes it
        FerryKey hub = registry.get("hub-ack-" + RUN);
        assertThat(hub.ownerKind()).isEqualTo(FerryKey.OwnerKind.HUB);
        Path pub = Files.writeString(tempDir("hub-pub").resolve("hub.pub.pem"), hub.publicKey());
        var out = new java.io.ByteArrayOutputStream();
        var command = new energyhub.signing.FerrySignerCommand(new java.io.PrintStream(out, true),
                new java.io.PrintStream(out, true));

        assertThat(command.run("verify-ack", "--pub", pub.toString(), "--ack", ack.toString())).as(out.toString()).isZero();

        Path copy = Files.copy(ack, tempDir("tampered").resolve(ack.getFileName()));
        Files.copy(outbox().resolve(p.dataFileName() + ".ack.json.sig"), copy.resolveSibling(copy.getFileName() + ".sig"));
        Files.writeString(copy, Files.readString(copy).replace("\"accepted\":2", "\"accepted\":1"));
        assertThat(Files.readString(copy)).contains("\"accepted\":1");
        assertThat(command.run("verify-ack", "--pub", pub.toString(), "--ack", copy.toString())).isEqualTo(1);
        assertThat(out.toString()).contains("SIGNATURE_INVALID");
    }

    @Test
    void anSftpExchangeServerIsGatedTheSameWay() throws Exception {
        FerryPackage good = pkg();
        byte[] goodManifest = signed(good, EXCHANGE);
        FerryPackage bad = pkg();
        byte[] badManifest = signed(bad, UNREGISTERED);
        for (var e : Map.of(good, goodManifest, bad, badManifest).entrySet()) {
            e.getKey().dropDataOnly(SFTP.inbound());
            Path tmp = Files.createTempFile("manifest", ".tmp");
            Files.write(tmp, e.getValue());
            Files.setLastModifiedTime(tmp, FileTime.from(Instant.now().minusSeconds(5)));
            Files.move(tmp, SFTP.inbound().resolve(e.getKey().dataFileName() + ".manifest"));
        }

        JsonNode refused = awaitRemote(bad);
        assertThat(refused.get("status").asText()).isEqualTo("REJECTED");
        assertThat(refused.get("errors").get(0).get("code").asText()).isEqualTo("KEY_UNKNOWN");
        assertThat(national.browse(bad.batchId())).isEmpty();
        assertThat(provincial.browse(bad.batchId())).isEmpty();
        // refused before its payload was believed: recorded by file name (its batchId is not taken from an unverified manifest)
        assertThat(jdbc.queryForList("select status, source from batch where file_name = ?", bad.dataFileName()))
                .containsExactly(Map.of("status", "REJECTED", "source", "ferry-exchange-s"));
        assertThat(awaitRemote(good).get("status").asText()).isEqualTo("ACCEPTED");
        assertThat(national.browse(good.batchId())).hasSize(1);
        assertThat(provincial.browse(good.batchId())).hasSize(1);
    }

    /**
     * The ACKs the hub uploads to an SFTP exchange server are signed as the local inbox's are (one ACK route for
     * both): fetched over SFTP as the exchange server's side reads them, the ACK of an accepted and of a refused
     * package both verify with the command's verifier and the hub's published key; a tampered ACK is refused.
     */
    @Test
    void ackFilesUploadedToAnSftpExchangeServerAreSignedByTheHub() throws Exception {
        FerryPackage good = pkg();
        FerryPackage bad = pkg();
        dropInto(SFTP.inbound(), good, signed(good, EXCHANGE));
        dropInto(SFTP.inbound(), bad, signed(bad, UNREGISTERED));
        assertThat(awaitRemote(good).get("status").asText()).isEqualTo("ACCEPTED");
        assertThat(awaitRemote(bad).get("status").asText()).isEqualTo("REJECTED");

        // the hub's key as the operator API publishes it, with the algorithm it is registered with
        FerryKey hub = registry.get("hub-ack-" + RUN);
        KeyAlgorithm algorithm = KeyAlgorithm.ofRegistryName(hub.algorithm()).orElseThrow();
        ECPublicKeyParameters hubKey = algorithm.readPublic(hub.publicKey());
        Path fetched = tempDir("sftp-acks");
        for (FerryPackage p : List.of(good, bad)) {
            String ack = p.dataFileName() + ".ack.json";
            fetch(fetched, ack, ack + ".sig");
            assertThat(FerryVerifier.ack(Files.readAllBytes(fetched.resolve(ack)),
                    Files.readAllBytes(fetched.resolve(ack + ".sig")), algorithm, hubKey, hub.keyId()))
                    .as(ack).isEqualTo(hub.keyId());
        }
        Path goodAck = fetched.resolve(good.dataFileName() + ".ack.json");
        Path pub = Files.writeString(fetched.resolve("hub.pub.pem"), hub.publicKey());
        var out = new java.io.ByteArrayOutputStream();
        var command = new energyhub.signing.FerrySignerCommand(new java.io.PrintStream(out, true),
                new java.io.PrintStream(out, true));
        assertThat(command.run("verify-ack", "--pub", pub.toString(), "--ack", goodAck.toString())).as(out.toString())
                .isZero();

        // the sender's side sees a changed ACK for what it is
        byte[] signature = Files.readAllBytes(fetched.resolve(good.dataFileName() + ".ack.json.sig"));
        String tampered = Files.readString(goodAck).replace("ACCEPTED", "REJECTED");
        assertThat(tampered).contains("REJECTED");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> FerryVerifier.ack(
                tampered.getBytes(StandardCharsets.UTF_8), signature, algorithm, hubKey, hub.keyId()))
                .hasFieldOrPropertyWithValue("code", "SIGNATURE_INVALID");
        Files.writeString(goodAck, tampered);
        assertThat(command.run("verify-ack", "--pub", pub.toString(), "--ack", goodAck.toString())).isEqualTo(1);
        assertThat(out.toString()).contains("SIGNATURE_INVALID");
        // nothing half-uploaded stays on the server: ACKs and their signatures only
        try (Stream<Path> files = Files.list(SFTP.outbound())) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .allMatch(n -> n.endsWith(".ack.json") || n.endsWith(".ack.json.sig"))
                    .contains(good.dataFileName() + ".ack.json.sig", bad.dataFileName() + ".ack.json.sig");
        }
    }

    /** Downloads files of the exchange server's outbound folder over SFTP (the hub's account, the pinned host key). */
    static void fetch(Path into, String... names) throws Exception {
        com.jcraft.jsch.JSch jsch = new com.jcraft.jsch.JSch();
        jsch.addIdentity(energyhub.e2e.support.SftpServer.CLIENT_KEYS.resolve("id_rsa").toString());
        jsch.setKnownHosts(SFTP_PROPERTIES.get("hub.ferry.sources.exchange-s.known-hosts-file"));
        com.jcraft.jsch.Session session = jsch.getSession("hub", "127.0.0.1", SFTP.port());
        session.connect(10_000);
        try {
            com.jcraft.jsch.ChannelSftp sftp = (com.jcraft.jsch.ChannelSftp) session.openChannel("sftp");
            sftp.connect(10_000);
            for (String name : names) {
                sftp.get("/outbound/" + name, into.resolve(name).toString());
            }
            sftp.disconnect();
        } finally {
            session.disconnect();
        }
    }

    /**
     * The hub's own ferry packages are signed too: with signatures required, the 补传 request the hub writes for a
     * sender whose series has a hole carries a v2 manifest signed by the hub's key; the internet side's command
     * verifies it (and its data file) with the hub's published key, and refuses it with one byte changed.
     */
    @Test
    void theHubsResendRequestsAreSignedAndVerifyWithItsPublishedKey() throws Exception {
        String sender = "resend-signed-" + RUN;
        String enterprise = "91530100MA7RQBF01" + UnifiedSocialCreditCode.checkCharacter("91530100MA7RQBF01");
        LocalDate today = LocalDate.now(ZoneId.of("Asia/Shanghai"));
        LocalDate hole = today.minusDays(4);
        FerryPackage delivered = FerryPackage.of().sender(sender);
        for (int back = 6; back >= 2; back--) {
            if (!today.minusDays(back).equals(hole)) {
                delivered.line(daily(enterprise, today.minusDays(back)));
            }
        }
        drop(delivered, signed(delivered, EXCHANGE));
        assertThat(awaitAck(delivered).get("status").asText()).isEqualTo("ACCEPTED");

        ResendRequests.Summary summary = camel.createProducerTemplate().requestBodyAndHeader(ResendRequestRoute.ENDPOINT,
                null, ResendRequests.REQUESTED_BY, "test", ResendRequests.Summary.class);

        ResendRequests.Written request = summary.files().stream().filter(f -> f.recipient().equals(sender)).findFirst()
                .orElseThrow(() -> new AssertionError("no request to " + sender + ": " + summary));
        Path data = outbox().resolve(request.file());
        Path manifest = outbox().resolve(request.file() + ".manifest");
        FerryKey hub = registry.get("hub-ack-" + RUN);
        Path pub = Files.writeString(tempDir("hub-pub-resend").resolve("hub.pub.pem"), hub.publicKey());
        var out = new java.io.ByteArrayOutputStream();
        var command = new energyhub.signing.FerrySignerCommand(new java.io.PrintStream(out, true),
                new java.io.PrintStream(out, true));

        assertThat(command.run("verify", "--pub", pub.toString(), "--keyid", hub.keyId(), "--manifest",
                manifest.toString())).as(out.toString()).isZero();
        assertThat(out.toString()).contains("data file " + data + " matches");
        JsonNode payload = FerryVerifier.manifest(Files.readAllBytes(manifest), hub.keyId(), KeyAlgorithm.SM2,
                Sm2.readPublic(hub.publicKey()), data).payload();
        assertThat(payload.get("kind").asText()).isEqualTo("RESEND_REQUEST");
        assertThat(payload.get("recipient").asText()).isEqualTo(sender);
        assertThat(payload.get("target").asText()).isEqualTo(TARGET);
        assertThat(payload.get("batchId").asText()).isEqualTo(request.batchId());
        assertThat(OffsetDateTime.parse(payload.get("notAfter").asText()))
                .isEqualTo(OffsetDateTime.parse(payload.get("createdAt").asText()).plusDays(7));
        JsonNode line = JSON.readTree(Files.readAllLines(data).get(0));
        assertThat(line.get("enterpriseCode").asText()).isEqualTo(enterprise);
        assertThat(JSON.convertValue(line.get("periods"), List.class)).containsExactly(hole + " 00:00:00");
        // every request of the run is signed by the hub's key: none is left v1
        for (ResendRequests.Written f : summary.files()) {
            assertThat(Dsse.parse(Files.readAllBytes(outbox().resolve(f.file() + ".manifest"))).signatures())
                    .extracting(Dsse.Signature::keyid).containsExactly(hub.keyId());
        }

        // one byte changed, in the data file or in the signed manifest: refused
        Path copy = tempDir("resend-tampered");
        byte[] bytes = Files.readAllBytes(data);
        byte[] changed = bytes.clone();
        int digit = new String(bytes, StandardCharsets.UTF_8).indexOf(hole.toString()) + 9; // the day's last digit
        changed[digit] = (byte) (changed[digit] == '1' ? '2' : '1');
        Files.write(copy.resolve(request.file()), changed);
        Files.copy(manifest, copy.resolve(request.file() + ".manifest"));
        assertThat(command.run("verify", "--pub", pub.toString(), "--keyid", hub.keyId(), "--manifest",
                copy.resolve(request.file() + ".manifest").toString())).isEqualTo(1);
        assertThat(out.toString()).contains("DIGEST_MISMATCH");
        Files.write(copy.resolve(request.file()), bytes);
        Dsse.Envelope e = Dsse.parse(Files.readAllBytes(manifest));
        byte[] signed = e.payload().clone();
        int at = new String(signed, StandardCharsets.UTF_8).indexOf(sender) + sender.length() - 1;
        signed[at] = (byte) (signed[at] == 'x' ? 'y' : 'x'); // another recipient
        Files.write(copy.resolve(request.file() + ".manifest"),
                Dsse.write(new Dsse.Envelope(e.payloadType(), signed, e.signatures())));
        out.reset();
        assertThat(command.run("verify", "--pub", pub.toString(), "--keyid", hub.keyId(), "--manifest",
                copy.resolve(request.file() + ".manifest").toString())).isEqualTo(1);
        assertThat(out.toString()).contains("SIGNATURE_INVALID");
    }

    /** A daily record (statType 1) of a day, uploaded the next day at 01:00 (China time). */
    static String daily(String enterprise, LocalDate day) {
        return "{\"enterpriseCode\":\"" + enterprise + "\",\"regVersion\":\"1.0\",\"dicVersion\":\"1.0\","
                + "\"dataCode\":\"0000000002330001\",\"dataValue\":\"12.5\",\"convertRation\":\"\","
                + "\"valid\":\"1\",\"scope\":\"1\",\"inputType\":\"4\",\"statType\":\"1\","
                + "\"statDate\":\"" + day + " 00:00:00\",\"uploadDate\":\"" + day.plusDays(1) + " 01:00:00\"}";
    }

    static JsonNode awaitRemote(FerryPackage pkg) throws Exception {
        Path ack = SFTP.outbound().resolve(pkg.dataFileName() + ".ack.json");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(ack));
        return JSON.readTree(Files.readString(ack));
    }

    static final Key ROT_OLD = key("rot-old");
    static final Key ROT_NEW = key("rot-new");

    /**
     * Rotation and revocation across two hubs on one database: this hub and a second hub process (its own
     * inbox, broker and data directory, hub.ferry.key-refresh left at its default). The keys are changed here,
     * as an operator does through this hub's API; the other hub follows from the shared table.
     */
    @Test
    void rotationAndRevocationOnOneHubTakeEffectOnTheOtherWithinTenSeconds() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(DATABASE != null,
                "two hubs share one PostgreSQL: needs the one at 127.0.0.1:5432");
        register(ROT_OLD, FerryKey.OwnerKind.EXCHANGE, "exchange-r", Set.of(), null, null);
        register(ROT_NEW, FerryKey.OwnerKind.EXCHANGE, "exchange-r", Set.of(), null, null);
        registry.changeStatus(ROT_OLD.id(), FerryKey.Status.RETIRING, "rotated to " + ROT_NEW.id(), "operator:test");

        Path otherDir = tempDir("hub-signed-b");
        Map<String, String> props = new java.util.HashMap<>(HubTest.hubProperties(otherDir, FreePort.next()));
        props.put("spring.datasource.url", DATABASE);
        props.put("hub.ferry.signatures", "required");
        props.put("hub.ferry.target", TARGET);
        props.put("hub.ferry.keys-import-file", KEYS_FILE.toString()); // the same file: nothing to add or change
        Path otherInbox = otherDir.resolve("ferry/inbox");
        Path otherOutbox = otherDir.resolve("ferry/outbox");
        try (var other = energyhub.e2e.support.HubProcess.start(props,
                energyhub.e2e.support.HubProcess.logFile("signed-hub-b").toPath())) {
            // in flight during the rotation: signed by the retiring key, inside its grace; and the new key
            FerryPackage inFlight = pkg();
            FerryPackage rotated = pkg();
            dropInto(otherInbox, inFlight, signed(inFlight, ROT_OLD));
            dropInto(otherInbox, rotated, signed(rotated, ROT_NEW));
            assertThat(awaitAckIn(otherOutbox, inFlight).get("status").asText()).isEqualTo("ACCEPTED");
            assertThat(awaitAckIn(otherOutbox, rotated).get("status").asText()).isEqualTo("ACCEPTED");

            // revoked here; packages signed by it keep arriving at the other hub, one a second
            registry.changeStatus(ROT_OLD.id(), FerryKey.Status.REVOKED, "leaked", "operator:test");
            Instant revoked = Instant.now();
            List<FerryPackage> sent = new ArrayList<>();
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                FerryPackage p = pkg();
                dropInto(otherInbox, p, signed(p, ROT_OLD));
                sent.add(p);
                return sent.stream().anyMatch(q -> refused(otherOutbox, q));
            });
            assertThat(Duration.between(revoked, Instant.now())).isLessThan(Duration.ofSeconds(11));
            // once refused there, refused for good: every later one is KEY_REVOKED too
            for (FerryPackage p : sent.subList(sent.indexOf(sent.stream().filter(q -> refused(otherOutbox, q))
                    .findFirst().orElseThrow()), sent.size())) {
                JsonNode ack = awaitAckIn(otherOutbox, p);
                assertThat(ack.get("status").asText()).isEqualTo("REJECTED");
                assertThat(ack.get("errors").get(0).get("code").asText()).isEqualTo("KEY_REVOKED");
            }
            // and the new key goes on being accepted there
            FerryPackage after = pkg();
            dropInto(otherInbox, after, signed(after, ROT_NEW));
            assertThat(awaitAckIn(otherOutbox, after).get("status").asText()).isEqualTo("ACCEPTED");
        }
        // the second hub imported the same file: the keys were added once, by the first hub's import
        assertThat(jdbc.queryForList("select key_id, changed_by from ferry_key where changed_by like 'import:%' "
                + "order by key_id")).containsExactlyInAnyOrder(Map.of("key_id", CITY.id(), "changed_by", "import:" + KEYS_FILE),
                Map.of("key_id", EXCHANGE.id(), "changed_by", "import:" + KEYS_FILE));
        await().atMost(Duration.ofSeconds(15)).until(() -> jdbc.queryForList("select action || ' ' || subject from "
                + "audit_event where action like 'FERRY_KEY_%' and subject in (?, ?) order by seq", String.class,
                EXCHANGE.id(), CITY.id()), rows -> rows.equals(List.of("FERRY_KEY_ADDED " + EXCHANGE.id(),
                "FERRY_KEY_ADDED " + CITY.id())));
    }

    static boolean refused(Path outbox, FerryPackage p) {
        try {
            Path ack = outbox.resolve(p.dataFileName() + ".ack.json");
            return Files.exists(ack) && JSON.readTree(Files.readString(ack)).path("errors").path(0).path("code").asText()
                    .equals("KEY_REVOKED");
        } catch (java.io.IOException e) {
            return false; // being renamed into place: looked at again
        }
    }

    static void dropInto(Path inbox, FerryPackage pkg, byte[] manifest) throws Exception {
        pkg.dropDataOnly(inbox);
        Path tmp = Files.createTempFile("manifest", ".tmp");
        Files.write(tmp, manifest);
        Files.setLastModifiedTime(tmp, FileTime.from(Instant.now().minusSeconds(5)));
        Files.move(tmp, inbox.resolve(pkg.dataFileName() + ".manifest"));
    }
}

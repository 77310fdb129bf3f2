package energyhub.ferry.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energyhub.ferry.FerryManifest;
import energyhub.ferry.FerryProperties;
import energyhub.signing.Dsse;
import energyhub.signing.KeyAlgorithm;
import energyhub.signing.P256;
import energyhub.signing.Sm2;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

/** The policy (off, warn, required) and the payload rules, without a database: the registry's rows are given. */
class ManifestVerifierTest {

    static final Instant NOW = Instant.parse("2026-12-01T02:00:00Z");
    static final ECPrivateKeyParameters KEY = (ECPrivateKeyParameters) Sm2.generate(new SecureRandom()).getPrivate();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final FerryProperties properties = new FerryProperties();

    ManifestVerifier verifier(FerryProperties.Signatures policy, FerryKey... keys) {
        properties.setSignatures(policy);
        properties.setTarget("53");
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        KeyRegistry registry = new KeyRegistry(null, properties, clock) {
            @Override
            public List<FerryKey> list() {
                return List.of(keys);
            }
        };
        return new ManifestVerifier(registry, properties, clock,
                new StaticListableBeanFactory(Map.of("meters", meters)).getBeanProvider(MeterRegistry.class));
    }

    static FerryKey exchange(String id) {
        return new FerryKey(id, FerryKey.OwnerKind.EXCHANGE, "exchange-a", Set.of(), Sm2.ALGORITHM,
                Sm2.publicPem(Sm2.publicOf(KEY)), NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(300)),
                FerryKey.Status.ACTIVE, NOW.minus(Duration.ofDays(1)), null, "test", NOW);
    }

    static final byte[] V1 = "{\"batchId\":\"b\",\"sender\":\"A\",\"recordCount\":1,\"byteSize\":1,\"sha256\":\"00\"}"
            .getBytes(StandardCharsets.UTF_8);

    @Test
    void warnLetsAnUnsignedManifestThroughAndCountsIt() throws Exception {
        assertThat(verifier(FerryProperties.Signatures.WARN).envelope("x.jsonl.manifest", V1)).isNull();
        assertThat(meters.counter("hub.ferry.signature.unsigned").count()).isEqualTo(1.0);
    }

    @Test
    void requiredRefusesItAndCountsTheCode() {
        assertThatThrownBy(() -> verifier(FerryProperties.Signatures.REQUIRED).envelope("x.jsonl.manifest", V1))
                .hasFieldOrPropertyWithValue("code", "MANIFEST_NOT_SIGNED");
        assertThat(meters.counter("hub.ferry.signature.refusals", "code", "MANIFEST_NOT_SIGNED").count()).isEqualTo(1.0);
    }

    @Test
    void warnStillChecksWhatIsSigned() {
        byte[] payload = "{\"batchId\":\"b\"}".getBytes(StandardCharsets.UTF_8);
        byte[] envelope = Dsse.write(new Dsse.Envelope(Dsse.MANIFEST_TYPE, payload,
                List.of(new Dsse.Signature("k1", Sm2.sign(KEY, "other".getBytes(StandardCharsets.UTF_8))))));
        assertThatThrownBy(() -> verifier(FerryProperties.Signatures.WARN, exchange("k1")).envelope("x", envelope))
                .hasFieldOrPropertyWithValue("code", "SIGNATURE_INVALID").hasMessageContaining("k1");
    }

    @Test
    void bytesThatAreNotJsonAreLeftToTheManifestReader() throws Exception {
        assertThat(verifier(FerryProperties.Signatures.REQUIRED).envelope("x", "{\"payloadTy".getBytes(StandardCharsets.UTF_8)))
                .isNull(); // perhaps still being written: BAD_MANIFEST after manifest-min-age
    }

    @Test
    void theSignedPayloadsLifetimeAndTargetAreChecked() throws Exception {
        ManifestVerifier v = verifier(FerryProperties.Signatures.REQUIRED, exchange("k1"));
        byte[] payload = "{}".getBytes(StandardCharsets.UTF_8);
        var ok = v.envelope("x", Dsse.write(Dsse.sign(Dsse.MANIFEST_TYPE, payload, "k1", KEY)));
        String sm3 = "ab".repeat(32);
        assertThat(v.payload(manifest("2026-12-01T09:00:00+08:00", "2026-12-02T09:00:00+08:00", "53", sm3), ok)).isNull();
        assertThatThrownBy(() -> v.payload(manifest("2026-12-01T09:00:00+08:00", "2026-12-09T09:00:01+08:00", "53", sm3), ok))
                .hasFieldOrPropertyWithValue("code", "PACKAGE_EXPIRED"); // 7 days and a second
        assertThatThrownBy(() -> v.payload(manifest("2026-11-28T09:00:00+08:00", "2026-12-01T09:59:59+08:00", "53", sm3), ok))
                .hasFieldOrPropertyWithValue("code", "PACKAGE_EXPIRED");
        assertThatThrownBy(() -> v.payload(manifest("2026-12-01T10:06:00+08:00", "2026-12-02T09:00:00+08:00", "53", sm3), ok))
                .hasFieldOrPropertyWithValue("code", "PACKAGE_EXPIRED"); // created more than 5 minutes ahead
        assertThatThrownBy(() -> v.payload(manifest("2026-12-01T09:00:00+08:00", "2026-12-02T09:00:00+08:00", "44", sm3), ok))
                .hasFieldOrPropertyWithValue("code", "TARGET_MISMATCH");
        assertThatThrownBy(() -> v.payload(manifest("2026-12-01T09:00:00+08:00", "2026-12-02T09:00:00+08:00", "53", null), ok))
                .hasFieldOrPropertyWithValue("code", "BAD_MANIFEST");
        // the one check that passed is timed (wall and CPU, what bench/signature-cost.sh reads); refusals are counted
        assertThat(meters.timer("hub.ferry.signature.check").count()).isEqualTo(1);
        assertThat(meters.timer("hub.ferry.signature.check.cpu").count()).isEqualTo(1);
        assertThat(meters.timer("hub.ferry.signature.check.cpu").totalTime(java.util.concurrent.TimeUnit.NANOSECONDS))
                .isLessThanOrEqualTo(meters.timer("hub.ferry.signature.check").totalTime(
                        java.util.concurrent.TimeUnit.NANOSECONDS) + 1_000_000); // a thread's CPU within its wall time
    }

    static final ECPrivateKeyParameters P256_KEY =
            (ECPrivateKeyParameters) P256.generate(new SecureRandom()).getPrivate();

    /** An exchange server's key as the registry holds it: this algorithm name and this public key. */
    static FerryKey key(String id, String algorithm, String pem) {
        return new FerryKey(id, FerryKey.OwnerKind.EXCHANGE, "exchange-a", Set.of(), algorithm, pem,
                NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(300)), FerryKey.Status.ACTIVE,
                NOW.minus(Duration.ofDays(1)), null, "test", NOW);
    }

    static final byte[] PAYLOAD = "{\"batchId\":\"b\"}".getBytes(StandardCharsets.UTF_8);

    static byte[] envelope(String keyid, byte[] sig) {
        return Dsse.write(new Dsse.Envelope(Dsse.MANIFEST_TYPE, PAYLOAD, List.of(new Dsse.Signature(keyid, sig))));
    }

    static byte[] pae() {
        return Dsse.pae(Dsse.MANIFEST_TYPE, PAYLOAD);
    }

    String refusal(ManifestVerifier v, byte[] envelope) {
        try {
            v.envelope("x.jsonl.manifest", envelope);
            return "verified";
        } catch (energyhub.ferry.PackageProblem p) {
            return p.code();
        }
    }

    /** The algorithm is the registry's per key: P-256 for a key registered so, SM2 otherwise; never crossed. */
    @Test
    void eachKeyIsVerifiedWithItsRegisteredAlgorithmOnly() throws Exception {
        String p256Pem = Sm2.publicPem(P256.publicOf(P256_KEY));
        ManifestVerifier v = verifier(FerryProperties.Signatures.REQUIRED,
                exchange("sm2-key"),
                key("p256-key", P256.ALGORITHM, p256Pem),
                key("p256-but-sm2-pem", P256.ALGORITHM, Sm2.publicPem(Sm2.publicOf(KEY))),
                key("sm2-but-p256-pem", Sm2.ALGORITHM, p256Pem),
                key("other-alg", "SHA256withRSA", p256Pem));

        // a P-256 key registered as SHA256withECDSA verifies its package
        var ok = v.envelope("x", Dsse.write(Dsse.sign(Dsse.MANIFEST_TYPE, PAYLOAD, "p256-key", KeyAlgorithm.P256, P256_KEY)));
        assertThat(ok.keyIds()).containsExactly("p256-key");
        assertThat(ok.signers().get(0).algorithm()).isEqualTo(KeyAlgorithm.P256);
        assertThat(refusal(v, envelope("sm2-key", Sm2.sign(KEY, pae())))).isEqualTo("verified");
        // a P-256 signature under the SM2 key's id, an SM2 signature under the P-256 key's id: refused
        assertThat(refusal(v, envelope("sm2-key", P256.sign(P256_KEY, pae())))).isEqualTo("SIGNATURE_INVALID");
        assertThat(refusal(v, envelope("p256-key", Sm2.sign(KEY, pae())))).isEqualTo("SIGNATURE_INVALID");
        // strict DER for P-256 too: a trailing byte, raw r||s
        byte[] good = P256.sign(P256_KEY, pae());
        assertThat(refusal(v, envelope("p256-key", java.util.Arrays.copyOf(good, good.length + 1))))
                .isEqualTo("SIGNATURE_MALFORMED");
        java.math.BigInteger[] rs = Sm2.parseDer(good, P256.CURVE.getN());
        byte[] raw = new byte[64];
        byte[] r = rs[0].toByteArray();
        byte[] s = rs[1].toByteArray();
        System.arraycopy(r, Math.max(0, r.length - 32), raw, 32 - Math.min(32, r.length), Math.min(32, r.length));
        System.arraycopy(s, Math.max(0, s.length - 32), raw, 64 - Math.min(32, s.length), Math.min(32, s.length));
        assertThat(refusal(v, envelope("p256-key", raw))).isEqualTo("SIGNATURE_MALFORMED");
        // rows whose key is not of their algorithm's curve (edited in SQL), or an algorithm the hub does not know:
        // they verify nothing, whichever signature comes
        assertThat(refusal(v, envelope("p256-but-sm2-pem", Sm2.sign(KEY, pae())))).isEqualTo("KEY_UNKNOWN");
        assertThat(refusal(v, envelope("sm2-but-p256-pem", P256.sign(P256_KEY, pae())))).isEqualTo("KEY_UNKNOWN");
        assertThat(refusal(v, envelope("other-alg", P256.sign(P256_KEY, pae())))).isEqualTo("KEY_UNKNOWN");
        assertThat(meters.counter("hub.ferry.signature.refusals", "code", "KEY_UNKNOWN").count()).isEqualTo(3.0);
    }

    static FerryManifest manifest(String created, String notAfter, String target, String sm3) {
        return new FerryManifest("b", "A", "DATA", created, 1L, 1L, null, sm3, "1.0", notAfter, target);
    }
}

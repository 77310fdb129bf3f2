package energyhub.ferry.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energyhub.ferry.FerryManifest;
import energyhub.ferry.FerryProperties;
import energyhub.signing.Dsse;
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
    }

    static FerryManifest manifest(String created, String notAfter, String target, String sm3) {
        return new FerryManifest("b", "A", "DATA", created, 1L, 1L, null, sm3, "1.0", notAfter, target);
    }
}

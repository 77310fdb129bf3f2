package energyhub.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.junit.jupiter.api.Test;

/**
 * ECDSA P-256 with SHA-256, the second algorithm a key may be registered with: the published RFC 6979 vector,
 * the same strict DER as SM2, and no crossing between the two algorithms (a signature or key of one is never
 * taken under the other).
 */
class P256Test {

    /** RFC 6979 A.2.5: P-256, the private key x. */
    static final ECPrivateKeyParameters RFC6979_KEY = new ECPrivateKeyParameters(
            new BigInteger("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721", 16), P256.CURVE);
    static final byte[] SAMPLE = "sample".getBytes(StandardCharsets.US_ASCII);

    static String verified(KeyAlgorithm alg, ECPublicKeyParameters key, byte[] message, byte[] sig) {
        try {
            alg.verify(key, message, sig);
            return "verified";
        } catch (SignatureProblem p) {
            return p.code();
        }
    }

    @Test
    void rfc6979SampleVectorWithSha256() throws Exception {
        ECPublicKeyParameters q = P256.publicOf(RFC6979_KEY);
        assertThat(q.getQ().getAffineXCoord().toBigInteger())
                .isEqualTo(new BigInteger("60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6", 16));

        byte[] der = P256.sign(RFC6979_KEY, SAMPLE); // deterministic k (RFC 6979): the vector's signature exactly

        BigInteger[] rs = Sm2.parseDer(der, P256.CURVE.getN());
        assertThat(rs[0]).isEqualTo(new BigInteger("EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716", 16));
        assertThat(rs[1]).isEqualTo(new BigInteger("F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8", 16));
        P256.verify(q, SAMPLE, der);
        assertThat(verified(KeyAlgorithm.P256, q, Arrays.copyOf(SAMPLE, SAMPLE.length + 1), der))
                .isEqualTo("SIGNATURE_INVALID");
    }

    @Test
    void theSameStrictDerAsSm2() throws Exception {
        ECPublicKeyParameters q = P256.publicOf(RFC6979_KEY);
        byte[] good = P256.sign(RFC6979_KEY, SAMPLE);
        BigInteger[] rs = Sm2.parseDer(good, P256.CURVE.getN());
        BigInteger n = P256.CURVE.getN();
        assertThat(verified(KeyAlgorithm.P256, q, SAMPLE, good)).isEqualTo("verified");
        byte[] r = Sm2Test.fixed32(rs[0]); // r's high bit is set: without its 00 pad it is a negative INTEGER
        assertThat(verified(KeyAlgorithm.P256, q, SAMPLE, Sm2Test.concat(new byte[] {0x30, (byte) (4 + 32 + rs[1].toByteArray().length), 2, 32},
                r, new byte[] {2, (byte) rs[1].toByteArray().length}, rs[1].toByteArray()))).isEqualTo("SIGNATURE_MALFORMED");
        assertThat(verified(KeyAlgorithm.P256, q, SAMPLE, Sm2Test.concat(good, new byte[] {0}))).isEqualTo("SIGNATURE_MALFORMED");
        assertThat(verified(KeyAlgorithm.P256, q, SAMPLE, Sm2Test.der(BigInteger.ZERO, rs[1]))).isEqualTo("SIGNATURE_MALFORMED");
        assertThat(verified(KeyAlgorithm.P256, q, SAMPLE, Sm2Test.der(rs[0], rs[1].add(n)))).isEqualTo("SIGNATURE_MALFORMED");
        assertThat(verified(KeyAlgorithm.P256, q, SAMPLE, Sm2Test.der(n, rs[1]))).isEqualTo("SIGNATURE_MALFORMED");
        byte[] raw = Sm2Test.concat(Sm2Test.fixed32(rs[0]), Sm2Test.fixed32(rs[1]));
        assertThat(verified(KeyAlgorithm.P256, q, SAMPLE, raw)).isEqualTo("SIGNATURE_MALFORMED");
        assertThat(verified(KeyAlgorithm.P256, q, SAMPLE, Arrays.copyOf(raw, 63))).isEqualTo("SIGNATURE_MALFORMED");
        // well-formed, but not the signature: INVALID
        assertThat(verified(KeyAlgorithm.P256, q, SAMPLE, Sm2Test.der(rs[0], rs[1].subtract(BigInteger.ONE))))
                .isEqualTo("SIGNATURE_INVALID");
    }

    @Test
    void neitherAlgorithmTakesTheOthersSignaturesOrKeys() throws Exception {
        var sm2 = Sm2.generate(new SecureRandom());
        ECPrivateKeyParameters sm2Key = (ECPrivateKeyParameters) sm2.getPrivate();
        ECPublicKeyParameters sm2Pub = (ECPublicKeyParameters) sm2.getPublic();
        ECPublicKeyParameters p256Pub = P256.publicOf(RFC6979_KEY);
        byte[] p256Sig = KeyAlgorithm.P256.sign(RFC6979_KEY, SAMPLE);
        byte[] sm2Sig = KeyAlgorithm.SM2.sign(sm2Key, SAMPLE);

        // an SM2 signature checked as the P-256 key's (its key id registered as P-256): refused
        assertThat(verified(KeyAlgorithm.P256, p256Pub, SAMPLE, sm2Sig)).isEqualTo("SIGNATURE_INVALID");
        // a P-256 signature checked as an SM2 key's: refused
        assertThat(verified(KeyAlgorithm.SM2, sm2Pub, SAMPLE, p256Sig)).isEqualTo("SIGNATURE_INVALID");
        // a key of one curve is never read, nor used, as a key of the other algorithm
        String p256Pem = Sm2.publicPem(p256Pub);
        String sm2Pem = Sm2.publicPem(sm2Pub);
        assertThat(KeyAlgorithm.P256.readPublic(p256Pem).getQ()).isEqualTo(p256Pub.getQ());
        assertThatThrownBy(() -> KeyAlgorithm.SM2.readPublic(p256Pem)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an SM2 public key");
        assertThatThrownBy(() -> KeyAlgorithm.P256.readPublic(sm2Pem)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a P-256 public key");
        assertThatThrownBy(() -> KeyAlgorithm.P256.readPrivate(Sm2.privatePem(sm2Key)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(KeyAlgorithm.P256.readPrivate(Sm2.privatePem(RFC6979_KEY)).getD()).isEqualTo(RFC6979_KEY.getD());
        assertThatThrownBy(() -> KeyAlgorithm.SM2.sign(RFC6979_KEY, SAMPLE)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeyAlgorithm.P256.sign(sm2Key, SAMPLE)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeyAlgorithm.P256.verify(sm2Pub, SAMPLE, sm2Sig)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void namesAreTheRegistrysOrTheShortOnesAndNothingElse() {
        assertThat(KeyAlgorithm.parse(null)).isEqualTo(KeyAlgorithm.SM2);
        assertThat(KeyAlgorithm.parse("SM3withSM2")).isEqualTo(KeyAlgorithm.SM2);
        assertThat(KeyAlgorithm.parse("SM2")).isEqualTo(KeyAlgorithm.SM2);
        assertThat(KeyAlgorithm.parse("SHA256withECDSA")).isEqualTo(KeyAlgorithm.P256);
        assertThat(KeyAlgorithm.parse("P256")).isEqualTo(KeyAlgorithm.P256);
        for (String other : new String[] {"ES256", "sha256withecdsa", "SHA256withRSA", "Ed25519", ""}) {
            assertThatThrownBy(() -> KeyAlgorithm.parse(other)).as(other).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(KeyAlgorithm.ofRegistryName("SHA256withECDSA")).contains(KeyAlgorithm.P256);
        assertThat(KeyAlgorithm.ofRegistryName("P256")).isEmpty(); // the registry holds the full name only
    }
}

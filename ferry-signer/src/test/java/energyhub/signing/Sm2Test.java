package energyhub.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECPoint;
import org.junit.jupiter.api.Test;

/** SM3withSM2 against the published vectors, and the strict DER parse. */
class Sm2Test {

    static final HexFormat HEX = HexFormat.of().withUpperCase();
    static final byte[] MESSAGE = "message digest".getBytes(StandardCharsets.US_ASCII);

    /** A "random" source that gives the vector's k (SM2Signer's RandomDSAKCalculator draws exactly 32 bytes). */
    static final class FixedK extends SecureRandom {
        private final byte[] k;

        FixedK(String hex) {
            this.k = HEX.parseHex(hex);
        }

        @Override
        public void nextBytes(byte[] bytes) {
            System.arraycopy(k, 0, bytes, 0, bytes.length);
        }
    }

    static BigInteger big(String hex) {
        return new BigInteger(hex, 16);
    }

    @Test
    void gbt32918AnnexAExample() throws Exception {
        // the example curve of GB/T 32918.2 Annex A (not sm2p256v1)
        BigInteger p = big("8542D69E4C044F18E8B92435BF6FF7DE457283915C45517D722EDB8B08F1DFC3");
        BigInteger a = big("787968B4FA32C3FD2417842E73BBFEFF2F3C848B6831D7E0EC65228B3937E498");
        BigInteger b = big("63E4C6D3B23B0C849CF84241484BFE48F61D59A5B16BA06E6E12D1DA27C5249A");
        BigInteger n = big("8542D69E4C044F18E8B92435BF6FF7DD297720630485628D5AE74EE7C32E79B7");
        ECCurve curve = new ECCurve.Fp(p, a, b, n, BigInteger.ONE);
        ECPoint g = curve.createPoint(big("421DEBD61B62EAB6746434EBC3CC315E32220B3BADD50BDC4C4E6C147FEDD43D"),
                big("0680512BCBB42C07D47349D2153B70C4E5D7FDFCBFA36EA1A85841B9E46E09A2"));
        ECDomainParameters domain = new ECDomainParameters(curve, g, n);
        ECPrivateKeyParameters d = new ECPrivateKeyParameters(
                big("128B2FA8BD433C6C068C8D803DFF79792A519A55171B1B650C23661D15897263"), domain);
        ECPublicKeyParameters q = new ECPublicKeyParameters(g.multiply(d.getD()).normalize(), domain);
        byte[] id = "ALICE123@YAHOO.COM".getBytes(StandardCharsets.US_ASCII);

        byte[] der = Sm2.sign(d, id, MESSAGE, new FixedK("6CB28D99385C175C94F94E934817663FC176D925DD72B727260DBAAE1FB2F96F"));

        BigInteger[] rs = Sm2.parseDer(der, n);
        assertThat(rs[0]).isEqualTo(big("40F1EC59F793D9F49E09DCEF49130D4194F79FB1EED2CAA55BACDB49C4E755D1"));
        assertThat(rs[1]).isEqualTo(big("6FC6DAC32C5D5CF10C77DFB20F7C2EB667A457872FB09EC56327A67EC7DEEBE7"));
        Sm2.verify(q, id, MESSAGE, der);
    }

    static final ECPrivateKeyParameters VECTOR_KEY = new ECPrivateKeyParameters(
            big("110E7973206F68C19EE5F7328C036F26911C8C73B4E4F36AE3291097F8984FFC"), Sm2.CURVE);
    static final String VECTOR_K = "3174C6FFC3C279D2422F3FC0A9F3E574674A4490FE45A5325CAF7D3EC4C8F96C";

    @Test
    void sm2p256v1WithTheContractsUserId() throws Exception {
        ECPublicKeyParameters q = Sm2.publicOf(VECTOR_KEY);
        assertThat(HEX.formatHex(q.getQ().getEncoded(false))).isEqualTo("04D03D30DD01CA3422AEACCF9B88043B554659D3092B0A9E"
                + "8CCE3E8C4530A98CB79D705E6213EEE145B748E36E274E5F101DC10D7BBC9DAB9A04022E73B76E02CD");

        byte[] der = Sm2.sign(VECTOR_KEY, Sm2.USER_ID, MESSAGE, new FixedK(VECTOR_K));

        assertThat(HEX.formatHex(der)).isEqualTo("30450220" + "0509E887875B675460A21E9E63A0553BED8761C2C5FA0130810FB69CE83E6C16"
                + "022100" + "DEFA38CDAF4FC2924AA59A379120CAFB7F357E299E67A6173702263395B4E69A");
        Sm2.verify(q, MESSAGE, der); // the contract's ID, passed explicitly
        assertThatThrownBy(() -> Sm2.verify(q, new byte[0], MESSAGE, der))
                .isInstanceOf(SignatureProblem.class).hasFieldOrPropertyWithValue("code", "SIGNATURE_INVALID");
        byte[] longer = Arrays.copyOf(MESSAGE, MESSAGE.length + 1);
        assertThatThrownBy(() -> Sm2.verify(q, longer, der))
                .isInstanceOf(SignatureProblem.class).hasFieldOrPropertyWithValue("code", "SIGNATURE_INVALID");
        assertThatThrownBy(() -> Sm2.verify(q, "ALICE123@YAHOO.COM".getBytes(StandardCharsets.US_ASCII), MESSAGE, der))
                .isInstanceOf(SignatureProblem.class).hasFieldOrPropertyWithValue("code", "SIGNATURE_INVALID");
    }

    static byte[] vectorDer() {
        return Sm2.sign(VECTOR_KEY, Sm2.USER_ID, MESSAGE, new FixedK(VECTOR_K));
    }

    static String malformed(byte[] sig) {
        try {
            Sm2.verify(Sm2.publicOf(VECTOR_KEY), MESSAGE, sig);
            return "verified";
        } catch (SignatureProblem p) {
            return p.code();
        }
    }

    static byte[] der(BigInteger r, BigInteger s) {
        byte[] rb = r.toByteArray();
        byte[] sb = s.toByteArray();
        byte[] out = new byte[6 + rb.length + sb.length];
        out[0] = 0x30;
        out[1] = (byte) (4 + rb.length + sb.length);
        out[2] = 2;
        out[3] = (byte) rb.length;
        System.arraycopy(rb, 0, out, 4, rb.length);
        out[4 + rb.length] = 2;
        out[5 + rb.length] = (byte) sb.length;
        System.arraycopy(sb, 0, out, 6 + rb.length, sb.length);
        return out;
    }

    @Test
    void aThreadsPrimedSignerSignsEachMessageAloneAndFollowsAChangeOfKey() throws Exception {
        org.bouncycastle.crypto.AsymmetricCipherKeyPair a = Sm2.generate(new SecureRandom());
        org.bouncycastle.crypto.AsymmetricCipherKeyPair b = Sm2.generate(new SecureRandom());
        ECPrivateKeyParameters aKey = (ECPrivateKeyParameters) a.getPrivate();
        ECPrivateKeyParameters bKey = (ECPrivateKeyParameters) b.getPrivate();
        ECPublicKeyParameters aPub = (ECPublicKeyParameters) a.getPublic();
        ECPublicKeyParameters bPub = (ECPublicKeyParameters) b.getPublic();
        // several messages in a row on one thread: each signature covers its own message only (the digest went
        // back to Z after the one before), then the key changes, then changes back
        for (ECPrivateKeyParameters key : new ECPrivateKeyParameters[] {aKey, aKey, aKey, bKey, bKey, aKey}) {
            for (int i = 0; i < 3; i++) {
                byte[] message = ("ACK " + i + " of " + key.hashCode()).getBytes(StandardCharsets.UTF_8);
                byte[] der = Sm2.sign(key, message);
                ECPublicKeyParameters own = key == aKey ? aPub : bPub;
                ECPublicKeyParameters other = key == aKey ? bPub : aPub;
                Sm2.verify(own, message, der);
                assertThatThrownBy(() -> Sm2.verify(other, message, der)).isInstanceOf(SignatureProblem.class);
                assertThatThrownBy(() -> Sm2.verify(own, concat(message, new byte[] {1}), der))
                        .isInstanceOf(SignatureProblem.class);
            }
        }
        // another thread signs with its own signer, never with this one's state
        byte[] message = "from another thread".getBytes(StandardCharsets.UTF_8);
        byte[][] der = new byte[1][];
        Thread t = new Thread(() -> der[0] = Sm2.sign(bKey, message));
        t.start();
        t.join();
        Sm2.verify(bPub, message, der[0]);
        Sm2.verify(aPub, message, Sm2.sign(aKey, message));
    }

    @Test
    void malformedDerIsToldApartFromAWrongSignature() throws Exception {
        byte[] good = vectorDer();
        BigInteger[] rs = Sm2.parseDer(good, Sm2.CURVE.getN());
        BigInteger n = Sm2.CURVE.getN();
        assertThat(malformed(good)).isEqualTo("verified");
        // s without its 00 pad reads as a negative INTEGER (what non-conforming clients send)
        byte[] negative = good.clone();
        negative[1] = 0x44;
        negative = concat(Arrays.copyOfRange(good, 0, 36), new byte[] {0x02, 0x20}, Arrays.copyOfRange(good, 39, 71));
        negative[1] = 0x44;
        assertThat(malformed(negative)).isEqualTo("SIGNATURE_MALFORMED");
        assertThat(malformed(concat(good, new byte[] {0}))).isEqualTo("SIGNATURE_MALFORMED"); // trailing byte
        assertThat(malformed(der(BigInteger.ZERO, rs[1]))).isEqualTo("SIGNATURE_MALFORMED");
        assertThat(malformed(der(rs[0], BigInteger.ZERO))).isEqualTo("SIGNATURE_MALFORMED");
        assertThat(malformed(der(n, rs[1]))).isEqualTo("SIGNATURE_MALFORMED");
        assertThat(malformed(der(rs[0], rs[1].add(n)))).isEqualTo("SIGNATURE_MALFORMED");
        byte[] raw = concat(fixed32(rs[0]), fixed32(rs[1]));
        assertThat(malformed(raw)).isEqualTo("SIGNATURE_MALFORMED"); // raw r||s, 64 bytes
        assertThat(malformed(Arrays.copyOf(raw, 63))).isEqualTo("SIGNATURE_MALFORMED");
        assertThat(malformed(new byte[0])).isEqualTo("SIGNATURE_MALFORMED");
        // a well-formed signature of other bytes is INVALID, not MALFORMED
        assertThat(malformed(der(rs[0], rs[1].subtract(BigInteger.ONE)))).isEqualTo("SIGNATURE_INVALID");
    }

    @Test
    void keysGoThroughPemAsOpenSslWritesThem() {
        var pair = Sm2.generate(new SecureRandom());
        ECPrivateKeyParameters priv = (ECPrivateKeyParameters) pair.getPrivate();
        String pub = Sm2.publicPem((ECPublicKeyParameters) pair.getPublic());
        assertThat(pub).startsWith("-----BEGIN PUBLIC KEY-----");
        assertThat(Sm2.readPublic(pub).getQ()).isEqualTo(((ECPublicKeyParameters) pair.getPublic()).getQ());
        assertThat(Sm2.readPrivate(Sm2.privatePem(priv)).getD()).isEqualTo(priv.getD());
        // a P-256 key is never an SM2 key
        String p256 = "-----BEGIN PUBLIC KEY-----\n"
                + "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEVs/o5+uQbTjL3chynL4wXgUg2R9\n"
                + "q9UU8I5mEovUf86QZ7kOBIjJwqnzD1omageEHWwHdBO6B+dFabmdT9POxg==\n"
                + "-----END PUBLIC KEY-----\n";
        assertThatThrownBy(() -> Sm2.readPublic(p256)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an SM2 public key");
    }

    static byte[] fixed32(BigInteger v) {
        byte[] b = v.toByteArray();
        byte[] out = new byte[32];
        int len = Math.min(32, b.length);
        System.arraycopy(b, b.length - len, out, 32 - len, len);
        return out;
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int i = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, i, p.length);
            i += p.length;
        }
        return out;
    }
}

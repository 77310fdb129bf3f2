package energyhub.signing;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.bouncycastle.asn1.gm.GMNamedCurves;
import org.bouncycastle.asn1.gm.GMObjectIdentifiers;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithID;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.SM2Signer;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * SM3withSM2 (GB/T 32918.2, GM/T 0003) on the recommended curve sm2p256v1, the default algorithm of a
 * ferry key ({@link KeyAlgorithm#SM2}; ECDSA P-256 is {@link P256}, only for a key registered so): the
 * user ID is always {@link #USER_ID}, passed explicitly on both sides (never a library default), and
 * signatures are DER {@code SEQUENCE{INTEGER r, INTEGER s}}, strictly parsed before any arithmetic
 * ({@link #parseDer}, for both algorithms) so that a malformed signature is told apart from a wrong one.
 */
public final class Sm2 {

    /** The SM2 user ID (distinguishing identifier) of the contract: GM/T 0009's default, written out. */
    public static final byte[] USER_ID = "1234567812345678".getBytes(StandardCharsets.US_ASCII);
    /** The registry's name for this algorithm; the only one the verifier uses for a key registered with it. */
    public static final String ALGORITHM = "SM3withSM2";

    private static final X9ECParameters X9 = GMNamedCurves.getByName("sm2p256v1");
    public static final ECDomainParameters CURVE =
            new ECNamedDomainParameters(GMObjectIdentifiers.sm2p256v1, X9);

    private Sm2() {
    }

    public static AsymmetricCipherKeyPair generate(SecureRandom random) {
        ECKeyPairGenerator g = new ECKeyPairGenerator();
        g.init(new ECKeyGenerationParameters(CURVE, random));
        return g.generateKeyPair();
    }

    /**
     * Signs with the contract's user ID; the DER signature. Each thread keeps one signer primed for the last key it
     * signed with: BouncyCastle's {@link SM2Signer#init} computes the public point d·G and the digest prefix Z, as
     * costly as the signature itself, and a signer put back to Z after each signature can sign the next message
     * with the same key (the hub signs every ACK with one key; measured: 2.2 ms against 5.2 ms a signature, on a
     * loaded machine).
     */
    public static byte[] sign(ECPrivateKeyParameters key, byte[] message) {
        PrimedSigner primed = PRIMED.get();
        if (primed == null || primed.key() != key) {
            SM2Signer signer = new SM2Signer(StandardDSAEncoding.INSTANCE);
            signer.init(true, new ParametersWithID(new ParametersWithRandom(key, new SecureRandom()), USER_ID));
            primed = new PrimedSigner(key, signer);
            PRIMED.set(primed);
        }
        primed.signer().update(message, 0, message.length);
        try {
            return primed.signer().generateSignature();
        } catch (CryptoException e) {
            PRIMED.remove(); // its digest may hold part of this message: the next signature primes a new one
            throw new IllegalStateException("SM2 signing failed", e);
        } catch (RuntimeException e) {
            PRIMED.remove();
            throw e;
        }
    }

    /** A signer initialised for {@code key} whose digest holds only Z (SM2Signer resets to it after each signature). */
    private record PrimedSigner(ECPrivateKeyParameters key, SM2Signer signer) {
    }

    private static final ThreadLocal<PrimedSigner> PRIMED = new ThreadLocal<>();

    /** Signs with a given user ID and source of k (tests feed the published vectors' fixed k). */
    public static byte[] sign(ECPrivateKeyParameters key, byte[] userId, byte[] message, SecureRandom random) {
        SM2Signer signer = new SM2Signer(StandardDSAEncoding.INSTANCE);
        signer.init(true, new ParametersWithID(new ParametersWithRandom(key, random), userId));
        signer.update(message, 0, message.length);
        try {
            return signer.generateSignature();
        } catch (CryptoException e) {
            throw new IllegalStateException("SM2 signing failed", e);
        }
    }

    /**
     * Verifies with the contract's user ID: returns normally when the signature is good, else throws
     * {@code SIGNATURE_MALFORMED} (not strict DER, r or s out of range) or {@code SIGNATURE_INVALID}.
     */
    public static void verify(ECPublicKeyParameters key, byte[] message, byte[] der) throws SignatureProblem {
        verify(key, USER_ID, message, der);
    }

    public static void verify(ECPublicKeyParameters key, byte[] userId, byte[] message, byte[] der)
            throws SignatureProblem {
        parseDer(der, key.getParameters().getN()); // the precise reason: BC's verify only says false
        SM2Signer signer = new SM2Signer(StandardDSAEncoding.INSTANCE);
        signer.init(false, new ParametersWithID(key, userId));
        signer.update(message, 0, message.length);
        if (!signer.verifySignature(der)) {
            throw new SignatureProblem("SIGNATURE_INVALID", "the signature does not verify with this key");
        }
    }

    /**
     * Strict DER of {@code SEQUENCE{INTEGER r, INTEGER s}}: short or one-byte long lengths only, minimal
     * integer encodings, no negative integer, no trailing bytes, 1 ≤ r, s &lt; n. Raw {@code r‖s} (64 bytes,
     * or 63 when a library forgot the padding) fails here as SIGNATURE_MALFORMED.
     */
    public static BigInteger[] parseDer(byte[] der, BigInteger n) throws SignatureProblem {
        if (der == null || der.length < 8 || der.length > 80) {
            throw malformed("a DER SM2 signature is 8 to 80 bytes, this is " + (der == null ? 0 : der.length));
        }
        if ((der[0] & 0xff) != 0x30) {
            throw malformed("not a DER SEQUENCE (raw r||s where DER is expected?)");
        }
        int[] pos = {1};
        int seqLen = length(der, pos);
        if (pos[0] + seqLen != der.length) {
            throw malformed("the SEQUENCE's length does not match the signature's (trailing or missing bytes)");
        }
        BigInteger r = integer(der, pos, "r");
        BigInteger s = integer(der, pos, "s");
        if (pos[0] != der.length) {
            throw malformed("bytes after s inside the SEQUENCE");
        }
        for (BigInteger v : new BigInteger[] {r, s}) {
            if (v.signum() <= 0 || v.compareTo(n) >= 0) {
                throw malformed((v == r ? "r" : "s") + " is not in [1, n-1]");
            }
        }
        return new BigInteger[] {r, s};
    }

    private static int length(byte[] d, int[] pos) throws SignatureProblem {
        if (pos[0] >= d.length) {
            throw malformed("cut off");
        }
        int b = d[pos[0]++] & 0xff;
        if (b < 0x80) {
            return b;
        }
        if (b != 0x81 || pos[0] >= d.length) {
            throw malformed("not a DER length");
        }
        int l = d[pos[0]++] & 0xff;
        if (l < 0x80) {
            throw malformed("a long-form length where the short form is required");
        }
        return l;
    }

    private static BigInteger integer(byte[] d, int[] pos, String name) throws SignatureProblem {
        if (pos[0] >= d.length || d[pos[0]++] != 0x02) {
            throw malformed(name + " is not an INTEGER");
        }
        int len = length(d, pos);
        if (len < 1 || len > 33 || pos[0] + len > d.length) {
            throw malformed(name + " has a bad length");
        }
        byte first = d[pos[0]];
        if (first < 0) {
            throw malformed(name + " is a negative INTEGER");
        }
        if (len > 1 && first == 0 && d[pos[0] + 1] >= 0) {
            throw malformed(name + " is not minimally encoded");
        }
        byte[] v = java.util.Arrays.copyOfRange(d, pos[0], pos[0] + len);
        pos[0] += len;
        return new BigInteger(1, v);
    }

    private static SignatureProblem malformed(String why) {
        return new SignatureProblem("SIGNATURE_MALFORMED", why);
    }

    // ---- keys as PEM: SubjectPublicKeyInfo ("PUBLIC KEY") and PKCS#8 ("PRIVATE KEY"), as OpenSSL writes them ----

    public static String publicPem(ECPublicKeyParameters key) {
        try {
            return pem("PUBLIC KEY", SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(key).getEncoded());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String privatePem(ECPrivateKeyParameters key) {
        try {
            return pem("PRIVATE KEY", PrivateKeyInfoFactory.createPrivateKeyInfo(key).getEncoded());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * An SPKI PEM as an SM2 public key; refused (IllegalArgumentException) unless it is an EC key on
     * sm2p256v1 — a P-256 key can never be registered or used as an SM2 key.
     */
    public static ECPublicKeyParameters readPublic(String pem) {
        return readPublic(pem, CURVE, "an SM2 public key (EC on sm2p256v1)");
    }

    public static ECPrivateKeyParameters readPrivate(String pem) {
        return readPrivate(pem, CURVE, "an SM2 private key (EC on sm2p256v1)");
    }

    /** An SPKI PEM as an EC public key on this curve (and no other), else IllegalArgumentException "not WHAT". */
    static ECPublicKeyParameters readPublic(String pem, ECDomainParameters curve, String what) {
        AsymmetricKeyParameter k;
        try {
            k = PublicKeyFactory.createKey(unpem(pem, "PUBLIC KEY"));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not an SPKI public key PEM: " + e.getMessage());
        }
        if (!(k instanceof ECPublicKeyParameters ec) || !onCurve(ec.getParameters(), curve)) {
            throw new IllegalArgumentException("not " + what);
        }
        return ec;
    }

    /** A PKCS#8 PEM as an EC private key on this curve (and no other), else IllegalArgumentException "not WHAT". */
    static ECPrivateKeyParameters readPrivate(String pem, ECDomainParameters curve, String what) {
        AsymmetricKeyParameter k;
        try {
            k = PrivateKeyFactory.createKey(unpem(pem, "PRIVATE KEY"));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a PKCS#8 private key PEM: " + e.getMessage());
        }
        if (!(k instanceof ECPrivateKeyParameters ec) || !onCurve(ec.getParameters(), curve)) {
            throw new IllegalArgumentException("not " + what);
        }
        return ec;
    }

    public static ECPublicKeyParameters publicOf(ECPrivateKeyParameters key) {
        return new ECPublicKeyParameters(CURVE.getG().multiply(key.getD()).normalize(), CURVE);
    }

    /** Whether domain parameters are those of this curve (named or written out, as OpenSSL may). */
    static boolean onCurve(ECDomainParameters p, ECDomainParameters curve) {
        return p.getCurve().equals(curve.getCurve()) && p.getG().equals(curve.getG()) && p.getN().equals(curve.getN());
    }

    static String pem(String type, byte[] der) {
        StringWriter out = new StringWriter();
        try (PemWriter w = new PemWriter(out)) {
            w.writeObject(new PemObject(type, der));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    static byte[] unpem(String pem, String type) throws IOException {
        if (pem == null || pem.length() > 16 * 1024) {
            throw new IOException("missing or longer than 16 KiB");
        }
        try (PemReader r = new PemReader(new StringReader(pem))) {
            PemObject o = r.readPemObject();
            if (o == null || !type.equals(o.getType())) {
                throw new IOException("no -----BEGIN " + type + "----- block");
            }
            return o.getContent();
        }
    }
}

package energyhub.signing;

import java.security.SecureRandom;
import org.bouncycastle.asn1.nist.NISTNamedCurves;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.DSADigestSigner;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;

/**
 * ECDSA with SHA-256 on NIST P-256 (secp256r1, OpenSSL's prime256v1): the second algorithm a ferry key may
 * be registered with ({@link KeyAlgorithm#P256}), used for a key only because the registry says so for that
 * key, never because a file names it. Signatures are DER {@code SEQUENCE{INTEGER r, INTEGER s}}, parsed as
 * strictly as SM2's ({@link Sm2#parseDer}) before any arithmetic; they are made deterministically (RFC 6979).
 */
public final class P256 {

    /** The registry's name for this algorithm. */
    public static final String ALGORITHM = "SHA256withECDSA";
    public static final ECDomainParameters CURVE =
            new ECNamedDomainParameters(SECObjectIdentifiers.secp256r1, NISTNamedCurves.getByName("P-256"));

    private P256() {
    }

    public static AsymmetricCipherKeyPair generate(SecureRandom random) {
        ECKeyPairGenerator g = new ECKeyPairGenerator();
        g.init(new ECKeyGenerationParameters(CURVE, random));
        return g.generateKeyPair();
    }

    /** The DER signature of SHA-256(message). */
    public static byte[] sign(ECPrivateKeyParameters key, byte[] message) {
        if (!Sm2.onCurve(key.getParameters(), CURVE)) {
            throw new IllegalArgumentException("not a P-256 private key");
        }
        DSADigestSigner signer = signer();
        signer.init(true, key);
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }

    /**
     * Returns normally when the signature is good, else throws {@code SIGNATURE_MALFORMED} (not strict DER,
     * r or s out of range) or {@code SIGNATURE_INVALID}.
     */
    public static void verify(ECPublicKeyParameters key, byte[] message, byte[] der) throws SignatureProblem {
        if (!Sm2.onCurve(key.getParameters(), CURVE)) {
            throw new IllegalArgumentException("not a P-256 public key");
        }
        Sm2.parseDer(der, CURVE.getN());
        DSADigestSigner verifier = signer();
        verifier.init(false, key);
        verifier.update(message, 0, message.length);
        if (!verifier.verifySignature(der)) {
            throw new SignatureProblem("SIGNATURE_INVALID", "the signature does not verify with this key");
        }
    }

    private static DSADigestSigner signer() {
        return new DSADigestSigner(new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest())), new SHA256Digest(),
                StandardDSAEncoding.INSTANCE);
    }

    /** An SPKI PEM as a P-256 public key; IllegalArgumentException for any other key (an SM2 key above all). */
    public static ECPublicKeyParameters readPublic(String pem) {
        return Sm2.readPublic(pem, CURVE, "a P-256 public key (EC on secp256r1/prime256v1)");
    }

    public static ECPrivateKeyParameters readPrivate(String pem) {
        return Sm2.readPrivate(pem, CURVE, "a P-256 private key (EC on secp256r1/prime256v1)");
    }

    public static ECPublicKeyParameters publicOf(ECPrivateKeyParameters key) {
        return new ECPublicKeyParameters(CURVE.getG().multiply(key.getD()).normalize(), CURVE);
    }
}

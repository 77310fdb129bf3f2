package energyhub.signing;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;

/**
 * The algorithm of a ferry key, as the key registry holds it per key (docs/ferry-contract.md, "Algorithms"):
 * {@link #SM2} (SM3withSM2, the default) or {@link #P256} (SHA256withECDSA on P-256). The verifier takes it
 * from the registry's row of the signature's key id, never from the file; each algorithm reads only keys of
 * its own curve, so a key cannot be used under the other algorithm.
 */
public enum KeyAlgorithm {

    SM2(Sm2.ALGORITHM),
    P256(energyhub.signing.P256.ALGORITHM);

    private final String registryName;

    KeyAlgorithm(String registryName) {
        this.registryName = registryName;
    }

    /** The name the registry and the operator API use: SM3withSM2 or SHA256withECDSA. */
    public String registryName() {
        return registryName;
    }

    /** The algorithm of a registry name (exactly as stored), if it is one. */
    public static Optional<KeyAlgorithm> ofRegistryName(String name) {
        return Arrays.stream(values()).filter(a -> a.registryName.equals(name)).findFirst();
    }

    /**
     * The algorithm an operator or the command names: the registry name or the short one (SM2, P256);
     * null is the default, SM2. IllegalArgumentException for anything else.
     */
    public static KeyAlgorithm parse(String name) {
        if (name == null) {
            return SM2;
        }
        for (KeyAlgorithm a : values()) {
            if (a.registryName.equals(name) || a.name().equals(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("algorithm must be " + SM2.registryName + " (SM2, the default) or "
                + P256.registryName + " (P256)");
    }

    public AsymmetricCipherKeyPair generate(SecureRandom random) {
        return this == SM2 ? Sm2.generate(random) : energyhub.signing.P256.generate(random);
    }

    /** Signs with this algorithm (SM2: the contract's user ID); IllegalArgumentException for a key of another curve. */
    public byte[] sign(ECPrivateKeyParameters key, byte[] message) {
        if (this == SM2) {
            if (!Sm2.onCurve(key.getParameters(), Sm2.CURVE)) {
                throw new IllegalArgumentException("not an SM2 private key");
            }
            return Sm2.sign(key, message);
        }
        return energyhub.signing.P256.sign(key, message);
    }

    /** Verifies with this algorithm: SIGNATURE_MALFORMED (strict DER, range) or SIGNATURE_INVALID when it fails. */
    public void verify(ECPublicKeyParameters key, byte[] message, byte[] der) throws SignatureProblem {
        if (this == SM2) {
            if (!Sm2.onCurve(key.getParameters(), Sm2.CURVE)) {
                throw new IllegalArgumentException("not an SM2 public key");
            }
            Sm2.verify(key, message, der);
        } else {
            energyhub.signing.P256.verify(key, message, der);
        }
    }

    /** An SPKI PEM as a public key of this algorithm's curve; IllegalArgumentException for any other. */
    public ECPublicKeyParameters readPublic(String pem) {
        return this == SM2 ? Sm2.readPublic(pem) : energyhub.signing.P256.readPublic(pem);
    }

    /** A PKCS#8 PEM as a private key of this algorithm's curve; IllegalArgumentException for any other. */
    public ECPrivateKeyParameters readPrivate(String pem) {
        return this == SM2 ? Sm2.readPrivate(pem) : energyhub.signing.P256.readPrivate(pem);
    }

    public ECPublicKeyParameters publicOf(ECPrivateKeyParameters key) {
        return this == SM2 ? Sm2.publicOf(key) : energyhub.signing.P256.publicOf(key);
    }
}

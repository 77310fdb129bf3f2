package energyhub.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interoperability with OpenSSL 3 (the tool an exchange server may already have): what OpenSSL signs with
 * {@code -rawin -digest sm3 -pkeyopt distid:1234567812345678} verifies here, and the reverse.
 */
class OpenSslInteropTest {

    @TempDir
    static Path dir;

    @BeforeAll
    static void openSslWithSm2() throws Exception {
        String algorithms;
        try {
            algorithms = run(null, "openssl", "list", "-signature-algorithms");
        } catch (Exception e) {
            algorithms = "";
        }
        assumeTrue(algorithms.contains("SM2"), "assumption: `openssl` (3.x, with SM2) is on the PATH; "
                + "without it this interop test is skipped, the vector tests still run");
    }

    static String run(Path in, String... command) throws Exception {
        List<String> c = new ArrayList<>(List.of(command));
        Process p = new ProcessBuilder(c).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " -> " + p.exitValue() + ": " + text);
        }
        return text;
    }

    @Test
    void openSslSignsAndJavaVerifies() throws Exception {
        Path key = dir.resolve("o.key.pem");
        Path pub = dir.resolve("o.pub.pem");
        Path msg = dir.resolve("o.pae");
        Path sig = dir.resolve("o.sig");
        run(null, "openssl", "genpkey", "-algorithm", "SM2", "-out", key.toString());
        run(null, "openssl", "pkey", "-in", key.toString(), "-pubout", "-out", pub.toString());
        byte[] pae = Dsse.pae(Dsse.MANIFEST_TYPE, "{\"batchId\":\"openssl\"}".getBytes(StandardCharsets.UTF_8));
        Files.write(msg, pae);
        run(null, "openssl", "pkeyutl", "-sign", "-rawin", "-digest", "sm3", "-pkeyopt", "distid:1234567812345678",
                "-inkey", key.toString(), "-in", msg.toString(), "-out", sig.toString());

        ECPublicKeyParameters q = Sm2.readPublic(Files.readString(pub));
        Sm2.verify(q, pae, Files.readAllBytes(sig));
        // and OpenSSL's private key file is read as one of ours
        assertThat(Sm2.publicOf(Sm2.readPrivate(Files.readString(key))).getQ()).isEqualTo(q.getQ());
        // signed under OpenSSL's other ID (an empty one, as before OpenSSL 4): refused here
        run(null, "openssl", "pkeyutl", "-sign", "-rawin", "-digest", "sm3", "-pkeyopt", "distid:",
                "-inkey", key.toString(), "-in", msg.toString(), "-out", sig.toString());
        assertThatThrownBy(() -> Sm2.verify(q, pae, Files.readAllBytes(sig)))
                .hasFieldOrPropertyWithValue("code", "SIGNATURE_INVALID");
    }

    /** P-256 (a key registered as SHA256withECDSA): OpenSSL's plain ECDSA-SHA256 DER signatures, both ways. */
    @Test
    void p256BothWays() throws Exception {
        Path key = dir.resolve("p.key.pem");
        Path pub = dir.resolve("p.pub.pem");
        Path msg = dir.resolve("p.pae");
        Path sig = dir.resolve("p.sig");
        run(null, "openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key.toString());
        run(null, "openssl", "pkey", "-in", key.toString(), "-pubout", "-out", pub.toString());
        byte[] pae = Dsse.pae(Dsse.MANIFEST_TYPE, "{\"batchId\":\"p256\"}".getBytes(StandardCharsets.UTF_8));
        Files.write(msg, pae);
        run(null, "openssl", "dgst", "-sha256", "-sign", key.toString(), "-out", sig.toString(), msg.toString());

        ECPublicKeyParameters q = KeyAlgorithm.P256.readPublic(Files.readString(pub));
        KeyAlgorithm.P256.verify(q, pae, Files.readAllBytes(sig));
        // OpenSSL's key is never an SM2 key, nor its signature an SM2 one
        assertThatThrownBy(() -> KeyAlgorithm.SM2.readPublic(Files.readString(pub)))
                .isInstanceOf(IllegalArgumentException.class);

        ECPrivateKeyParameters k = KeyAlgorithm.P256.readPrivate(Files.readString(key));
        assertThat(KeyAlgorithm.P256.publicOf(k).getQ()).isEqualTo(q.getQ());
        Files.write(sig, KeyAlgorithm.P256.sign(k, pae));
        assertThat(run(null, "openssl", "dgst", "-sha256", "-verify", pub.toString(), "-signature", sig.toString(),
                msg.toString())).contains("Verified OK");
    }

    @Test
    void javaSignsAndOpenSslVerifies() throws Exception {
        var pair = Sm2.generate(new SecureRandom());
        Path pub = Files.writeString(dir.resolve("j.pub.pem"), Sm2.publicPem((ECPublicKeyParameters) pair.getPublic()));
        byte[] pae = Dsse.pae(Dsse.MANIFEST_TYPE, "{\"batchId\":\"java\"}".getBytes(StandardCharsets.UTF_8));
        Path msg = Files.write(dir.resolve("j.pae"), pae);
        Path sig = Files.write(dir.resolve("j.sig"), Sm2.sign((ECPrivateKeyParameters) pair.getPrivate(), pae));
        assertThat(run(null, "openssl", "pkeyutl", "-verify", "-rawin", "-digest", "sm3", "-pkeyopt",
                "distid:1234567812345678", "-pubin", "-inkey", pub.toString(), "-in", msg.toString(), "-sigfile",
                sig.toString())).contains("Signature Verified Successfully");
        assertThatThrownBy(() -> run(null, "openssl", "pkeyutl", "-verify", "-rawin", "-digest", "sm3", "-pkeyopt",
                "distid:ALICE123@YAHOO.COM", "-pubin", "-inkey", pub.toString(), "-in", msg.toString(), "-sigfile",
                sig.toString())).hasMessageContaining("Verification Failure");
    }
}

package energyhub.signing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standalone command: keygen, sign, countersign, verify, verify-ack, and OpenSSL verifying what it signs. */
class FerrySignerCommandTest {

    @TempDir
    Path dir;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(String... args) {
        out.reset();
        err.reset();
        return new FerrySignerCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void signsAndVerifiesAndRefusesWhatWasChanged() throws Exception {
        assertThat(run("keygen", "--out", dir.toString(), "--name", "exchange")).isZero();
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(
                dir.resolve("exchange.key.pem")))).isEqualTo("rw-------");
        assertThat(run("keygen", "--out", dir.toString(), "--name", "exchange")).isEqualTo(2); // never overwritten
        Path src = Files.writeString(dir.resolve("pkg.jsonl"), "{\"enterpriseCode\":\"A\"}\n\n{\"enterpriseCode\":\"A\"}\n");
        Path outbox = dir.resolve("outbox");

        assertThat(run("sign", "--key", dir.resolve("exchange.key.pem").toString(), "--keyid", "exch-1", "--data",
                src.toString(), "--sender", "A", "--target", "53", "--out", outbox.toString())).as(err()).isZero();

        Path manifest = outbox.resolve("pkg.jsonl.manifest");
        assertThat(outbox.resolve("pkg.jsonl")).hasSameBinaryContentAs(src);
        try (var l = Files.list(outbox)) {
            assertThat(l.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("pkg.jsonl", "pkg.jsonl.manifest");
        }
        String pub = dir.resolve("exchange.pub.pem").toString();
        assertThat(run("verify", "--pub", pub, "--keyid", "exch-1", "--manifest", manifest.toString())).as(err()).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"recordCount\":2").contains("\"target\":\"53\"")
                .contains("\"notAfter\"").contains("\"sm3\"");

        // OpenSSL verifies the command's signature over the DSSE pre-authentication encoding
        Dsse.Envelope e = Dsse.parse(Files.readAllBytes(manifest));
        Path pae = Files.write(dir.resolve("pae"), Dsse.pae(e.payloadType(), e.payload()));
        Path sig = Files.write(dir.resolve("sig"), e.signatures().get(0).sig());
        if (openssl("openssl", "version")) {
            assertThat(openssl("openssl", "pkeyutl", "-verify", "-rawin", "-digest", "sm3", "-pkeyopt",
                    "distid:1234567812345678", "-pubin", "-inkey", pub, "-in", pae.toString(), "-sigfile", sig.toString()))
                    .isTrue();
        }

        // a second key counter-signs (an enterprise's manifest passed on by the exchange server)
        assertThat(run("keygen", "--out", dir.toString(), "--name", "ent")).isZero();
        assertThat(run("countersign", "--key", dir.resolve("ent.key.pem").toString(), "--keyid", "ent-1", "--manifest",
                manifest.toString())).isZero();
        assertThat(Dsse.parse(Files.readAllBytes(manifest)).signatures()).hasSize(2);
        assertThat(run("verify", "--pub", dir.resolve("ent.pub.pem").toString(), "--keyid", "ent-1", "--manifest",
                manifest.toString())).isZero();
        // the wrong key for the id
        assertThat(run("verify", "--pub", dir.resolve("ent.pub.pem").toString(), "--keyid", "exch-1", "--manifest",
                manifest.toString())).isEqualTo(1);
        assertThat(err()).contains("SIGNATURE_INVALID");

        // the data file changed after signing (same length)
        Files.writeString(outbox.resolve("pkg.jsonl"), "{\"enterpriseCode\":\"B\"}\n\n{\"enterpriseCode\":\"A\"}\n");
        assertThat(run("verify", "--pub", pub, "--keyid", "exch-1", "--manifest", manifest.toString())).isEqualTo(1);
        assertThat(err()).contains("DIGEST_MISMATCH");
    }

    @Test
    void verifiesAnAckTheHubSignedAndRefusesATamperedOne() throws Exception {
        assertThat(run("keygen", "--out", dir.toString(), "--name", "hub")).isZero();
        var key = Sm2.readPrivate(Files.readString(dir.resolve("hub.key.pem")));
        byte[] ack = "{\"batchId\":\"b\",\"status\":\"ACCEPTED\",\"received\":1,\"accepted\":1,\"rejected\":0,\"errors\":[]}"
                .getBytes(StandardCharsets.UTF_8);
        Path ackFile = Files.write(dir.resolve("pkg.jsonl.ack.json"), ack);
        Files.write(dir.resolve("pkg.jsonl.ack.json.sig"), Dsse.write(Dsse.sign(Dsse.ACK_TYPE, ack, "hub-1", key)));
        String pub = dir.resolve("hub.pub.pem").toString();

        assertThat(run("verify-ack", "--pub", pub, "--ack", ackFile.toString())).as(err()).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("verified ACK " + ackFile + " (hub key hub-1)\n");
        // the key as the operator API publishes it (GET /api/operator/ferry-keys/hub-1), saved as it came
        String published = "{\"keyId\":\"hub-1\",\"ownerKind\":\"HUB\",\"publicKey\":"
                + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(Files.readString(Path.of(pub)))
                + ",\"status\":\"ACTIVE\"}";
        Path json = Files.writeString(dir.resolve("hub-1.json"), published);
        assertThat(run("verify-ack", "--pub", json.toString(), "--ack", ackFile.toString())).as(err()).isZero();
        Files.writeString(json, "{\"keyId\":\"hub-1\"}");
        assertThat(run("verify-ack", "--pub", json.toString(), "--ack", ackFile.toString())).isEqualTo(2);
        assertThat(err()).contains("is JSON without a publicKey");

        Files.writeString(ackFile, new String(ack, StandardCharsets.UTF_8).replace("ACCEPTED", "REJECTED"));
        assertThat(run("verify-ack", "--pub", pub, "--ack", ackFile.toString())).isEqualTo(1);
        assertThat(err()).contains("SIGNATURE_INVALID");
        Files.delete(dir.resolve("pkg.jsonl.ack.json.sig"));
        assertThat(run("verify-ack", "--pub", pub, "--ack", ackFile.toString())).isEqualTo(1);
    }

    @Test
    void aP256KeySignsAndVerifiesOnlyUnderItsAlgorithm() throws Exception {
        assertThat(run("keygen", "--out", dir.toString(), "--name", "ec", "--alg", "SHA256withECDSA")).as(err()).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("algorithm SHA256withECDSA");
        String key = dir.resolve("ec.key.pem").toString();
        String pub = dir.resolve("ec.pub.pem").toString();
        assertThat(P256.readPublic(Files.readString(Path.of(pub)))).isNotNull();
        Path src = Files.writeString(dir.resolve("pkg.jsonl"), "{\"enterpriseCode\":\"A\"}\n");
        Path outbox = dir.resolve("outbox");
        // the key's algorithm is the option's, never guessed: without --alg the P-256 key is not an SM2 key
        assertThat(run("sign", "--key", key, "--keyid", "ec-1", "--data", src.toString(), "--sender", "A", "--target",
                "53", "--out", outbox.toString())).isEqualTo(2);
        assertThat(err()).contains("not an SM2 private key");
        assertThat(run("sign", "--key", key, "--keyid", "ec-1", "--data", src.toString(), "--sender", "A", "--target",
                "53", "--out", outbox.toString(), "--alg", "P256")).as(err()).isZero();
        String manifest = outbox.resolve("pkg.jsonl.manifest").toString();

        assertThat(run("verify", "--pub", pub, "--keyid", "ec-1", "--manifest", manifest, "--alg", "SHA256withECDSA"))
                .as(err()).isZero();
        assertThat(run("verify", "--pub", pub, "--keyid", "ec-1", "--manifest", manifest)).isEqualTo(2);
        assertThat(run("verify", "--pub", pub, "--keyid", "ec-1", "--manifest", manifest, "--alg", "ES256")).isEqualTo(2);
        assertThat(err()).contains("--alg");
        // an SM2 key's signature under the same key id: refused by the P-256 key
        assertThat(run("keygen", "--out", dir.toString(), "--name", "sm2")).isZero();
        Dsse.Envelope e = Dsse.parse(Files.readAllBytes(Path.of(manifest)));
        Dsse.Envelope forged = Dsse.sign(e.payloadType(), e.payload(), "ec-1",
                Sm2.readPrivate(Files.readString(dir.resolve("sm2.key.pem"))));
        Files.write(Path.of(manifest), Dsse.write(forged));
        assertThat(run("verify", "--pub", pub, "--keyid", "ec-1", "--manifest", manifest, "--alg", "P256")).isEqualTo(1);
        assertThat(err()).contains("SIGNATURE_INVALID");

        // OpenSSL verifies the command's P-256 signature as an ordinary ECDSA-SHA256 one
        Dsse.Envelope signed = Dsse.sign(e.payloadType(), e.payload(), "ec-1", KeyAlgorithm.P256,
                P256.readPrivate(Files.readString(Path.of(key))));
        Path pae = Files.write(dir.resolve("pae"), Dsse.pae(e.payloadType(), e.payload()));
        Path sig = Files.write(dir.resolve("sig"), signed.signatures().get(0).sig());
        if (openssl("openssl", "version")) {
            assertThat(openssl("openssl", "dgst", "-sha256", "-verify", pub, "-signature", sig.toString(), pae.toString()))
                    .isTrue();
        }
    }

    static boolean openssl(String... command) throws Exception {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}

package energyhub.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.junit.jupiter.api.Test;

class DsseTest {

    @Test
    void paeIsTheSpecsVector() {
        assertThat(new String(Dsse.pae("http://example.com/HelloWorld", "hello world".getBytes(StandardCharsets.UTF_8)),
                StandardCharsets.UTF_8)).isEqualTo("DSSEv1 29 http://example.com/HelloWorld 11 hello world");
    }

    @Test
    void envelopeRoundTripsAndIsParsedStrictly() throws Exception {
        var pair = Sm2.generate(new SecureRandom());
        byte[] payload = "{\"batchId\":\"b1\"}".getBytes(StandardCharsets.UTF_8);
        byte[] json = Dsse.write(Dsse.sign(Dsse.MANIFEST_TYPE, payload, "exch-1",
                (ECPrivateKeyParameters) pair.getPrivate()));
        Dsse.Envelope e = Dsse.parse(json);
        assertThat(e.payload()).isEqualTo(payload);
        Sm2.verify((ECPublicKeyParameters) pair.getPublic(), Dsse.pae(e.payloadType(), e.payload()),
                e.signatures().get(0).sig());
        // the same signature under another payloadType does not verify (the type is signed)
        assertThatThrownBy(() -> Sm2.verify((ECPublicKeyParameters) pair.getPublic(),
                Dsse.pae("application/json", e.payload()), e.signatures().get(0).sig()))
                .hasFieldOrPropertyWithValue("code", "SIGNATURE_INVALID");

        String s = new String(json, StandardCharsets.UTF_8);
        for (String bad : new String[] {
                s.replace("{\"payloadType\"", "{\"alg\":\"none\",\"payloadType\""), // an algorithm named by the file
                s.replace("\"signatures\":[", "\"signatures\":[],\"x\":["),
                s.replace("\"keyid\":\"exch-1\"", "\"keyid\":\"exch-1\",\"keyid\":\"exch-2\""),
                s.replace("\"payload\":\"", "\"payload\":\"!"),
                "{\"payloadType\":\"t\",\"payload\":\"\",\"signatures\":[]}",
                "[]", "not json"}) {
            assertThatThrownBy(() -> Dsse.parse(bad.getBytes(StandardCharsets.UTF_8)))
                    .as(bad).hasFieldOrPropertyWithValue("code", "ENVELOPE_MALFORMED");
        }
    }
}

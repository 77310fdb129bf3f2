package energyhub.signing;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;

/**
 * What the internet side checks of what comes through the gate, as {@code ferry-signer verify} and
 * {@code verify-ack} do, for tools that call it directly: a signed manifest (a package of an exchange
 * server, or one of the hub's own 补传 requests) and a signed ACK. The algorithm and the key are the
 * caller's (the published key and the algorithm it is registered with), never the file's.
 */
public final class FerryVerifier {

    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private FerryVerifier() {
    }

    /**
     * A manifest whose signature by {@code keyid} verified: its payload (the exact bytes signed, and read), and
     * whether its data file was checked too.
     */
    public record VerifiedManifest(String keyid, byte[] signedBytes, JsonNode payload, boolean dataChecked) {
    }

    /**
     * Verifies the manifest file's signature by {@code keyid} and, when {@code data} is given and exists, that
     * the data file is the one signed (byteSize, sm3). Refusals: ENVELOPE_MALFORMED, PAYLOAD_TYPE_UNEXPECTED,
     * KEY_UNKNOWN (no signature of that key), SIGNATURE_MALFORMED, SIGNATURE_INVALID, BAD_MANIFEST,
     * SIZE_MISMATCH, DIGEST_MISMATCH.
     */
    public static VerifiedManifest manifest(byte[] manifestFile, String keyid, KeyAlgorithm algorithm,
            ECPublicKeyParameters key, Path data) throws SignatureProblem, IOException {
        Dsse.Envelope e = Dsse.parse(manifestFile);
        if (!Dsse.MANIFEST_TYPE.equals(e.payloadType())) {
            throw new SignatureProblem("PAYLOAD_TYPE_UNEXPECTED", "payloadType is not " + Dsse.MANIFEST_TYPE);
        }
        Dsse.Signature sig = e.signatures().stream().filter(s -> s.keyid().equals(keyid)).findFirst()
                .orElseThrow(() -> new SignatureProblem("KEY_UNKNOWN", "no signature of key " + keyid));
        algorithm.verify(key, Dsse.pae(e.payloadType(), e.payload()), sig.sig());
        JsonNode m;
        try {
            m = JSON.readTree(e.payload());
        } catch (IOException x) {
            throw new SignatureProblem("BAD_MANIFEST", "the signed payload is not JSON");
        }
        if (m == null || !m.isObject()) {
            throw new SignatureProblem("BAD_MANIFEST", "the signed payload is not a JSON object");
        }
        if (data == null || !Files.exists(data)) {
            return new VerifiedManifest(keyid, e.payload(), m, false);
        }
        long size = Files.size(data);
        if (size != m.path("byteSize").asLong(-1)) {
            throw new SignatureProblem("SIZE_MISMATCH", data + " is " + size + " bytes, the manifest says "
                    + m.path("byteSize"));
        }
        if (!Sm3.hex(data).equalsIgnoreCase(m.path("sm3").asText())) {
            throw new SignatureProblem("DIGEST_MISMATCH", "sm3 of " + data + " does not match the manifest");
        }
        return new VerifiedManifest(keyid, e.payload(), m, true);
    }

    /**
     * Verifies an ACK file against its signature file ({@code NAME.ack.json.sig}): the envelope's payload is
     * the ACK's exact bytes, signed by the hub's key (by {@code keyid} when given). The key id that signed it.
     */
    public static String ack(byte[] ack, byte[] signatureFile, KeyAlgorithm algorithm, ECPublicKeyParameters key,
            String keyid) throws SignatureProblem {
        Dsse.Envelope e = Dsse.parse(signatureFile);
        if (!Dsse.ACK_TYPE.equals(e.payloadType())) {
            throw new SignatureProblem("PAYLOAD_TYPE_UNEXPECTED", "payloadType is not " + Dsse.ACK_TYPE);
        }
        if (!Arrays.equals(e.payload(), ack)) {
            throw new SignatureProblem("SIGNATURE_INVALID", "the ACK file is not the one the hub signed");
        }
        if (keyid != null && e.signatures().stream().noneMatch(s -> s.keyid().equals(keyid))) {
            throw new SignatureProblem("KEY_UNKNOWN", "not signed by key " + keyid);
        }
        SignatureProblem last = null;
        for (Dsse.Signature s : e.signatures()) {
            if (keyid != null && !s.keyid().equals(keyid)) {
                continue;
            }
            try {
                algorithm.verify(key, Dsse.pae(e.payloadType(), e.payload()), s.sig());
                return s.keyid();
            } catch (SignatureProblem p) {
                last = p;
            }
        }
        throw last;
    }

}

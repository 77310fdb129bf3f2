package energyhub.signing;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The DSSE envelope (github.com/secure-systems-lab/dsse, as in-toto and Sigstore use it):
 * {@code {"payloadType":..., "payload":base64(bytes), "signatures":[{"keyid":..., "sig":base64(DER)}]}}.
 * Signatures cover {@link #pae} of the payload type and the exact payload bytes, so the type is signed
 * too and no JSON is ever canonicalised. Parsing is strict: nothing but these fields, no duplicate key,
 * strict base64, a bounded number of signatures; every failure is ENVELOPE_MALFORMED.
 */
public final class Dsse {

    /** The payload type of a ferry manifest v2 (docs/ferry-contract.md). */
    public static final String MANIFEST_TYPE = "application/vnd.energy-hub.ferry-manifest+json;v=2";
    /** The payload type of an ACK the hub signs. */
    public static final String ACK_TYPE = "application/vnd.energy-hub.ferry-ack+json;v=1";
    /** More signatures than this is not an envelope of this contract (one exchange server, one enterprise). */
    public static final int MAX_SIGNATURES = 4;
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private Dsse() {
    }

    public record Signature(String keyid, byte[] sig) {
    }

    public record Envelope(String payloadType, byte[] payload, List<Signature> signatures) {
    }

    /** PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in ASCII decimal bytes. */
    public static byte[] pae(String payloadType, byte[] payload) {
        byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + type.length + 32);
        out.writeBytes(("DSSEv1 " + type.length + " ").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(type);
        out.writeBytes((" " + payload.length + " ").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(payload);
        return out.toByteArray();
    }

    /** True when the bytes are a JSON object with a payloadType: an envelope (maybe a bad one), not a v1 manifest. */
    public static boolean looksLikeEnvelope(JsonNode node) {
        return node != null && node.isObject() && node.has("payloadType");
    }

    public static Envelope parse(byte[] json) throws SignatureProblem {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw malformed("not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        return parse(node);
    }

    public static Envelope parse(JsonNode node) throws SignatureProblem {
        if (node == null || !node.isObject()) {
            throw malformed("not a JSON object");
        }
        Set<String> allowed = Set.of("payloadType", "payload", "signatures");
        for (var it = node.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw malformed("unexpected field \"" + shorten(f) + "\" (the verifier takes nothing else from the file)");
            }
        }
        JsonNode type = node.get("payloadType");
        JsonNode payload = node.get("payload");
        JsonNode sigs = node.get("signatures");
        if (type == null || !type.isTextual() || payload == null || !payload.isTextual() || sigs == null
                || !sigs.isArray()) {
            throw malformed("payloadType, payload (strings) and signatures (an array) are required");
        }
        if (sigs.size() < 1 || sigs.size() > MAX_SIGNATURES) {
            throw malformed(sigs.size() + " signatures: 1 to " + MAX_SIGNATURES + " are allowed");
        }
        List<Signature> list = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (JsonNode s : sigs) {
            if (!s.isObject() || s.size() != 2 || !s.path("keyid").isTextual() || !s.path("sig").isTextual()) {
                throw malformed("each signature is exactly {\"keyid\":..., \"sig\":...}");
            }
            String keyid = s.get("keyid").asText();
            if (!KEY_ID.matcher(keyid).matches()) {
                throw malformed("keyid is not 1-64 of [A-Za-z0-9._:-]");
            }
            if (!seen.add(keyid)) {
                throw malformed("key " + keyid + " signs twice");
            }
            String sig = s.get("sig").asText();
            if (sig.length() > 256) {
                throw malformed("signature of key " + keyid + " is longer than any SM2 signature");
            }
            list.add(new Signature(keyid, base64(sig, "sig of " + keyid)));
        }
        return new Envelope(type.asText(), base64(payload.asText(), "payload"), List.copyOf(list));
    }

    private static byte[] base64(String text, String what) throws SignatureProblem {
        try {
            return Base64.getDecoder().decode(text); // standard alphabet with padding; no line breaks, no spaces
        } catch (IllegalArgumentException e) {
            throw malformed(what + " is not standard base64");
        }
    }

    /** The envelope's JSON (one line, UTF-8). */
    public static byte[] write(Envelope e) {
        ObjectNode n = JSON.createObjectNode();
        n.put("payloadType", e.payloadType());
        n.put("payload", Base64.getEncoder().encodeToString(e.payload()));
        ArrayNode a = n.putArray("signatures");
        for (Signature s : e.signatures()) {
            a.addObject().put("keyid", s.keyid()).put("sig", Base64.getEncoder().encodeToString(s.sig()));
        }
        try {
            return JSON.writeValueAsBytes(n);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** Signs payload bytes as given (never re-serialised) with an SM2 key. */
    public static Envelope sign(String payloadType, byte[] payload, String keyid,
            org.bouncycastle.crypto.params.ECPrivateKeyParameters key) {
        return sign(payloadType, payload, keyid, KeyAlgorithm.SM2, key);
    }

    /** Signs payload bytes as given (never re-serialised) with a key of this algorithm. */
    public static Envelope sign(String payloadType, byte[] payload, String keyid, KeyAlgorithm algorithm,
            org.bouncycastle.crypto.params.ECPrivateKeyParameters key) {
        return new Envelope(payloadType, payload,
                List.of(new Signature(keyid, algorithm.sign(key, pae(payloadType, payload)))));
    }

    /** The same envelope with one more signature (the exchange server adding its own to an enterprise's). */
    public static Envelope addSignature(Envelope e, String keyid,
            org.bouncycastle.crypto.params.ECPrivateKeyParameters key) {
        return addSignature(e, keyid, KeyAlgorithm.SM2, key);
    }

    public static Envelope addSignature(Envelope e, String keyid, KeyAlgorithm algorithm,
            org.bouncycastle.crypto.params.ECPrivateKeyParameters key) {
        List<Signature> l = new ArrayList<>(e.signatures());
        l.add(new Signature(keyid, algorithm.sign(key, pae(e.payloadType(), e.payload()))));
        return new Envelope(e.payloadType(), e.payload(), List.copyOf(l));
    }

    private static String shorten(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    private static SignatureProblem malformed(String why) {
        return new SignatureProblem("ENVELOPE_MALFORMED", why);
    }
}

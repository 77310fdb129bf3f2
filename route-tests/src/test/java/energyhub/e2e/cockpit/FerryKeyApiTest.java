package energyhub.e2e.cockpit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import energyhub.signing.Sm2;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.junit.jupiter.api.Test;

/**
 * The ferry key registry through the operator API (docs/operator-api.md, "Ferry keys"): viewers read it,
 * only operators change it, bad keys are refused with the reason (a key not of its algorithm's curve, an
 * algorithm other than SM3withSM2 and SHA256withECDSA), and every change is in the audit chain with the
 * operator's login.
 */
class FerryKeyApiTest extends CockpitTest {

    static final String P256 = "-----BEGIN PUBLIC KEY-----\n"
            + "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEVs/o5+uQbTjL3chynL4wXgUg2R9\n"
            + "q9UU8I5mEovUf86QZ7kOBIjJwqnzD1omageEHWwHdBO6B+dFabmdT9POxg==\n"
            + "-----END PUBLIC KEY-----\n";

    String newKey(String keyId, String pem) {
        ObjectNode k = JSON.createObjectNode().put("keyId", keyId).put("ownerKind", "EXCHANGE").put("owner", "exchange-a")
                .put("publicKey", pem);
        k.putArray("speaksFor").add("91530100MA6NX4QW2G");
        return k.toString();
    }

    static String withAlgorithm(String key, String algorithm) {
        return key.replace("\"publicKey\"", "\"algorithm\":\"" + algorithm + "\",\"publicKey\"");
    }

    @Test
    void viewersReadOperatorsChangeAndEveryChangeIsAudited() throws Exception {
        String keyId = "api-" + UUID.randomUUID().toString().substring(0, 8);
        String pem = Sm2.publicPem((ECPublicKeyParameters) Sm2.generate(new SecureRandom()).getPublic());
        String base = "/api/operator/ferry-keys";

        assertThat(get(base, null, null).statusCode()).isEqualTo(401);
        assertThat(post(base, newKey(keyId, pem), VIEWER, VIEWER_PASSWORD).statusCode()).isEqualTo(403);
        assertThat(get(base + "/" + keyId, VIEWER, VIEWER_PASSWORD).statusCode()).isEqualTo(404);

        var created = post(base, newKey(keyId, pem), OPERATOR, OPERATOR_PASSWORD);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(json(created).get("status").asText()).isEqualTo("ACTIVE");
        assertThat(json(created).get("algorithm").asText()).isEqualTo("SM3withSM2");
        assertThat(post(base, newKey(keyId, pem), OPERATOR, OPERATOR_PASSWORD).statusCode()).isEqualTo(409);
        // a P-256 key is an SM2 key's never: refused under the default algorithm
        var p256 = post(base, newKey(keyId + "-p256", P256), OPERATOR, OPERATOR_PASSWORD);
        assertThat(p256.statusCode()).isEqualTo(400);
        assertThat(p256.body()).contains("not an SM2 public key");
        // an SM2 key is a P-256 key's never; and no algorithm but the two
        var sm2AsP256 = post(base, withAlgorithm(newKey(keyId + "-alg", pem), "SHA256withECDSA"), OPERATOR, OPERATOR_PASSWORD);
        assertThat(sm2AsP256.statusCode()).isEqualTo(400);
        assertThat(sm2AsP256.body()).contains("not a P-256 public key");
        var rsa = post(base, withAlgorithm(newKey(keyId + "-rsa", P256), "SHA256withRSA"), OPERATOR, OPERATOR_PASSWORD);
        assertThat(rsa.statusCode()).isEqualTo(400);
        assertThat(rsa.body()).contains("SM3withSM2").contains("SHA256withECDSA");
        // a P-256 key registered with its algorithm (the second algorithm, by configuration per key)
        var ecdsa = post(base, withAlgorithm(newKey(keyId + "-ecdsa", P256), "SHA256withECDSA"), OPERATOR, OPERATOR_PASSWORD);
        assertThat(ecdsa.statusCode()).as(ecdsa.body()).isEqualTo(201);
        assertThat(json(ecdsa).get("algorithm").asText()).isEqualTo("SHA256withECDSA");

        JsonNode listed = json(get(base, VIEWER, VIEWER_PASSWORD));
        JsonNode mine = null;
        for (JsonNode k : listed) {
            if (k.get("keyId").asText().equals(keyId)) {
                mine = k;
            }
        }
        assertThat(mine).isNotNull();
        assertThat(Sm2.readPublic(mine.get("publicKey").asText()).getQ()).isEqualTo(Sm2.readPublic(pem).getQ());

        String status = base + "/" + keyId + "/status";
        assertThat(put(status, "{\"status\":\"REVOKED\",\"reason\":\"test\"}", VIEWER, VIEWER_PASSWORD).statusCode())
                .isEqualTo(403);
        assertThat(put(status, "{\"status\":\"RETIRING\",\"reason\":\"rotated\"}", OPERATOR, OPERATOR_PASSWORD)
                .statusCode()).isEqualTo(200);
        var revoked = put(status, "{\"status\":\"REVOKED\",\"reason\":\"leaked\"}", OPERATOR, OPERATOR_PASSWORD);
        assertThat(revoked.statusCode()).isEqualTo(200);
        assertThat(json(revoked).get("statusReason").asText()).isEqualTo("leaked");
        assertThat(put(status, "{\"status\":\"RETIRING\",\"reason\":\"back\"}", OPERATOR, OPERATOR_PASSWORD).statusCode())
                .isEqualTo(409); // REVOKED is final
        assertThat(put(status, "{\"status\":\"REVOKED\"}", OPERATOR, OPERATOR_PASSWORD).statusCode()).isEqualTo(400);

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(jdbc.queryForList(
                "select action || ' ' || result from audit_event where subject = ? and detail like '%by=operator:"
                        + OPERATOR + "%' order by seq", String.class, keyId))
                .containsExactly("FERRY_KEY_ADDED ACTIVE", "FERRY_KEY_CHANGED RETIRING", "FERRY_KEY_CHANGED REVOKED"));
        assertThat(jdbc.queryForList("select key_id || ' ' || algorithm from ferry_key where key_id like ?", String.class,
                keyId + "-%")).containsExactly(keyId + "-ecdsa SHA256withECDSA");
        await().atMost(Duration.ofSeconds(15)).until(() -> jdbc.queryForObject("select count(*) from audit_event where "
                + "action = 'FERRY_KEY_ADDED' and subject = ? and detail like '%algorithm=SHA256withECDSA%'", Long.class,
                keyId + "-ecdsa") == 1);
        assertThat(List.of(json(get(base + "/" + keyId, VIEWER, VIEWER_PASSWORD)).get("status").asText()))
                .containsExactly("REVOKED");
    }
}

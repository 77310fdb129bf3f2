package energyhub.ferry.signing;

import java.time.Instant;
import java.util.Set;

/**
 * A row of the key registry ({@code V400__ferry_keys.sql}). {@code speaksFor}: the enterprise codes the key
 * may send for; empty for an EXCHANGE key that speaks for every enterprise; an ENTERPRISE key speaks only
 * for its owner.
 */
public record FerryKey(String keyId, OwnerKind ownerKind, String owner, Set<String> speaksFor, String algorithm,
        String publicKey, Instant notBefore, Instant notAfter, Status status, Instant statusAt, String statusReason,
        String changedBy, Instant changedAt) {

    public enum OwnerKind { EXCHANGE, ENTERPRISE, HUB }

    public enum Status { ACTIVE, RETIRING, REVOKED }

    /** Whether this key may speak for the enterprise of this code. */
    public boolean speaksFor(String enterprise) {
        return switch (ownerKind) {
            case EXCHANGE -> speaksFor.isEmpty() || speaksFor.contains(enterprise);
            case ENTERPRISE -> owner.equals(enterprise);
            case HUB -> false;
        };
    }
}

package energyhub.ferry.signing;

import energyhub.ferry.FerryProperties;
import energyhub.signing.KeyAlgorithm;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The ferry key registry in PostgreSQL, shared by every hub of a cluster. Read through a small cache that
 * is reloaded (the whole table: a few dozen rows) when it is older than {@code hub.ferry.key-refresh}, so a
 * revocation on one hub takes effect on every hub within that time. Changes go through {@link #register} and
 * {@link #changeStatus}; the table's trigger writes each into the audit chain.
 */
@Component
public class KeyRegistry {

    private static final Pattern CODE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    private final JdbcTemplate jdbc;
    private final FerryProperties properties;
    private final Clock clock;
    private volatile Snapshot snapshot;

    private record Snapshot(Instant loadedAt, Map<String, Entry> keys) {
    }

    /**
     * A registered key with its algorithm and its public key parsed for that algorithm (both null when the row
     * names no algorithm the hub knows or its PEM is not a key of that algorithm's curve, e.g. edited in SQL).
     */
    public record Entry(FerryKey key, KeyAlgorithm algorithm, ECPublicKeyParameters publicKey) {
    }

    public KeyRegistry(JdbcTemplate jdbc, FerryProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.clock = clock;
    }

    public Optional<Entry> find(String keyId) {
        return Optional.ofNullable(current().keys().get(keyId));
    }

    /** Whether an enterprise has a key of its own that is ACTIVE: then its packages must carry its signature. */
    public boolean enterpriseSigns(String enterprise, Instant now) {
        return current().keys().values().stream().map(Entry::key)
                .anyMatch(k -> k.ownerKind() == FerryKey.OwnerKind.ENTERPRISE && k.owner().equals(enterprise)
                        && k.status() == FerryKey.Status.ACTIVE && !now.isBefore(k.notBefore())
                        && now.isBefore(k.notAfter()));
    }

    public List<FerryKey> list() {
        return jdbc.query("select * from ferry_key order by owner_kind, owner, not_before, key_id", KeyRegistry::row);
    }

    private Snapshot current() {
        Snapshot s = snapshot;
        Instant now = clock.instant();
        if (s == null || !now.isBefore(s.loadedAt().plus(properties.getKeyRefresh()))) {
            Map<String, Entry> keys = new LinkedHashMap<>();
            for (FerryKey k : list()) {
                KeyAlgorithm algorithm = KeyAlgorithm.ofRegistryName(k.algorithm()).orElse(null);
                ECPublicKeyParameters pub = null;
                try {
                    pub = algorithm == null ? null : algorithm.readPublic(k.publicKey());
                } catch (IllegalArgumentException e) {
                    // edited in the database into something else: it verifies nothing
                }
                keys.put(k.keyId(), pub == null ? new Entry(k, null, null) : new Entry(k, algorithm, pub));
            }
            s = new Snapshot(now, Map.copyOf(keys));
            snapshot = s;
        }
        return s;
    }

    /** Forgets the cache (after a change on this hub: it takes effect here at once). */
    public void refresh() {
        snapshot = null;
    }

    /**
     * Registers a key, ACTIVE (or, from the import file, with the status and reason it gives: a key imported as
     * REVOKED is never ACTIVE for a moment); IllegalArgumentException names what is wrong with it,
     * IllegalStateException says that the id is taken.
     */
    public FerryKey register(FerryKey k) {
        check(k.keyId() != null && CODE.matcher(k.keyId()).matches(), "keyId must be 1-64 of [A-Za-z0-9._:-]");
        check(k.ownerKind() != null, "ownerKind is EXCHANGE, ENTERPRISE or HUB");
        check(k.owner() != null && CODE.matcher(k.owner()).matches(), "owner must be 1-64 of [A-Za-z0-9._:-]");
        check(k.ownerKind() == FerryKey.OwnerKind.EXCHANGE || k.speaksFor() == null || k.speaksFor().isEmpty(),
                "only an EXCHANGE key has speaksFor (an enterprise's key speaks for its own code only)");
        Set<String> speaks = k.speaksFor() == null ? Set.of() : new LinkedHashSet<>(k.speaksFor());
        speaks.forEach(c -> check(CODE.matcher(c).matches(), "speaksFor holds codes of 1-64 of [A-Za-z0-9._:-]"));
        // the algorithm is the registry's, per key (SM2 unless the operator says P-256); the key must be of its curve
        KeyAlgorithm alg = KeyAlgorithm.parse(k.algorithm()); // IllegalArgumentException names the two
        String algorithm = alg.registryName();
        alg.readPublic(k.publicKey()); // an SPKI PEM on the algorithm's curve, or IllegalArgumentException
        Instant now = clock.instant();
        Instant notBefore = k.notBefore() == null ? now : k.notBefore();
        Instant notAfter = k.notAfter() == null ? notBefore.plus(java.time.Duration.ofDays(730)) : k.notAfter();
        check(notAfter.isAfter(notBefore), "notAfter must be after notBefore");
        FerryKey.Status status = k.status() == null ? FerryKey.Status.ACTIVE : k.status();
        String reason = status == FerryKey.Status.ACTIVE ? null : k.statusReason();
        check(status == FerryKey.Status.ACTIVE || (reason != null && !reason.isBlank() && reason.length() <= 500),
                "a key registered " + status + " needs a reason (up to 500 characters)");
        try {
            jdbc.update("insert into ferry_key (key_id, owner_kind, owner, speaks_for, algorithm, public_key, "
                    + "not_before, not_after, status, status_at, status_reason, changed_by) "
                    + "values (?,?,?,?,?,?,?,?,?,?,?,?)", k.keyId(), k.ownerKind().name(), k.owner(),
                    speaks.isEmpty() ? null : String.join(",", speaks), algorithm, k.publicKey().strip() + "\n",
                    Timestamp.from(notBefore), Timestamp.from(notAfter), status.name(), Timestamp.from(now), reason,
                    k.changedBy());
        } catch (DuplicateKeyException e) {
            throw new IllegalStateException("key " + k.keyId() + " is registered already");
        }
        refresh();
        return get(k.keyId());
    }

    /**
     * ACTIVE to RETIRING (rotation: accepted for packages created up to the retirement plus
     * hub.ferry.key-retiring-grace), or to REVOKED (never accepted again, whatever the package's date).
     * REVOKED is final.
     */
    public FerryKey changeStatus(String keyId, FerryKey.Status status, String reason, String by) {
        check(status == FerryKey.Status.RETIRING || status == FerryKey.Status.REVOKED, "status is RETIRING or REVOKED");
        check(reason != null && !reason.isBlank() && reason.length() <= 500, "a reason (up to 500 characters) is required");
        int n = jdbc.update("update ferry_key set status = ?, status_at = ?, status_reason = ?, changed_by = ?, "
                + "changed_at = clock_timestamp() where key_id = ? and status <> 'REVOKED' and status <> ?",
                status.name(), Timestamp.from(clock.instant()), reason, by, keyId, status.name());
        if (n == 0) {
            FerryKey k = get(keyId); // NoSuchElementException when it does not exist
            throw new IllegalStateException("key " + keyId + " is " + k.status() + " already");
        }
        refresh();
        return get(keyId);
    }

    /**
     * A key the hub holds itself (its ACK key, the dev profile's exchange key): registered unless it is already,
     * with the same owner kind and public key. IllegalStateException when the id holds another key (or
     * another kind of owner); a second hub registering the same key at the same moment is no conflict.
     */
    public FerryKey ensure(FerryKey k) {
        FerryKey existing;
        try {
            existing = get(k.keyId());
        } catch (java.util.NoSuchElementException absent) {
            try {
                return register(k);
            } catch (IllegalStateException taken) {
                existing = get(k.keyId()); // registered by another hub in between
            }
        }
        if (existing.ownerKind() != k.ownerKind() || !existing.algorithm().equals(k.algorithm())
                || !samePublicKey(existing.publicKey(), k.publicKey())) {
            throw new IllegalStateException("key id " + k.keyId() + " is registered for another key ("
                    + existing.ownerKind() + " " + existing.owner() + ")");
        }
        return existing;
    }

    /**
     * Whether two SPKI PEMs hold the same public key of one algorithm's curve (whatever their line breaks); false if
     * either is none, or they are keys of different curves.
     */
    public static boolean samePublicKey(String pemA, String pemB) {
        for (KeyAlgorithm a : KeyAlgorithm.values()) {
            try {
                return a.readPublic(pemA).getQ().equals(a.readPublic(pemB).getQ());
            } catch (IllegalArgumentException | NullPointerException e) {
                // not a key of this curve: the next one
            }
        }
        return false;
    }

    /** Whether an EXCHANGE key is ACTIVE and valid at {@code now}, read from the table itself (not the cache). */
    public boolean hasActiveExchangeKey(Instant now) {
        return list().stream().anyMatch(k -> k.ownerKind() == FerryKey.OwnerKind.EXCHANGE
                && k.status() == FerryKey.Status.ACTIVE && !now.isBefore(k.notBefore()) && now.isBefore(k.notAfter()));
    }

    public FerryKey get(String keyId) {
        List<FerryKey> l = jdbc.query("select * from ferry_key where key_id = ?", KeyRegistry::row, keyId);
        if (l.isEmpty()) {
            throw new java.util.NoSuchElementException("no key " + keyId);
        }
        return l.get(0);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    private static FerryKey row(ResultSet rs, int i) throws SQLException {
        String speaks = rs.getString("speaks_for");
        return new FerryKey(rs.getString("key_id"), FerryKey.OwnerKind.valueOf(rs.getString("owner_kind")),
                rs.getString("owner"), speaks == null ? Set.of() : Set.copyOf(Arrays.asList(speaks.split(","))),
                rs.getString("algorithm"), rs.getString("public_key"), rs.getTimestamp("not_before").toInstant(),
                rs.getTimestamp("not_after").toInstant(), FerryKey.Status.valueOf(rs.getString("status")),
                rs.getTimestamp("status_at").toInstant(), rs.getString("status_reason"), rs.getString("changed_by"),
                rs.getTimestamp("changed_at").toInstant());
    }
}

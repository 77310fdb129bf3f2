package energyhub.ferry.signing;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import energyhub.ferry.FerryManifest;
import energyhub.ferry.FerryProperties;
import energyhub.ferry.PackageProblem;
import energyhub.signing.Dsse;
import energyhub.signing.SignatureProblem;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The gate before a ferry package's data file is opened (issue 22, docs/ferry-contract.md): a manifest
 * file that is a DSSE envelope is checked, cheapest and decisive checks first (its size was bounded by
 * the reader): the envelope's form, its payload type, each signature's key in the registry and that
 * key's status and validity, the DER, the SM2 signature; then what the signed payload says (target,
 * lifetime, sender) against the keys that signed it. The algorithm is the registry's for each key
 * (SM3withSM2, or SHA256withECDSA on P-256 for a key registered so), never the file's. A refusal is a {@link PackageProblem} with one code; it is counted here
 * ({@code hub.ferry.signature.refusals}, tag {@code code}); the routing core records it (the audit chain
 * gets it from the ledger) and answers REJECTED, the intake quarantines both files and logs one line.
 */
@Component
public class ManifestVerifier {

    private static final Logger log = LoggerFactory.getLogger(ManifestVerifier.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]{64}");
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final KeyRegistry registry;
    private final FerryProperties properties;
    private final Clock clock;
    private final ObjectProvider<MeterRegistry> meters;
    /** The check's wall time and its thread's CPU time (made on first use: the registry may come late). */
    private volatile Timer checkTimer;
    private volatile Timer checkCpuTimer;

    /**
     * An envelope whose signatures passed: its exact payload bytes (the v2 manifest), the keys that signed it and
     * when its check began ({@link System#nanoTime} and the thread's CPU time; {@link #payload} records the whole
     * check's time and CPU from there).
     */
    public record Verified(byte[] payload, List<String> keyIds, List<KeyRegistry.Entry> signers, long startedNanos,
            long startedCpuNanos) {
    }

    public ManifestVerifier(KeyRegistry registry, FerryProperties properties, Clock clock,
            ObjectProvider<MeterRegistry> meters) {
        this.registry = registry;
        this.properties = properties;
        this.clock = clock;
        this.meters = meters;
    }

    /**
     * Judges a manifest file's bytes (at most the manifest limit) under {@code hub.ferry.signatures}:
     * a verified envelope, or null for a v1 manifest (or bytes that are not JSON: the manifest reader
     * answers those) when the policy lets it through (warn: logged and counted).
     */
    public Verified envelope(String file, byte[] bytes) throws PackageProblem {
        long started = System.nanoTime();
        long startedCpu = THREADS.getCurrentThreadCpuTime();
        FerryProperties.Signatures policy = properties.getSignatures();
        JsonNode node;
        try {
            node = JSON.readTree(bytes);
        } catch (java.io.IOException e) {
            return null; // not JSON (yet): the reader's BAD_MANIFEST, with its wait for a manifest still being written
        }
        if (!Dsse.looksLikeEnvelope(node)) {
            if (policy == FerryProperties.Signatures.REQUIRED) {
                throw refused("manifest", "MANIFEST_NOT_SIGNED", "the manifest is not a signed envelope (v1); "
                        + "signatures are required", null);
            }
            count("hub.ferry.signature.unsigned", null);
            log.warn("{}: unsigned manifest (v1) accepted while hub.ferry.signatures=warn; it will be refused once "
                    + "signatures are required", file);
            return null;
        }
        Dsse.Envelope envelope;
        try {
            envelope = Dsse.parse(node);
        } catch (SignatureProblem p) {
            throw refused("manifest", p.code(), p.getMessage(), null);
        }
        if (!Dsse.MANIFEST_TYPE.equals(envelope.payloadType())) {
            throw refused("payloadType", "PAYLOAD_TYPE_UNEXPECTED", "payloadType is not " + Dsse.MANIFEST_TYPE, null);
        }
        Instant now = clock.instant();
        List<KeyRegistry.Entry> signers = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        byte[] pae = null;
        for (Dsse.Signature s : envelope.signatures()) {
            KeyRegistry.Entry e = registry.find(s.keyid()).orElseThrow(() -> refused("keyid", "KEY_UNKNOWN",
                    "key " + s.keyid() + " is not registered", s.keyid()));
            checkKey(e.key(), now, null);
            if (e.publicKey() == null || e.algorithm() == null) {
                throw refused("keyid", "KEY_UNKNOWN", "key " + s.keyid() + " has no usable public key for its algorithm "
                        + quote(e.key().algorithm()), s.keyid());
            }
            if (pae == null) {
                pae = Dsse.pae(envelope.payloadType(), envelope.payload());
            }
            try {
                // the registry's algorithm for this key id, never the file's: SM3withSM2 (the contract's user ID) or,
                // for a key registered so, SHA256withECDSA on P-256; either with the strict DER checks
                e.algorithm().verify(e.publicKey(), pae, s.sig());
            } catch (SignatureProblem p) {
                throw refused("sig", p.code(), "signature of key " + s.keyid() + ": " + p.getMessage(), s.keyid());
            }
            signers.add(e);
            ids.add(s.keyid());
        }
        return new Verified(envelope.payload(), List.copyOf(ids), List.copyOf(signers), started, startedCpu);
    }

    /** Status and validity of a key at {@code now}; for a RETIRING key also the package's creation time. */
    private void checkKey(FerryKey k, Instant now, Instant createdAt) throws PackageProblem {
        String id = k.keyId();
        if (k.status() == FerryKey.Status.REVOKED) {
            throw refused("keyid", "KEY_REVOKED", "key " + id + " was revoked at " + k.statusAt()
                    + (k.statusReason() == null ? "" : " (" + k.statusReason() + ")"), id);
        }
        if (now.isBefore(k.notBefore())) {
            throw refused("keyid", "KEY_NOT_YET_VALID", "key " + id + " is valid from " + k.notBefore(), id);
        }
        if (!now.isBefore(k.notAfter())) {
            throw refused("keyid", "KEY_EXPIRED", "key " + id + " expired at " + k.notAfter(), id);
        }
        if (k.status() == FerryKey.Status.RETIRING) {
            Instant end = k.statusAt().plus(properties.getKeyRetiringGrace());
            if (!now.isBefore(end) || (createdAt != null && createdAt.isAfter(end))) {
                throw refused("keyid", "KEY_EXPIRED", "key " + id + " was retired at " + k.statusAt()
                        + " and its grace of " + properties.getKeyRetiringGrace() + " is over", id);
            }
        }
    }

    /**
     * The signed payload's own checks: v2 fields, target, lifetime, and who may send for whom; the
     * enterprises the package's records may name (null: any).
     */
    public Set<String> payload(FerryManifest m, Verified v) throws PackageProblem {
        String keys = String.join(",", v.keyIds());
        if (m.sm3() == null || !HEX.matcher(m.sm3()).matches()) {
            throw refused("sm3", "BAD_MANIFEST", "a signed manifest (v2) gives sm3 as 64 hex digits", keys);
        }
        String target = properties.getTarget();
        if (target == null || target.isBlank() || !target.equals(m.target())) {
            throw refused("target", "TARGET_MISMATCH", "the package is for " + quote(m.target())
                    + ", this hub serves " + quote(target), keys);
        }
        Instant created = instant(m.createdAt(), "createdAt", keys);
        Instant notAfter = instant(m.notAfter(), "notAfter", keys);
        Instant now = clock.instant();
        if (Duration.between(created, notAfter).compareTo(properties.getMaxPackageLifetime()) > 0
                || !notAfter.isAfter(created)) {
            throw refused("notAfter", "PACKAGE_EXPIRED", "notAfter " + m.notAfter() + " is not within "
                    + properties.getMaxPackageLifetime() + " after createdAt " + m.createdAt(), keys);
        }
        if (!now.isBefore(notAfter)) {
            throw refused("notAfter", "PACKAGE_EXPIRED", "the package expired at " + m.notAfter(), keys);
        }
        if (created.isAfter(now.plus(properties.getMaxClockSkew()))) {
            throw refused("createdAt", "PACKAGE_EXPIRED", "createdAt " + m.createdAt() + " is in the future", keys);
        }
        for (KeyRegistry.Entry e : v.signers()) {
            checkKey(e.key(), now, created); // a RETIRING key: only packages created within its grace
        }
        String sender = m.sender();
        boolean exchange = false;
        Set<String> records = null;
        for (KeyRegistry.Entry e : v.signers()) {
            FerryKey k = e.key();
            if (k.ownerKind() == FerryKey.OwnerKind.HUB) {
                throw refused("sender", "SENDER_NOT_ALLOWED", "key " + k.keyId() + " is a hub's, it sends no data", keys);
            }
            if (sender == null || !k.speaksFor(sender)) {
                throw refused("sender", "SENDER_NOT_ALLOWED", "key " + k.keyId() + " (" + k.ownerKind() + " "
                        + k.owner() + ") may not speak for sender " + quote(sender), keys);
            }
            if (k.ownerKind() == FerryKey.OwnerKind.EXCHANGE) {
                exchange = true;
                if (!k.speaksFor().isEmpty()) {
                    records = intersect(records, k.speaksFor());
                }
            } else {
                records = intersect(records, Set.of(k.owner()));
            }
        }
        if (!exchange) {
            throw refused("sig", "SENDER_NOT_ALLOWED", "no exchange server key signed the package", keys);
        }
        if (registry.enterpriseSigns(sender, now) && v.signers().stream()
                .noneMatch(e -> e.key().ownerKind() == FerryKey.OwnerKind.ENTERPRISE)) {
            throw refused("sig", "SENDER_NOT_ALLOWED", "enterprise " + sender
                    + " signs its packages, and this one lacks its signature", keys);
        }
        timed(v);
        return records;
    }

    /**
     * Records what a signed package cost to check, envelope to sender rules (the data file's sm3 is computed while
     * the data is read, as sha256 is for v1): {@code hub.ferry.signature.check} (wall time, waits for a CPU
     * included) and {@code hub.ferry.signature.check.cpu} (the thread's CPU time, the steadier figure, which
     * bench/signature-cost.sh sets beside the hub's CPU per package).
     */
    private void timed(Verified v) {
        Timer wall = checkTimer;
        Timer cpu = checkCpuTimer;
        if (wall == null) {
            MeterRegistry m = meters.getIfAvailable();
            if (m == null) {
                return;
            }
            wall = Timer.builder("hub.ferry.signature.check")
                    .description("wall time of checking one signed manifest").register(m);
            cpu = Timer.builder("hub.ferry.signature.check.cpu")
                    .description("CPU time of checking one signed manifest (its thread's)").register(m);
            checkCpuTimer = cpu;
            checkTimer = wall;
        }
        wall.record(System.nanoTime() - v.startedNanos(), TimeUnit.NANOSECONDS);
        cpu.record(THREADS.getCurrentThreadCpuTime() - v.startedCpuNanos(), TimeUnit.NANOSECONDS);
    }

    private static Set<String> intersect(Set<String> a, Set<String> b) {
        if (a == null) {
            return Set.copyOf(b);
        }
        Set<String> r = new HashSet<>(a);
        r.retainAll(b);
        return Set.copyOf(r);
    }

    private Instant instant(String text, String field, String keys) throws PackageProblem {
        try {
            return OffsetDateTime.parse(text == null ? "" : text).toInstant();
        } catch (DateTimeParseException e) {
            throw refused(field, "BAD_MANIFEST", field + " is not an ISO-8601 time with offset", keys);
        }
    }

    private static String quote(String s) {
        return s == null ? "none" : "\"" + (s.length() > 64 ? s.substring(0, 64) + "..." : s) + "\"";
    }

    /** Counts a refusal by its code and returns it (the key, when known, is in its message). */
    private PackageProblem refused(String field, String code, String message, String keyId) {
        count("hub.ferry.signature.refusals", code);
        return new PackageProblem(field, code, message + (keyId == null || message.contains(keyId) ? "" : " (key " + keyId + ")"));
    }

    private void count(String name, String code) {
        MeterRegistry m = meters.getIfAvailable();
        if (m != null) {
            (code == null ? m.counter(name) : m.counter(name, "code", code)).increment();
        }
    }
}

package energyhub.ferry.signing;

import energyhub.routing.HubConfigurationException;
import energyhub.signing.Sm2;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * The key import file ({@code hub.ferry.keys-import-file}; docs/ferry-contract.md, "The key import file"): a
 * YAML list of public keys the hub brings into the key registry when it starts, so a province can keep its
 * exchange servers' keys with its configuration and a hub never starts with signatures required and no key.
 * <pre>
 * keys:
 *   - keyId: exchange-2026a          # 1-64 of [A-Za-z0-9._:-]
 *     ownerKind: EXCHANGE            # EXCHANGE, ENTERPRISE or HUB
 *     owner: exchange-a              # the exchange server's name, the enterprise's code, the hub's
 *     speaksFor: []                  # EXCHANGE only: the enterprise codes it may send for; empty = every one
 *     algorithm: SM3withSM2          # optional: SM3withSM2 (default) or SHA256withECDSA (a P-256 key)
 *     notBefore: 2026-12-01T00:00:00Z
 *     notAfter: 2028-12-01T00:00:00Z
 *     status: ACTIVE                 # optional: ACTIVE (default), RETIRING or REVOKED, with a reason
 *     publicKey: |
 *       -----BEGIN PUBLIC KEY-----
 *       ...
 *       -----END PUBLIC KEY-----
 * </pre>
 * The import never overwrites: a key not yet registered is added; an entry equal to its registered key
 * changes nothing (so every hub of a cluster may import the same file at every start); a key may move
 * forward (ACTIVE to RETIRING to REVOKED) but never back, so an entry still saying ACTIVE leaves a key an
 * operator retired or revoked as it is. An entry that differs from its registered key in anything else (above
 * all another public key under the same id) stops the start with one line naming the file, the entry and
 * the key; nothing of the file is applied then. Each change is a row of the table, which its trigger writes
 * into the audit chain with {@code by=import:<file>}.
 * <p>
 * The file is the operators' (like application-prod.yml), but read as if it were hostile: at most
 * {@link #MAX_BYTES}, strict UTF-8, one YAML document of plain maps, lists and strings (no tags that make
 * objects, no aliases of collections, every scalar a string, nesting at most 8 deep), at most
 * {@link #MAX_KEYS} keys, unknown or repeated fields refused.
 */
public final class KeyImport {

    private static final Logger log = LoggerFactory.getLogger(KeyImport.class);

    public static final String PROPERTY = "hub.ferry.keys-import-file";
    /** Largest import file: some 4,000 keys of the form above. */
    public static final int MAX_BYTES = 1024 * 1024;
    /** Most keys one file may hold (the registry is read whole every hub.ferry.key-refresh). */
    public static final int MAX_KEYS = 1000;
    private static final int MAX_PEM_CHARS = 4096;
    private static final int MAX_SPEAKS_FOR = 10_000;
    private static final Pattern CODE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final Set<String> FIELDS = Set.of("keyId", "ownerKind", "owner", "speaksFor", "algorithm",
            "publicKey", "notBefore", "notAfter", "status", "reason");

    /** One entry of the file, checked: the key as it is to be registered (its status and reason included). */
    public record Entry(int number, FerryKey key) {
    }

    /** What an import did. */
    public record Result(int added, int changed, int unchanged) {
    }

    private final Path file;
    private final String by;

    KeyImport(Path file) {
        this.file = file;
        this.by = "import:" + file;
    }

    /**
     * Reads the file, checks every entry against the registry, then applies what is new; a
     * {@link HubConfigurationException} naming the file, the entry and the key when anything is wrong (then
     * nothing is applied).
     */
    public static Result run(Path file, KeyRegistry registry) {
        KeyImport i = new KeyImport(file.toAbsolutePath().normalize());
        return i.apply(i.parse(i.read()), registry);
    }

    // ---- reading ----

    byte[] read() {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new HubConfigurationException(PROPERTY, "(" + file + ") does not exist or is not a file the hub can read",
                    "create it with the exchange servers' public keys (docs/ferry-contract.md, \"The key import file\"), "
                            + "or set " + PROPERTY + " empty and register the keys through the operator API");
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw refused(null, null, "is larger than " + MAX_BYTES + " bytes");
            }
            return bytes;
        } catch (IOException e) {
            throw refused(null, null, "cannot be read: " + e.getMessage());
        }
    }

    /** The file's entries, each checked on its own and against the others (no id twice). */
    List<Entry> parse(byte[] bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw refused(null, null, "is not UTF-8 text");
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        Object doc;
        try {
            doc = yaml().load(text);
        } catch (RuntimeException e) { // YAMLException, also for a duplicate key, an alias, a tag, depth
            throw refused(null, null, "is not a YAML document of the import's form: " + shorten(e.getMessage(), 300));
        }
        if (doc == null) {
            return List.of(); // an empty file: no keys
        }
        if (!(doc instanceof Map<?, ?> top) || !top.keySet().equals(Set.of("keys"))) {
            throw refused(null, null, "must be a map with the one field 'keys', a list of keys");
        }
        Object keys = top.get("keys");
        if ("".equals(keys)) {
            return List.of(); // "keys:" with nothing after it
        }
        if (!(keys instanceof List<?> list)) {
            throw refused(null, null, "'keys' must be a list of keys");
        }
        if (list.size() > MAX_KEYS) {
            throw refused(null, null, "holds " + list.size() + " keys, at most " + MAX_KEYS + " are imported");
        }
        List<Entry> entries = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int n = 1; n <= list.size(); n++) {
            Entry e = entry(n, list.get(n - 1));
            if (!ids.add(e.key().keyId())) {
                throw refused(n, e.key().keyId(), "the key id is in the file twice");
            }
            entries.add(e);
        }
        return entries;
    }

    private static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(0); // no billion laughs
        options.setAllowRecursiveKeys(false);
        options.setNestingDepthLimit(8);
        options.setCodePointLimit(MAX_BYTES);
        Resolver plain = new Resolver() {
            @Override
            protected void addImplicitResolvers() {
                // none: every plain scalar is a string (no dates, numbers or booleans guessed from text)
            }
        };
        DumperOptions dump = new DumperOptions();
        return new Yaml(new SafeConstructor(options), new Representer(dump), dump, options, plain);
    }

    private Entry entry(int n, Object item) {
        if (!(item instanceof Map<?, ?> m)) {
            throw refused(n, null, "is not a map of the key's fields");
        }
        String id = m.get("keyId") instanceof String s ? s : null;
        if (id == null || !CODE.matcher(id).matches()) {
            throw refused(n, null, "keyId must be 1-64 of [A-Za-z0-9._:-]");
        }
        for (Object field : m.keySet()) {
            if (!FIELDS.contains(field)) {
                throw refused(n, id, "unknown field '" + shorten(String.valueOf(field)) + "' (the fields are "
                        + String.join(", ", new java.util.TreeSet<>(FIELDS)) + ")");
            }
        }
        FerryKey.OwnerKind kind = enumOf(FerryKey.OwnerKind.class, string(m, "ownerKind", true, n, id), "ownerKind", n, id);
        String owner = string(m, "owner", true, n, id);
        if (!CODE.matcher(owner).matches()) {
            throw refused(n, id, "owner must be 1-64 of [A-Za-z0-9._:-]");
        }
        Set<String> speaksFor = new LinkedHashSet<>();
        Object speaks = m.get("speaksFor");
        if (speaks != null && !"".equals(speaks)) {
            if (!(speaks instanceof List<?> codes) || codes.size() > MAX_SPEAKS_FOR) {
                throw refused(n, id, "speaksFor must be a list of up to " + MAX_SPEAKS_FOR + " enterprise codes");
            }
            for (Object c : codes) {
                if (!(c instanceof String code) || !CODE.matcher(code).matches()) {
                    throw refused(n, id, "speaksFor holds enterprise codes of 1-64 of [A-Za-z0-9._:-]");
                }
                speaksFor.add(code);
            }
            if (!speaksFor.isEmpty() && kind != FerryKey.OwnerKind.EXCHANGE) {
                throw refused(n, id, "only an EXCHANGE key has speaksFor (an enterprise's key speaks for its own code only)");
            }
        }
        String algorithmName = string(m, "algorithm", false, n, id);
        energyhub.signing.KeyAlgorithm algorithm = algorithmName == null ? energyhub.signing.KeyAlgorithm.SM2
                : energyhub.signing.KeyAlgorithm.ofRegistryName(algorithmName).orElseThrow(() -> refused(n, id,
                        "algorithm must be " + Sm2.ALGORITHM + " (the default) or "
                                + energyhub.signing.KeyAlgorithm.P256.registryName()));
        String pem = string(m, "publicKey", true, n, id);
        if (pem.length() > MAX_PEM_CHARS) {
            throw refused(n, id, "publicKey is longer than " + MAX_PEM_CHARS + " characters");
        }
        try {
            algorithm.readPublic(pem); // a key of the entry's algorithm's curve only
        } catch (IllegalArgumentException e) {
            throw refused(n, id, "publicKey: " + e.getMessage());
        }
        Instant notBefore = instant(m, "notBefore", n, id);
        Instant notAfter = instant(m, "notAfter", n, id);
        if (!notAfter.isAfter(notBefore)) {
            throw refused(n, id, "notAfter must be after notBefore");
        }
        String statusText = string(m, "status", false, n, id);
        FerryKey.Status status = statusText == null ? FerryKey.Status.ACTIVE
                : enumOf(FerryKey.Status.class, statusText, "status", n, id);
        String reason = string(m, "reason", false, n, id);
        if (status != FerryKey.Status.ACTIVE && (reason == null || reason.isBlank() || reason.length() > 500)) {
            throw refused(n, id, "a key listed " + status + " needs a reason (up to 500 characters)");
        }
        return new Entry(n, new FerryKey(id, kind, owner, Set.copyOf(speaksFor), algorithm.registryName(), pem.strip() + "\n",
                notBefore, notAfter, status, null, status == FerryKey.Status.ACTIVE ? null : reason, by, null));
    }

    private String string(Map<?, ?> m, String field, boolean required, int n, String id) {
        Object v = m.get(field);
        if (v == null || "".equals(v)) {
            if (required) {
                throw refused(n, id, field + " is required");
            }
            return null;
        }
        if (!(v instanceof String s)) {
            throw refused(n, id, field + " must be text");
        }
        return s;
    }

    private <E extends Enum<E>> E enumOf(Class<E> type, String value, String field, int n, String id) {
        try {
            return Enum.valueOf(type, value);
        } catch (IllegalArgumentException e) {
            throw refused(n, id, field + " is '" + shorten(value) + "', not one of "
                    + java.util.Arrays.toString(type.getEnumConstants()));
        }
    }

    /** An ISO-8601 time with its offset, e.g. 2026-12-01T00:00:00Z; kept to the microsecond, as PostgreSQL does. */
    private Instant instant(Map<?, ?> m, String field, int n, String id) {
        String text = string(m, field, true, n, id);
        try {
            return OffsetDateTime.parse(text).toInstant().truncatedTo(ChronoUnit.MICROS);
        } catch (DateTimeParseException e) {
            throw refused(n, id, field + " is '" + shorten(text) + "', not an ISO-8601 time with offset "
                    + "(e.g. 2026-12-01T00:00:00Z)");
        }
    }

    // ---- applying ----

    private enum Step { ADD, CHANGE_STATUS, NONE }

    private record Planned(Entry entry, Step step) {
    }

    Result apply(List<Entry> entries, KeyRegistry registry) {
        List<Planned> plan = new ArrayList<>();
        for (Entry e : entries) { // every entry checked before anything changes
            plan.add(new Planned(e, plan(e, registry)));
        }
        int added = 0;
        int changed = 0;
        int unchanged = 0;
        for (Planned p : plan) {
            FerryKey k = p.entry().key();
            Step step = p.step();
            if (step == Step.ADD) {
                try {
                    registry.register(k);
                    added++;
                    log.info("key import {}: added key {} ({} {}, {}, valid {} to {}, {})", file, k.keyId(), k.ownerKind(),
                            k.owner(), speaks(k), k.notBefore(), k.notAfter(), k.status());
                    continue;
                } catch (IllegalStateException taken) { // another hub imported it in between: judged as registered
                    step = plan(p.entry(), registry);
                } catch (IllegalArgumentException wrong) {
                    throw refused(p.entry().number(), k.keyId(), wrong.getMessage());
                }
            }
            if (step == Step.CHANGE_STATUS) {
                try {
                    registry.changeStatus(k.keyId(), k.status(), k.statusReason(), by);
                    changed++;
                    log.info("key import {}: key {} is now {} ({})", file, k.keyId(), k.status(), k.statusReason());
                    continue;
                } catch (IllegalStateException already) {
                    // changed by another hub in between: nothing left to do
                }
            }
            unchanged++;
        }
        log.info("key import {}: {} keys, {} added, {} changed, {} unchanged", file, entries.size(), added, changed, unchanged);
        return new Result(added, changed, unchanged);
    }

    /** What an entry needs, or the refusal when it disagrees with its registered key. */
    private Step plan(Entry e, KeyRegistry registry) {
        FerryKey want = e.key();
        FerryKey have;
        try {
            have = registry.get(want.keyId());
        } catch (NoSuchElementException absent) {
            return Step.ADD;
        }
        if (!KeyRegistry.samePublicKey(have.publicKey(), want.publicKey())) {
            throw new HubConfigurationException(PROPERTY, "(" + file + ") entry " + e.number() + ", key " + want.keyId()
                    + ": another public key than the one registered under this id; the registry is never overwritten",
                    "give the new key a new keyId (rotation: docs/ferry-contract.md, \"Rotate\"), or correct the entry");
        }
        differs(e, "ownerKind", have.ownerKind(), want.ownerKind());
        differs(e, "owner", have.owner(), want.owner());
        differs(e, "speaksFor", Set.copyOf(have.speaksFor()), want.speaksFor());
        differs(e, "algorithm", have.algorithm(), want.algorithm());
        differs(e, "notBefore", have.notBefore(), want.notBefore());
        differs(e, "notAfter", have.notAfter(), want.notAfter());
        if (rank(want.status()) > rank(have.status())) {
            return Step.CHANGE_STATUS;
        }
        if (rank(want.status()) < rank(have.status())) {
            log.info("key import {}: entry {}, key {} stays {} (since {}, by {}): an import never makes a key {} again",
                    file, e.number(), want.keyId(), have.status(), have.statusAt(), have.changedBy(), want.status());
        }
        return Step.NONE;
    }

    private static int rank(FerryKey.Status s) {
        return switch (s) {
            case ACTIVE -> 0;
            case RETIRING -> 1;
            case REVOKED -> 2;
        };
    }

    private void differs(Entry e, String field, Object registered, Object listed) {
        if (!registered.equals(listed)) {
            throw new HubConfigurationException(PROPERTY, "(" + file + ") entry " + e.number() + ", key "
                    + e.key().keyId() + ": " + field + " is " + shorten(String.valueOf(listed)) + ", the registered key's is "
                    + shorten(String.valueOf(registered)) + "; the registry is never overwritten",
                    "correct the entry to what is registered (GET /api/operator/ferry-keys/" + e.key().keyId()
                            + "), or register the key under a new keyId");
        }
    }

    private static String speaks(FerryKey k) {
        return k.ownerKind() != FerryKey.OwnerKind.EXCHANGE ? "speaks for its owner"
                : k.speaksFor().isEmpty() ? "speaks for every enterprise" : "speaks for " + k.speaksFor().size() + " enterprises";
    }

    // ---- refusals ----

    private HubConfigurationException refused(Integer entry, String keyId, String problem) {
        String where = entry == null ? "" : " entry " + entry + (keyId == null ? "" : ", key " + keyId) + ":";
        return new HubConfigurationException(PROPERTY, "(" + file + ")" + where + " " + problem,
                "correct the file (its form: docs/ferry-contract.md, \"The key import file\")");
    }

    private static String shorten(String s) {
        return shorten(s, 80);
    }

    private static String shorten(String s, int max) {
        String one = oneLine(s);
        return one.length() > max ? one.substring(0, max) + "..." : one;
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").strip();
    }
}

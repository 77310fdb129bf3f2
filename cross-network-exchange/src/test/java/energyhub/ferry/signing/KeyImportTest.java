package energyhub.ferry.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energyhub.ferry.FerryProperties;
import energyhub.routing.HubConfigurationException;
import energyhub.signing.Sm2;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * The key import file (hub.ferry.keys-import-file) on a real PostgreSQL with the registry's migrations (V4xx)
 * and its audit trigger: keys added once, the same file again changes nothing, another public key under a
 * registered id stops the start naming file, entry and key with nothing applied, a REVOKED key stays revoked,
 * and every change is an audit row by=import:FILE. Hostile files are refused before the database is asked.
 */
class KeyImportTest {

    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    private static final String DB = "key_import_test_" + System.currentTimeMillis() / 1000 + "_"
            + UUID.randomUUID().toString().substring(0, 8);
    private static JdbcTemplate jdbc;

    private Path dir;
    private KeyRegistry registry;

    @BeforeAll
    static void database() throws Exception {
        try (java.net.Socket probe = new java.net.Socket()) {
            probe.connect(new java.net.InetSocketAddress("127.0.0.1", 5432), 500);
        } catch (java.io.IOException e) {
            org.junit.jupiter.api.Assumptions.abort("no PostgreSQL on 127.0.0.1:5432 (.ci/run starts one)");
        }
        try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", "")) {
            c.createStatement().execute("create database " + DB);
        }
        jdbc = new JdbcTemplate(new SimpleDriverDataSource(new org.postgresql.Driver(), SERVER + DB, "postgres", ""));
        // the audit queue the monitoring module's V200 makes (the trigger of V400 writes into it)
        jdbc.execute("create table audit_pending (id bigserial primary key, at timestamptz not null default "
                + "clock_timestamp(), action text not null, subject text, result text not null, detail text, batch_pk bigint)");
        // the registry's migrations, in order (V400, then V401's second algorithm, ...)
        try (var files = Files.list(Path.of("src/main/resources/db/migration"))) {
            for (Path m : files.filter(f -> f.getFileName().toString().matches("V4\\d\\d__.*\\.sql"))
                    .sorted(java.util.Comparator.comparing(f -> f.getFileName().toString())).toList()) {
                jdbc.execute(Files.readString(m));
            }
        }
    }

    @AfterAll
    static void drop() throws Exception {
        if (jdbc != null) {
            try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", "")) {
                c.createStatement().execute("drop database if exists " + DB + " with (force)");
            }
        }
    }

    @BeforeEach
    void fresh() throws Exception {
        jdbc.update("delete from ferry_key");
        jdbc.update("delete from audit_pending");
        dir = Files.createTempDirectory("key-import");
        registry = new KeyRegistry(jdbc, new FerryProperties(), Clock.systemUTC());
    }

    static String pem() {
        return Sm2.publicPem(Sm2.publicOf((ECPrivateKeyParameters) Sm2.generate(new SecureRandom()).getPrivate()));
    }

    /** One entry of the file, the PEM as a YAML block. */
    static String entry(String id, String kind, String owner, String extra, String pem) {
        StringBuilder b = new StringBuilder("  - keyId: " + id + "\n    ownerKind: " + kind + "\n    owner: " + owner + "\n"
                + "    notBefore: 2026-01-01T00:00:00Z\n    notAfter: 2030-01-01T00:00:00+08:00\n");
        if (!extra.isEmpty()) {
            b.append(extra.indent(4));
        }
        b.append("    publicKey: |\n").append(pem.indent(6));
        return b.toString();
    }

    Path file(String... entries) throws Exception {
        return Files.writeString(dir.resolve("ferry-keys.yml"), "keys:\n" + String.join("", entries));
    }

    List<Map<String, Object>> audit() {
        return jdbc.queryForList("select action, subject, result, detail from audit_pending order by id");
    }

    @Test
    void keysAreAddedOnceAndTheSameFileAgainChangesNothing() throws Exception {
        String exchange = pem();
        String enterprise = pem();
        Path f = file(entry("exchange-2026a", "EXCHANGE", "exchange-a", "speaksFor: [91530100MA6NX4QW2G, 91350100M000100Y43]", exchange),
                entry("ent-2026", "ENTERPRISE", "91530100MA6NX4QW2G", "algorithm: SM3withSM2", enterprise));

        assertThat(KeyImport.run(f, registry)).isEqualTo(new KeyImport.Result(2, 0, 0));

        FerryKey k = registry.get("exchange-2026a");
        assertThat(k.ownerKind()).isEqualTo(FerryKey.OwnerKind.EXCHANGE);
        assertThat(k.speaksFor()).containsExactlyInAnyOrder("91530100MA6NX4QW2G", "91350100M000100Y43");
        assertThat(k.status()).isEqualTo(FerryKey.Status.ACTIVE);
        assertThat(k.notAfter()).isEqualTo(java.time.Instant.parse("2029-12-31T16:00:00Z"));
        assertThat(KeyRegistry.samePublicKey(k.publicKey(), exchange)).isTrue();
        assertThat(k.changedBy()).isEqualTo("import:" + f.toAbsolutePath());
        assertThat(registry.get("ent-2026").owner()).isEqualTo("91530100MA6NX4QW2G");
        assertThat(audit()).extracting(r -> r.get("action") + " " + r.get("subject") + " " + r.get("result"))
                .containsExactly("FERRY_KEY_ADDED exchange-2026a ACTIVE", "FERRY_KEY_ADDED ent-2026 ACTIVE");
        assertThat(audit()).allSatisfy(r -> assertThat((String) r.get("detail")).contains("by=import:" + f.toAbsolutePath()));

        // at the next start, or on the next hub of the cluster: nothing changes, nothing is audited again
        assertThat(KeyImport.run(f, registry)).isEqualTo(new KeyImport.Result(0, 0, 2));
        assertThat(audit()).hasSize(2);
    }

    @Test
    void anotherPublicKeyUnderARegisteredIdIsRefusedNamingFileEntryAndKeyAndNothingIsApplied() throws Exception {
        KeyImport.run(file(entry("exchange-2026a", "EXCHANGE", "exchange-a", "", pem())), registry);
        Path f = file(entry("new-one", "EXCHANGE", "exchange-b", "", pem()),
                entry("exchange-2026a", "EXCHANGE", "exchange-a", "", pem()));

        assertThatThrownBy(() -> KeyImport.run(f, registry)).isInstanceOf(HubConfigurationException.class)
                .hasFieldOrPropertyWithValue("setting", "hub.ferry.keys-import-file")
                .hasMessage("hub.ferry.keys-import-file (" + f.toAbsolutePath() + ") entry 2, key exchange-2026a: another "
                        + "public key than the one registered under this id; the registry is never overwritten");
        assertThat(registry.list()).extracting(FerryKey::keyId).containsExactly("exchange-2026a");
        assertThat(audit()).hasSize(1);
    }

    @Test
    void anEntryThatDiffersFromItsRegisteredKeyInAnythingElseIsRefusedToo() throws Exception {
        String key = pem();
        KeyImport.run(file(entry("city", "EXCHANGE", "city-kunming", "speaksFor: [91530100MA6NX4QW2G]", key)), registry);
        Path wider = file(entry("city", "EXCHANGE", "city-kunming", "speaksFor: []", key));

        assertThatThrownBy(() -> KeyImport.run(wider, registry)).isInstanceOf(HubConfigurationException.class)
                .hasMessageContaining("entry 1, key city: speaksFor is [], the registered key's is [91530100MA6NX4QW2G]");
        assertThat(registry.get("city").speaksFor()).containsExactly("91530100MA6NX4QW2G");
    }

    @Test
    void aKeyRevokedByAnOperatorStaysRevokedWhateverTheFileSays() throws Exception {
        String key = pem();
        Path f = file(entry("exchange-2026a", "EXCHANGE", "exchange-a", "", key));
        KeyImport.run(f, registry);
        registry.changeStatus("exchange-2026a", FerryKey.Status.REVOKED, "leaked", "operator:alice");

        assertThat(KeyImport.run(f, registry)).isEqualTo(new KeyImport.Result(0, 0, 1));
        assertThat(registry.get("exchange-2026a").status()).isEqualTo(FerryKey.Status.REVOKED);
        assertThat(registry.get("exchange-2026a").changedBy()).isEqualTo("operator:alice");
        Path retiring = file(entry("exchange-2026a", "EXCHANGE", "exchange-a", "status: RETIRING\nreason: rotated", key));
        KeyImport.run(retiring, registry);
        assertThat(registry.get("exchange-2026a").status()).isEqualTo(FerryKey.Status.REVOKED);
        assertThat(audit()).extracting(r -> r.get("result")).containsExactly("ACTIVE", "REVOKED");
    }

    @Test
    void theFileMovesAKeyForwardButNeverBack() throws Exception {
        String key = pem();
        KeyImport.run(file(entry("old", "EXCHANGE", "exchange-a", "", key)), registry);
        Path retire = file(entry("old", "EXCHANGE", "exchange-a", "status: RETIRING\nreason: rotated to new", key));

        assertThat(KeyImport.run(retire, registry)).isEqualTo(new KeyImport.Result(0, 1, 0));
        assertThat(registry.get("old").status()).isEqualTo(FerryKey.Status.RETIRING);
        assertThat(audit()).last().satisfies(r -> {
            assertThat(r.get("action")).isEqualTo("FERRY_KEY_CHANGED");
            assertThat((String) r.get("detail")).contains("by=import:").contains("reason=rotated to new");
        });
        // the file as it was before: the key stays RETIRING
        KeyImport.run(file(entry("old", "EXCHANGE", "exchange-a", "", key)), registry);
        assertThat(registry.get("old").status()).isEqualTo(FerryKey.Status.RETIRING);
    }

    @Test
    void aKeyListedRevokedIsRegisteredRevokedNeverActiveForAMoment() throws Exception {
        KeyImport.run(file(entry("stolen", "EXCHANGE", "exchange-a", "status: REVOKED\nreason: found on a USB stick", pem())),
                registry);
        assertThat(registry.get("stolen").status()).isEqualTo(FerryKey.Status.REVOKED);
        assertThat(audit()).extracting(r -> r.get("action") + " " + r.get("result")).containsExactly("FERRY_KEY_ADDED REVOKED");
    }

    @Test
    void twoHubsImportingTheSameFileAtOnceAddEachKeyOnce() throws Exception {
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            entries.add(entry("k" + i, "EXCHANGE", "exchange-a", "", pem()));
        }
        Path f = file(entries.toArray(String[]::new));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<KeyImport.Result>> runs = new ArrayList<>();
            for (int hub = 0; hub < 2; hub++) {
                KeyRegistry own = new KeyRegistry(jdbc, new FerryProperties(), Clock.systemUTC());
                runs.add(pool.submit(() -> KeyImport.run(f, own)));
            }
            int added = 0;
            for (Future<KeyImport.Result> r : runs) {
                KeyImport.Result result = r.get();
                assertThat(result.added() + result.unchanged()).isEqualTo(20);
                added += result.added();
            }
            assertThat(added).isEqualTo(20);
        } finally {
            pool.shutdown();
        }
        assertThat(audit()).hasSize(20);
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = dir.resolve("nothing.yml");
        assertThatThrownBy(() -> KeyImport.run(missing, registry)).isInstanceOf(HubConfigurationException.class)
                .hasMessage("hub.ferry.keys-import-file (" + missing + ") does not exist or is not a file the hub can read");
    }

    // ---- hostile files: refused by the parser, one line each, before the registry is asked ----

    String refusal(String text) {
        return refusal(text.getBytes(StandardCharsets.UTF_8));
    }

    String refusal(byte[] bytes) {
        try {
            new KeyImport(dir.resolve("ferry-keys.yml")).parse(bytes);
        } catch (HubConfigurationException e) {
            assertThat(e.getMessage()).doesNotContain("\n").startsWith("hub.ferry.keys-import-file (" + dir.resolve("ferry-keys.yml") + ")");
            return e.getMessage();
        }
        throw new AssertionError("not refused: " + new String(bytes, StandardCharsets.UTF_8));
    }

    @Test
    void hostileFilesAreRefusedEachWithOneLine() throws Exception {
        String good = entry("k1", "EXCHANGE", "exchange-a", "", pem());
        assertThat(new KeyImport(dir.resolve("f")).parse(("keys:\n" + good).getBytes(StandardCharsets.UTF_8))).hasSize(1);
        assertThat(new KeyImport(dir.resolve("f")).parse("".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(new KeyImport(dir.resolve("f")).parse("keys: []\n".getBytes(StandardCharsets.UTF_8))).isEmpty();

        assertThat(refusal("keys:\n" + good.replace("ownerKind: EXCHANGE", "ownerKind: EXCHANGE\n    ownerkind: HUB")))
                .contains("entry 1, key k1: unknown field 'ownerkind'");
        assertThat(refusal("keys:\n" + good.replace("owner: exchange-a", "owner: exchange-a\n    owner: exchange-b")))
                .contains("duplicate key owner");
        assertThat(refusal("keys:\n" + good + good)).contains("entry 2, key k1: the key id is in the file twice");
        assertThat(refusal("keys:\n" + good.replace("EXCHANGE", "ROOT"))).contains("ownerKind is 'ROOT', not one of");
        assertThat(refusal("keys:\n" + good.replace("notBefore: 2026-01-01T00:00:00Z", "notBefore: 2026-01-01")))
                .contains("notBefore is '2026-01-01', not an ISO-8601 time with offset");
        assertThat(refusal("keys:\n" + good.replace("2030-01-01T00:00:00+08:00", "2025-01-01T00:00:00Z")))
                .contains("notAfter must be after notBefore");
        assertThat(refusal("keys:\n" + good.replace("owner: exchange-a", "owner: exchange-a\n    algorithm: RSA")))
                .contains("algorithm must be SM3withSM2 (the default) or SHA256withECDSA");
        // an SM2 key listed as a P-256 one: the PEM must be a key of the entry's algorithm
        assertThat(refusal("keys:\n" + good.replace("owner: exchange-a", "owner: exchange-a\n    algorithm: SHA256withECDSA")))
                .contains("entry 1, key k1: publicKey:");
        assertThat(refusal("keys:\n" + entry("k1", "ENTERPRISE", "91530100MA6NX4QW2G", "speaksFor: [X]", pem())))
                .contains("only an EXCHANGE key has speaksFor");
        assertThat(refusal("keys:\n" + good.replace("owner: exchange-a", "owner: exchange-a\n    status: REVOKED")))
                .contains("a key listed REVOKED needs a reason");
        assertThat(refusal("keys:\n" + good.replace("keyId: k1", "keyId: \"../../etc/passwd\""))).contains("keyId must be");
        assertThat(refusal("keys:\n" + good.replace("owner: exchange-a", "owner: [a, b]"))).contains("owner must be text");
        // a P-256 key is never an SM2 key
        KeyPairGenerator p256 = KeyPairGenerator.getInstance("EC");
        p256.initialize(new ECGenParameterSpec("secp256r1"));
        String nist = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(p256.generateKeyPair().getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
        assertThat(refusal("keys:\n" + entry("k1", "EXCHANGE", "exchange-a", "", nist)))
                .contains("entry 1, key k1: publicKey: not an SM2 public key");
        // ... and is one when the entry says so
        KeyImport.run(file(entry("k-p256", "EXCHANGE", "exchange-a", "algorithm: SHA256withECDSA", nist)), registry);
        assertThat(registry.get("k-p256").algorithm()).isEqualTo("SHA256withECDSA");
        assertThat(refusal("keys:\n" + entry("k1", "EXCHANGE", "exchange-a", "", "not a key")))
                .contains("publicKey: not an SPKI public key PEM");
        // YAML that makes objects, expands, nests or is not text
        assertThat(refusal("keys:\n  - !!java.io.File [\"/etc/passwd\"]\n")).contains("is not a YAML document of the import's form");
        assertThat(refusal("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nkeys: [*b, *b]\n"))
                .contains("is not a YAML document of the import's form");
        assertThat(refusal("keys: " + "[".repeat(50) + "]".repeat(50) + "\n")).contains("is not a YAML document");
        assertThat(refusal(new byte[] {'k', 'e', 'y', 's', ':', ' ', (byte) 0xC3, (byte) 0x28})).contains("is not UTF-8 text");
        assertThat(refusal("keys:\n---\nkeys:\n")).contains("is not a YAML document");
        assertThat(refusal("keys: {a: b}\n")).contains("'keys' must be a list of keys");
        assertThat(refusal("- keyId: k1\n")).contains("must be a map with the one field 'keys'");
        assertThat(refusal("keys:\n  - just text\n")).contains("entry 1: is not a map of the key's fields");
        assertThat(refusal("keys:\n" + "  - {}\n".repeat(KeyImport.MAX_KEYS + 1))).contains("holds 1001 keys, at most 1000");
    }

    @Test
    void aFileLargerThanTheLimitIsNotReadFurther() throws Exception {
        Path big = Files.write(dir.resolve("ferry-keys.yml"), ("# " + "x".repeat(KeyImport.MAX_BYTES) + "\nkeys: []\n")
                .getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> KeyImport.run(big, registry)).isInstanceOf(HubConfigurationException.class)
                .hasMessageContaining("is larger than 1048576 bytes");
        assertThat(registry.list()).isEmpty();
    }
}

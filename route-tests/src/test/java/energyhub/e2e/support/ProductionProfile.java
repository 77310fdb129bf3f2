package energyhub.e2e.support;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The hub as the production profile runs it: {@code deployment/config/application-prod.yml} (profile
 * {@code prod}) with every address and secret it reads from the environment, a hub process's own folders, and the
 * key import file with an exchange server's key (the profile requires signed packages).
 */
public final class ProductionProfile {

    /** The province code the prod profile's hub serves in the tests (HUB_FERRY_TARGET). */
    public static final String TARGET = "53";
    /**
     * The exchange server's key of the tests: listed in the key import file {@link #properties} writes (the
     * profile requires signatures and does not start without an ACTIVE exchange server key); packages dropped
     * into a prod-profile hub are {@code FerryPackage.signedBy(EXCHANGE)}.
     */
    public static final FerryPackage.SigningKey EXCHANGE = FerryPackage.SigningKey.generate("exchange-prod-test", TARGET);

    private ProductionProfile() {
    }

    /** The folder of application-prod.yml (the build passes it as hub.config.dir). */
    public static Path configDir() {
        return Path.of(System.getProperty("hub.config.dir", "../deployment/config")).toAbsolutePath().normalize();
    }

    /**
     * The cockpit's certificate: a PKCS12 key store with a self-signed certificate for 127.0.0.1 made by the
     * JDK's keytool, and a client {@link SSLContext} that trusts that certificate and nothing else.
     */
    public record Certificate(Path keyStore, String password, X509Certificate certificate, SSLContext trust) {

        public static Certificate create(Path dir) throws Exception {
            Path store = dir.resolve("cockpit.p12");
            String password = "cockpit-test-" + System.nanoTime();
            Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", "cockpit", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                    "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
                    "-keystore", store.toString(), "-storepass", password).redirectErrorStream(true).start();
            String out = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (keytool.waitFor() != 0) {
                throw new IllegalStateException("keytool failed: " + out);
            }
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                keyStore.load(in, password.toCharArray());
            }
            X509Certificate certificate = (X509Certificate) keyStore.getCertificate("cockpit");
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("cockpit", certificate);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trusted);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, tmf.getTrustManagers(), null);
            return new Certificate(store, password, certificate, tls);
        }
    }

    /**
     * The environment application-prod.yml reads: the broker's URL and the hub's password there, the ledger
     * database (user postgres, trust), the cockpit users file, the audit key and the cockpit's key store.
     */
    public static Map<String, String> environment(String brokerUrl, String brokerPassword, String database,
            Path usersFile, String auditKey, Certificate cockpit) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HUB_BROKER_URL", brokerUrl);
        env.put("HUB_BROKER_PASSWORD", brokerPassword);
        env.put("HUB_DB_URL", database);
        env.put("HUB_DB_USER", "postgres");
        env.put("HUB_DB_PASSWORD", "");
        env.put("HUB_USERS_FILE", usersFile.toString());
        env.put("HUB_AUDIT_KEY", auditKey);
        env.put("HUB_COCKPIT_KEY_STORE", cockpit.keyStore().toString());
        env.put("HUB_COCKPIT_KEY_STORE_PASSWORD", cockpit.password());
        env.put("HUB_COCKPIT_ADDRESS", "127.0.0.1");
        env.put("HUB_FERRY_TARGET", TARGET);
        return env;
    }

    /**
     * The profile, its file, and the hub's data directory, inbox and outbox; the key import file (written beside
     * the data directory) lists {@link #EXCHANGE}.
     */
    public static Map<String, String> properties(Path dataDir, Path inbox, Path outbox) throws java.io.IOException {
        return properties(dataDir, inbox, outbox, "keys:\n" + EXCHANGE.importEntry("exchange-prod-test"));
    }

    /** As {@link #properties(Path, Path, Path)}, with this content of the key import file. */
    public static Map<String, String> properties(Path dataDir, Path inbox, Path outbox, String keysFile)
            throws java.io.IOException {
        Path keys = dataDir.toAbsolutePath().resolveSibling("ferry-keys.yml");
        Files.createDirectories(keys.getParent());
        Files.writeString(keys, keysFile);
        Map<String, String> props = new LinkedHashMap<>();
        props.put("spring.config.additional-location", "file:" + configDir() + "/");
        props.put("spring.profiles.active", "prod");
        props.put("hub.data-dir", dataDir.toString());
        props.put("hub.ferry.inbox", inbox.toString());
        props.put("hub.ferry.outbox", outbox.toString());
        props.put("hub.ferry.keys-import-file", keys.toString()); // the profile's own, /etc/exchange-hub/ferry-keys.yml, is not here
        return props;
    }
}

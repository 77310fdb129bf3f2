package energyhub.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energyhub.routing.HubConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class StartupSettingsCheckTest {

    private static final Map<String, Object> COMPLETE = Map.of(
            "hub.broker.national.user", "national", "hub.broker.national.password", "n-secret",
            "hub.broker.provincial.user", "provincial", "hub.broker.provincial.password", "p-secret");

    @Test
    void completeSettingsPass() {
        StartupSettingsCheck.check(environment(Map.of()));
    }

    @Test
    void aSettingReferringToAnUnsetVariableIsRefusedNotTakenLiterally() {
        // without the check, Spring's binder would make the text "${HUB_TEST_UNSET_KEY}" the audit key
        assertThatThrownBy(() -> StartupSettingsCheck.check(environment(Map.of("hub.audit.key", "${HUB_TEST_UNSET_KEY}"))))
                .isInstanceOfSatisfying(HubConfigurationException.class, e -> {
                    assertThat(e.setting()).isEqualTo("hub.audit.key");
                    assertThat(e.getMessage()).isEqualTo("hub.audit.key refers to ${HUB_TEST_UNSET_KEY}, which is not set");
                    assertThat(e.action()).startsWith("set the environment variable HUB_TEST_UNSET_KEY");
                });
    }

    @Test
    void aDefaultInThePlaceholderIsFine() {
        StartupSettingsCheck.check(environment(Map.of("hub.audit.key", "${HUB_TEST_UNSET_KEY:}")));
    }

    @Test
    void anEmbeddedBrokerNeedsBothPlatformAccounts() {
        assertThatThrownBy(() -> StartupSettingsCheck.check(environment(Map.of("hub.broker.provincial.password", ""))))
                .isInstanceOfSatisfying(HubConfigurationException.class, e -> {
                    assertThat(e.setting()).isEqualTo("hub.broker.provincial.password");
                    assertThat(e.action()).contains("HUB_BROKER_PROVINCIAL_PASSWORD");
                });
    }

    @Test
    void anExternalBrokerNeedsAUrlAndThePassword() {
        assertThatThrownBy(() -> StartupSettingsCheck.check(environment(Map.of("hub.broker.embedded", "false"))))
                .isInstanceOfSatisfying(HubConfigurationException.class,
                        e -> assertThat(e.setting()).isEqualTo("hub.broker.url"));
        assertThatThrownBy(() -> StartupSettingsCheck.check(environment(Map.of("hub.broker.embedded", "false",
                "hub.broker.url", "tcp://mq1:61616"))))
                .isInstanceOfSatisfying(HubConfigurationException.class, e -> {
                    assertThat(e.setting()).isEqualTo("hub.broker.password");
                    assertThat(e.action()).contains("HUB_BROKER_PASSWORD").contains("tcp://mq1:61616");
                });
    }

    @Test
    void anUnknownQueueMessageEncodingIsRefusedWithTheAllowedValues() {
        StartupSettingsCheck.check(environment(Map.of("hub.routing.national-encoding", "gzip",
                "hub.routing.provincial-encoding", "utf8")));
        assertThatThrownBy(() -> StartupSettingsCheck.check(environment(Map.of("hub.routing.national-encoding", "json"))))
                .isInstanceOfSatisfying(HubConfigurationException.class, e -> {
                    assertThat(e.setting()).isEqualTo("hub.routing.national-encoding");
                    assertThat(e.getMessage()).isEqualTo("hub.routing.national-encoding is 'json', not one of text, utf8, gzip");
                    assertThat(e.action()).contains("text, utf8, gzip");
                });
    }

    @Test
    void requiredSignaturesNeedTheProvinceThisHubServes() {
        StartupSettingsCheck.check(environment(Map.of("hub.ferry.signatures", "warn")));
        StartupSettingsCheck.check(environment(Map.of("hub.ferry.signatures", "required", "hub.ferry.target", "53")));
        for (Map<String, Object> settings : java.util.List.<Map<String, Object>>of(Map.of("hub.ferry.signatures", "required"),
                Map.of("hub.ferry.signatures", "REQUIRED", "hub.ferry.target", " "))) {
            assertThatThrownBy(() -> StartupSettingsCheck.check(environment(settings)))
                    .isInstanceOfSatisfying(HubConfigurationException.class, e -> {
                        assertThat(e.getMessage()).isEqualTo("hub.ferry.target is empty while hub.ferry.signatures is required");
                        assertThat(e.action()).contains("province code").contains("HUB_FERRY_TARGET");
                    });
        }
    }

    @Test
    void anUnsetCockpitKeyStoreVariableIsRefusedNamingIt() {
        assertThatThrownBy(() -> StartupSettingsCheck.check(environment(Map.of("server.ssl.key-store", "${HUB_TEST_UNSET_STORE}"))))
                .isInstanceOfSatisfying(HubConfigurationException.class, e -> {
                    assertThat(e.setting()).isEqualTo("server.ssl.key-store");
                    assertThat(e.action()).startsWith("set the environment variable HUB_TEST_UNSET_STORE");
                });
    }

    @Test
    void aMissingCockpitKeyStoreIsRefusedWithOneLineNamingIt(@TempDir Path dir) {
        String missing = dir.resolve("cockpit.p12").toString();
        assertThatThrownBy(() -> StartupSettingsCheck.checkKeyStore(environment(Map.of("server.ssl.key-store", missing,
                "server.ssl.key-store-password", "secret"))))
                .isInstanceOfSatisfying(HubConfigurationException.class, e -> {
                    assertThat(e.setting()).isEqualTo("server.ssl.key-store");
                    assertThat(e.getMessage()).isEqualTo("server.ssl.key-store (" + missing
                            + ") does not exist or is not readable by the hub");
                    assertThat(e.action()).contains("HUB_COCKPIT_KEY_STORE");
                });
    }

    @Test
    void aCockpitKeyStoreThatItsPasswordDoesNotOpenIsRefused(@TempDir Path dir) throws Exception {
        Path store = keyStore(dir, "right-password");
        StartupSettingsCheck.checkKeyStore(environment(Map.of("server.ssl.key-store", store.toString(),
                "server.ssl.key-store-password", "right-password")));
        StartupSettingsCheck.checkKeyStore(environment(Map.of("server.ssl.key-store", "file:" + store,
                "server.ssl.key-store-password", "right-password")));
        assertThatThrownBy(() -> StartupSettingsCheck.checkKeyStore(environment(Map.of("server.ssl.key-store",
                store.toString(), "server.ssl.key-store-password", "wrong-password"))))
                .isInstanceOfSatisfying(HubConfigurationException.class, e -> {
                    assertThat(e.setting()).isEqualTo("server.ssl.key-store-password");
                    assertThat(e.action()).contains("HUB_COCKPIT_KEY_STORE_PASSWORD");
                });
        Path notAStore = Files.writeString(dir.resolve("cockpit.pem"), "-----BEGIN CERTIFICATE-----\n");
        assertThatThrownBy(() -> StartupSettingsCheck.checkKeyStore(environment(Map.of("server.ssl.key-store",
                notAStore.toString(), "server.ssl.key-store-password", "x"))))
                .isInstanceOfSatisfying(HubConfigurationException.class,
                        e -> assertThat(e.getMessage()).startsWith("server.ssl.key-store (" + notAStore + ") cannot be read as a PKCS12 key store"));
    }

    @Test
    void withoutAKeyStoreTheCockpitIsPlainHttpAndNothingIsChecked() {
        StartupSettingsCheck.checkKeyStore(environment(Map.of()));
        StartupSettingsCheck.checkKeyStore(environment(Map.of("server.ssl.enabled", "false",
                "server.ssl.key-store", "/nowhere/cockpit.p12")));
    }

    /** A PKCS12 key store with a self-signed certificate for 127.0.0.1, made by the JDK's keytool. */
    static Path keyStore(Path dir, String password) throws Exception {
        Path store = dir.resolve("cockpit.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "cockpit", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", password).redirectErrorStream(true).start();
        String out = new String(keytool.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(keytool.waitFor()).as(out).isZero();
        return store;
    }

    @Test
    void theFailureReportNamesTheSettingHoweverDeepSpringWrappedIt() {
        var cause = new HubConfigurationException("hub.broker.national.user", "is not set", "set HUB_BROKER_NATIONAL_USER");
        var wrapped = new BeanCreationException("connectionFactory", "Error creating bean",
                new BeanCreationException("embeddedBroker", "Failed to instantiate", cause));
        FailureAnalysis analysis = new HubStartupFailureAnalyzer().analyze(wrapped);
        assertThat(analysis.getDescription()).isEqualTo("exchange hub not started: hub.broker.national.user is not set");
        assertThat(analysis.getAction()).isEqualTo("set HUB_BROKER_NATIONAL_USER");
    }

    private static StandardEnvironment environment(Map<String, Object> overrides) {
        Map<String, Object> values = new HashMap<>(COMPLETE);
        values.putAll(overrides);
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addFirst(new MapPropertySource("test", values));
        return env;
    }
}

package energyhub.deployment;

import energyhub.routing.HubConfigurationException;
import energyhub.routing.MessageEncoding;
import energyhub.routing.Target;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.PriorityOrdered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.io.Resource;
import org.springframework.core.io.UrlResource;
import org.springframework.util.ResourceUtils;

/**
 * Checks the settings the hub cannot run without before any bean is built, so before the
 * database or the broker start: a missing secret stops the start within seconds, with one line
 * naming the setting ({@link HubStartupFailureAnalyzer} prints it).
 * <ul>
 * <li>A hub setting that refers to an environment variable which is not set ({@code ${HUB_AUDIT_KEY}})
 * is refused: Spring's binder would otherwise take the text {@code ${HUB_AUDIT_KEY}} itself as the value,
 * a password or key anybody can read in the repository.</li>
 * <li>The broker accounts ({@link BrokerConfiguration#checkSettings}).</li>
 * <li>The targets' queue-message encodings ({@link MessageEncoding}: text, utf8 or gzip).</li>
 * <li>With {@code hub.ferry.signatures=required}, a {@code hub.ferry.target} ({@link #checkFerryTarget}).</li>
 * <li>With HTTPS ({@code server.ssl.key-store}, the prod profile), the cockpit's key store is there and opens with
 * its password ({@link #checkKeyStore}): Tomcat would otherwise fail deep in the web server's start.</li>
 * <li>An external broker answers the hub's account ({@link BrokerConfiguration#checkReachable}), an
 * external ledger database its account ({@link #checkDatabaseReachable}).</li>
 * </ul>
 */
final class StartupSettingsCheck implements BeanFactoryPostProcessor, EnvironmentAware, PriorityOrdered {

    /** The settings whose placeholders must resolve: the hub's own, its database connection and the cockpit's TLS. */
    private static final String[] CHECKED_PREFIXES = {"hub.", "spring.datasource.", "server.ssl."};
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}:]+)");

    private ConfigurableEnvironment environment;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = (ConfigurableEnvironment) environment;
    }

    @Override
    public int getOrder() {
        return HIGHEST_PRECEDENCE;
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        check(environment);
        checkKeyStore(environment);
        // an external broker must answer now: the start stops within hub.broker.startup-timeout instead of
        // running without one (after the start, the connection reconnects on its own)
        BrokerConfiguration.checkReachable(Binder.get(environment).bind("hub.broker", BrokerProperties.class)
                .orElseGet(BrokerProperties::new));
        checkDatabaseReachable(environment);
    }

    /**
     * An external ledger database must answer now: the pool and Flyway would find out only after the
     * web server and most beans are built, on a loaded machine later than the 30 s a refusal may take.
     */
    static void checkDatabaseReachable(Environment environment) {
        String url = environment.getProperty("spring.datasource.url", "");
        if (url.isBlank()) {
            return; // the embedded PostgreSQL starts with the hub
        }
        java.util.Properties account = new java.util.Properties();
        account.setProperty("user", environment.getProperty("spring.datasource.username", ""));
        account.setProperty("password", environment.getProperty("spring.datasource.password", ""));
        account.setProperty("connectTimeout", "10"); // seconds (PostgreSQL driver)
        account.setProperty("loginTimeout", "15");
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, account)) {
            c.isValid(5);
        } catch (java.sql.SQLException e) {
            HubConfigurationException refusal = LedgerDatabaseFailureAnalyzer.refusal(e, url);
            if (refusal != null) {
                throw refusal;
            }
            // anything else (e.g. no driver for the URL) is reported by the pool as before
        }
    }

    static void check(ConfigurableEnvironment environment) {
        for (String name : checkedNames(environment)) {
            try {
                environment.getProperty(name);
            } catch (IllegalArgumentException unresolvable) { // PlaceholderResolutionException is one
                String raw = rawValue(environment, name);
                Matcher m = PLACEHOLDER.matcher(raw == null ? "" : raw);
                String variable = m.find() ? m.group(1) : "?";
                throw new HubConfigurationException(name, "refers to ${" + variable + "}, which is not set",
                        "set the environment variable " + variable + " (with the systemd unit: in its EnvironmentFile, "
                                + "/etc/exchange-hub/secrets.env), or give " + name + " another value");
            }
        }
        BrokerProperties broker = Binder.get(environment).bind("hub.broker", BrokerProperties.class)
                .orElseGet(BrokerProperties::new);
        BrokerConfiguration.checkSettings(broker);
        checkFerryTarget(environment);
        for (Target target : Target.values()) {
            // RoutingProperties refuses a wrong value too, but only once its bean is built (after the broker)
            String name = "hub.routing." + target.id() + "-encoding";
            Binder.get(environment).bind(name, String.class).ifBound(value -> MessageEncoding.of(name, value));
        }
    }

    /**
     * With signed manifests required (the prod and dev profiles), the province this hub serves must be named:
     * every signed manifest's target is checked against it, and without one every package would be refused
     * TARGET_MISMATCH. (That the key registry holds an exchange server's key is checked once the ledger is
     * there: cross-network-exchange's FerryKeysAtStart.)
     */
    static void checkFerryTarget(Environment environment) {
        String signatures = environment.getProperty("hub.ferry.signatures", "off").strip();
        if ("required".equalsIgnoreCase(signatures) && environment.getProperty("hub.ferry.target", "").isBlank()) {
            throw new HubConfigurationException("hub.ferry.target", "is empty while hub.ferry.signatures is required",
                    "set it to the province code this hub serves, the target every signed manifest names "
                            + "(in the prod profile: the environment variable HUB_FERRY_TARGET)");
        }
    }

    /**
     * The cockpit's key store (server.ssl.key-store, set by the prod profile from HUB_COCKPIT_KEY_STORE) exists,
     * can be read and opens with server.ssl.key-store-password. Without a key store the web server speaks plain
     * HTTP (the default and dev profiles, on a developer's machine) and nothing is checked.
     */
    static void checkKeyStore(Environment environment) {
        String location = environment.getProperty("server.ssl.key-store", "");
        if (location.isBlank() || !environment.getProperty("server.ssl.enabled", Boolean.class, true)) {
            return;
        }
        String fix = "create the cockpit's key store there (docs/operations.md, \"Cockpit over HTTPS\") or correct "
                + "server.ssl.key-store (HUB_COCKPIT_KEY_STORE)";
        Resource resource;
        try {
            resource = new UrlResource(ResourceUtils.getURL(location)); // as Spring Boot resolves it: path, file:, classpath:
        } catch (IOException e) {
            throw new HubConfigurationException("server.ssl.key-store", "(" + location + ") is not a file: " + e.getMessage(), fix);
        }
        if (!resource.isReadable()) {
            throw new HubConfigurationException("server.ssl.key-store", "(" + location + ") does not exist or is not "
                    + "readable by the hub", fix);
        }
        String type = environment.getProperty("server.ssl.key-store-type", "PKCS12");
        String password = environment.getProperty("server.ssl.key-store-password", "");
        try (InputStream in = resource.getInputStream()) {
            KeyStore.getInstance(type).load(in, password.toCharArray());
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new HubConfigurationException("server.ssl.key-store-password", "does not open the key store "
                        + location, "set HUB_COCKPIT_KEY_STORE_PASSWORD to the key store's password");
            }
            throw new HubConfigurationException("server.ssl.key-store", "(" + location + ") cannot be read as a "
                    + type + " key store: " + e.getMessage(), fix);
        } catch (GeneralSecurityException e) {
            throw new HubConfigurationException("server.ssl.key-store", "(" + location + ") cannot be read as a "
                    + type + " key store: " + e.getMessage(), "give a " + type + " key store or correct "
                    + "server.ssl.key-store-type");
        }
    }

    private static TreeSet<String> checkedNames(ConfigurableEnvironment environment) {
        TreeSet<String> names = new TreeSet<>();
        for (var source : environment.getPropertySources()) {
            if (source instanceof EnumerablePropertySource<?> e) {
                for (String name : e.getPropertyNames()) {
                    for (String prefix : CHECKED_PREFIXES) {
                        if (name.startsWith(prefix)) {
                            names.add(name);
                        }
                    }
                }
            }
        }
        return names;
    }

    private static String rawValue(ConfigurableEnvironment environment, String name) {
        for (var source : environment.getPropertySources()) {
            Object value = source.getProperty(name);
            if (value != null) {
                return value.toString();
            }
        }
        return null;
    }
}

package energyhub.routing.inbox;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;

/**
 * The one way the hub builds an SFTP endpoint (ferry sources and supplier pulls alike), so every SFTP
 * connection has the same safety options and the same defaults:
 * <ul>
 * <li>the server's host key is checked strictly against a pinned known_hosts file of its own
 *     ({@code strictHostKeyChecking=yes}, {@code useUserKnownHostsFile=false}); without one nothing is built;</li>
 * <li>connect timeout {@link #CONNECT_TIMEOUT}, socket read timeout {@link #READ_TIMEOUT} (a silent server
 *     fails the poll instead of hanging it), SSH keep-alive every {@link #SERVER_ALIVE_INTERVAL}, the
 *     session given up after {@link #SERVER_ALIVE_COUNT_MAX} unanswered probes;</li>
 * <li>the password and the key's passphrase are set on the endpoint object ({@link SecretOptions}), never
 *     written into the URI that route dumps, Hawtio and log lines show.</li>
 * </ul>
 * A fresh builder per endpoint: {@code SftpEndpoint.at("sftp://host:22/inbound").user(..).knownHosts(..)
 * .option("delay", 1000).endpoint(camel)}.
 */
public final class SftpEndpoint {

    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);
    public static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration SERVER_ALIVE_INTERVAL = Duration.ofSeconds(15);
    public static final int SERVER_ALIVE_COUNT_MAX = 3;

    private final String base;
    private final Map<String, String> options = new LinkedHashMap<>();
    private final Map<String, String> secrets = new HashMap<>();
    private String knownHostsFile;
    private Duration connectTimeout = CONNECT_TIMEOUT;
    private Duration readTimeout = READ_TIMEOUT;
    private Duration serverAliveInterval = SERVER_ALIVE_INTERVAL;

    private SftpEndpoint(String base) {
        this.base = base;
    }

    /** @param server {@code sftp://host:port/dir}, possibly with options of its own after a {@code ?} (never a secret) */
    public static SftpEndpoint at(String server) {
        if (server == null || !server.startsWith("sftp://")) {
            throw new IllegalArgumentException("not an sftp:// address: " + server);
        }
        return new SftpEndpoint(server);
    }

    public static SftpEndpoint at(String host, int port, String dir) {
        return at("sftp://" + host + ":" + port + "/" + dir);
    }

    public SftpEndpoint user(String username) {
        return option("username", username);
    }

    /** The known_hosts file holding the server's pinned key; required. */
    public SftpEndpoint knownHosts(String file) {
        this.knownHostsFile = file;
        return this;
    }

    /** Set on the endpoint, never in the URI; null or empty: none. */
    public SftpEndpoint password(String password) {
        secrets.put("password", password);
        return this;
    }

    /** A private key file (in the URI: it is a path, not a secret) and its passphrase (on the endpoint); null: none. */
    public SftpEndpoint privateKey(String file, String passphrase) {
        if (file != null && !file.isBlank()) {
            option("privateKeyFile", file);
            secrets.put("privateKeyPassphrase", passphrase);
        }
        return this;
    }

    /** Other than the defaults; a null leaves that default. */
    public SftpEndpoint timeouts(Duration connect, Duration read, Duration serverAlive) {
        connectTimeout = connect != null ? connect : connectTimeout;
        readTimeout = read != null ? read : readTimeout;
        serverAliveInterval = serverAlive != null ? serverAlive : serverAliveInterval;
        return this;
    }

    /** Any further option of Camel's sftp endpoint (not a secret: it goes into the URI). */
    public SftpEndpoint option(String name, Object value) {
        if ("password".equals(name) || "privateKeyPassphrase".equals(name)) {
            throw new IllegalArgumentException(name + " is a secret: it is set on the endpoint, never in its URI");
        }
        options.put(name, String.valueOf(value));
        return this;
    }

    /** The endpoint's URI: no secret in it. */
    public String uri() {
        if (knownHostsFile == null || knownHostsFile.isBlank()) {
            throw new IllegalStateException(base + ": no known_hosts file; the server's host key is always checked "
                    + "against a pinned one");
        }
        Map<String, String> all = new LinkedHashMap<>(options);
        // strict: only the key pinned in this file is trusted; never ~/.ssh/known_hosts, never "accept new"
        all.put("strictHostKeyChecking", "yes");
        all.put("useUserKnownHostsFile", "false");
        all.put("knownHostsFile", knownHostsFile);
        all.put("connectTimeout", String.valueOf(connectTimeout.toMillis()));
        all.put("timeout", String.valueOf(readTimeout.toMillis()));
        all.put("serverAliveInterval", String.valueOf(serverAliveInterval.toMillis()));
        all.put("serverAliveCountMax", String.valueOf(SERVER_ALIVE_COUNT_MAX));
        StringBuilder uri = new StringBuilder(base);
        char separator = base.contains("?") ? '&' : '?';
        for (Map.Entry<String, String> o : all.entrySet()) {
            uri.append(separator).append(o.getKey()).append('=').append(o.getValue());
            separator = '&';
        }
        return uri.toString();
    }

    /** The endpoint of {@link #uri()}, its secrets set on the endpoint object. */
    public Endpoint endpoint(CamelContext context) {
        return SecretOptions.endpoint(context, uri(), secrets);
    }
}

package energyhub.ferry;

import energyhub.routing.inbox.SftpEndpoint;
import java.time.Duration;

/**
 * One entry of {@code hub.ferry.sources}: a further local inbox, or an exchange server polled over
 * SFTP. Each entry becomes its own route {@code ferry-{id}} (ACKs: {@code ferry-{id}-ack}); secrets
 * are written in the configuration as {@code ${ENV_VARIABLE}} references, never as values.
 */
public class FerrySource {

    public enum Type { LOCAL, SFTP }

    /** LOCAL: a directory the gate fills; SFTP: a folder on an exchange server the hub polls. */
    private Type type = Type.SFTP;
    /** Whether this source is polled at all. */
    private boolean enabled = true;
    /** How often the source is looked at. */
    private Duration pollInterval = Duration.ofSeconds(10);

    // LOCAL
    /** LOCAL: the inbox directory. */
    private String inbox;
    /** LOCAL: the directory ACK files are written to. */
    private String outbox;

    // SFTP
    /** SFTP: host name or address of the exchange server. */
    private String host;
    /** SFTP: its port. */
    private int port = 22;
    /** SFTP: account on the exchange server. */
    private String username;
    /** SFTP: password (from the environment), when no key is used. */
    private String password;
    /** SFTP: private key file (OpenSSH or PEM) for key authentication. */
    private String privateKeyFile;
    /** SFTP: passphrase of the private key (from the environment). */
    private String privateKeyPassphrase;
    /** SFTP: known_hosts file holding the server's pinned host key; required, nothing else is trusted. */
    private String knownHostsFile;
    /** SFTP: remote folder packages arrive in (relative to the login folder, or absolute). */
    private String inboundDir = "inbound";
    /** SFTP: remote folder ACK files are uploaded to. */
    private String outboundDir = "outbound";
    /** SFTP: remote folder processed packages are moved to, relative to inboundDir (empty: delete them). */
    private String archiveDir = "../archive";
    /** SFTP: time to establish the TCP connection and SSH session (default: every SFTP connection's, {@link SftpEndpoint}). */
    private Duration connectTimeout = SftpEndpoint.CONNECT_TIMEOUT;
    /** SFTP: socket read timeout; a server that stops answering fails the poll instead of hanging it. */
    private Duration readTimeout = SftpEndpoint.READ_TIMEOUT;
    /** SFTP: keep-alive probes on an idle session. */
    private Duration serverAliveInterval = SftpEndpoint.SERVER_ALIVE_INTERVAL;
    /** SFTP: the watchdog reports the source DOWN when its last successful poll is older than this. */
    private Duration maxPollAge = Duration.ofMinutes(5);

    public Type getType() { return type; }
    public void setType(Type v) { this.type = v; }
    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean v) { this.enabled = v; }
    public Duration getPollInterval() { return pollInterval; }
    public void setPollInterval(Duration v) { this.pollInterval = v; }
    public String getInbox() { return inbox; }
    public void setInbox(String v) { this.inbox = v; }
    public String getOutbox() { return outbox; }
    public void setOutbox(String v) { this.outbox = v; }
    public String getHost() { return host; }
    public void setHost(String v) { this.host = v; }
    public int getPort() { return port; }
    public void setPort(int v) { this.port = v; }
    public String getUsername() { return username; }
    public void setUsername(String v) { this.username = v; }
    public String getPassword() { return password; }
    public void setPassword(String v) { this.password = v; }
    public String getPrivateKeyFile() { return privateKeyFile; }
    public void setPrivateKeyFile(String v) { this.privateKeyFile = v; }
    public String getPrivateKeyPassphrase() { return privateKeyPassphrase; }
    public void setPrivateKeyPassphrase(String v) { this.privateKeyPassphrase = v; }
    public String getKnownHostsFile() { return knownHostsFile; }
    public void setKnownHostsFile(String v) { this.knownHostsFile = v; }
    public String getInboundDir() { return inboundDir; }
    public void setInboundDir(String v) { this.inboundDir = v; }
    public String getOutboundDir() { return outboundDir; }
    public void setOutboundDir(String v) { this.outboundDir = v; }
    public String getArchiveDir() { return archiveDir; }
    public void setArchiveDir(String v) { this.archiveDir = v; }
    public Duration getConnectTimeout() { return connectTimeout; }
    public void setConnectTimeout(Duration v) { this.connectTimeout = v; }
    public Duration getReadTimeout() { return readTimeout; }
    public void setReadTimeout(Duration v) { this.readTimeout = v; }
    public Duration getServerAliveInterval() { return serverAliveInterval; }
    public void setServerAliveInterval(Duration v) { this.serverAliveInterval = v; }
    public Duration getMaxPollAge() { return maxPollAge; }
    public void setMaxPollAge(Duration v) { this.maxPollAge = v; }
}

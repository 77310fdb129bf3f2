package energyhub.tcp;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code hub.tcp.*}: the TCP push intake of contracts section 5 (on only when clients are configured). */
public class TcpProperties {

    /** Address the listener binds to. */
    private String host = "0.0.0.0";
    /** Port the listener binds to. */
    private int port = 7070;
    /** Largest frame accepted (bytes after the 4-byte length); a longer one is answered ERROR and closed. */
    private int maxFrameBytes = 16 * 1024 * 1024;
    /** A connection that sends nothing (not even HEARTBEAT) for this long is closed. */
    private Duration idleTimeout = Duration.ofMinutes(5);
    /** How long a DATA frame waits for both targets before the hub answers ERROR ACK_PENDING instead. */
    private Duration ackTimeout = Duration.ofMinutes(2);
    /** Largest frame accepted before a successful LOGIN (a LOGIN frame is tiny). */
    private int maxUnauthenticatedFrameBytes = 4096;
    /** Logged-in sessions at once; a LOGIN beyond them is answered ERROR TOO_MANY_CONNECTIONS and closed. */
    private int maxConnections = 256;
    /** Connections waiting to log in at once; a new one displaces the oldest of them (never a logged-in session). */
    private int maxUnauthenticatedConnections = 64;
    /** Connections waiting to log in from one remote address; one more from it is refused TOO_MANY_CONNECTIONS. */
    private int maxUnauthenticatedPerAddress = 8;
    /** Connections one client may be logged in on at once. */
    private int maxConnectionsPerClient = 8;
    /** Bytes of partly received frames buffered across all connections; beyond it a frame gets ERROR BUSY. */
    private long maxBufferedBytes = 256L * 1024 * 1024;
    /** A connection not logged in within this time is closed (ERROR LOGIN_TIMEOUT). */
    private Duration loginTimeout = Duration.ofSeconds(10);
    /** Failed logins from one address before its LOGINs are refused (ERROR LOGIN_THROTTLED). */
    private int maxLoginFailures = 5;
    /** How long an address stays refused after its last failed login. */
    private Duration loginLockout = Duration.ofMinutes(15);
    /** Deepest JSON nesting read in a frame (a record is 2 levels). */
    private int maxJsonDepth = 32;
    /** Client id to shared secret; write secrets as ${ENV_VARIABLE} references. */
    private Map<String, String> clients = new LinkedHashMap<>();

    public String getHost() { return host; }
    public void setHost(String v) { this.host = v; }
    public int getPort() { return port; }
    public void setPort(int v) { this.port = v; }
    public int getMaxFrameBytes() { return maxFrameBytes; }
    public void setMaxFrameBytes(int v) { this.maxFrameBytes = v; }
    public Duration getIdleTimeout() { return idleTimeout; }
    public void setIdleTimeout(Duration v) { this.idleTimeout = v; }
    public Duration getAckTimeout() { return ackTimeout; }
    public void setAckTimeout(Duration v) { this.ackTimeout = v; }
    public int getMaxUnauthenticatedFrameBytes() { return maxUnauthenticatedFrameBytes; }
    public void setMaxUnauthenticatedFrameBytes(int v) { this.maxUnauthenticatedFrameBytes = v; }
    public int getMaxConnections() { return maxConnections; }
    public void setMaxConnections(int v) { this.maxConnections = v; }
    public int getMaxUnauthenticatedConnections() { return maxUnauthenticatedConnections; }
    public void setMaxUnauthenticatedConnections(int v) { this.maxUnauthenticatedConnections = v; }
    public int getMaxUnauthenticatedPerAddress() { return maxUnauthenticatedPerAddress; }
    public void setMaxUnauthenticatedPerAddress(int v) { this.maxUnauthenticatedPerAddress = v; }
    public int getMaxConnectionsPerClient() { return maxConnectionsPerClient; }
    public void setMaxConnectionsPerClient(int v) { this.maxConnectionsPerClient = v; }
    public long getMaxBufferedBytes() { return maxBufferedBytes; }
    public void setMaxBufferedBytes(long v) { this.maxBufferedBytes = v; }
    public Duration getLoginTimeout() { return loginTimeout; }
    public void setLoginTimeout(Duration v) { this.loginTimeout = v; }
    public int getMaxLoginFailures() { return maxLoginFailures; }
    public void setMaxLoginFailures(int v) { this.maxLoginFailures = v; }
    public Duration getLoginLockout() { return loginLockout; }
    public void setLoginLockout(Duration v) { this.loginLockout = v; }
    public int getMaxJsonDepth() { return maxJsonDepth; }
    public void setMaxJsonDepth(int v) { this.maxJsonDepth = v; }
    public Map<String, String> getClients() { return clients; }
    public void setClients(Map<String, String> v) { this.clients = v; }
}

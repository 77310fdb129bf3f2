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
    public Map<String, String> getClients() { return clients; }
    public void setClients(Map<String, String> v) { this.clients = v; }
}

package energyhub.deployment;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code hub.broker.*}: the Artemis broker the platform queues live on. */
@ConfigurationProperties("hub.broker")
public class BrokerProperties {

    /** Run Artemis inside the hub (true) or connect to an external one at {@link #url} (false). */
    private boolean embedded = true;
    /** Address the embedded broker's TCP acceptor binds to. */
    private String host = "127.0.0.1";
    /** Port of the embedded broker's TCP acceptor, where the platforms' consumers connect. */
    private int port = 61616;
    /** The hub's own connection; empty: the embedded broker in-VM. */
    private String url = "";
    /** The hub's own broker account (sends to both queues, manages dead letters). */
    private String user = "hub";
    /** Its password; with an embedded broker and none given, a random one is made at each start. */
    private String password = "";
    /** Journal, bindings, paging and large messages of the embedded broker; empty: {@code hub.data-dir}/broker. */
    private String dataDir = "";
    /** Disk use (percent) at which the embedded broker stops taking messages; health warns before. */
    private int maxDiskUsage = 90;
    /**
     * Messages (bytes) one queue of the embedded broker keeps in memory before it pages to disk; 0: a
     * sixteenth of the hub's heap, at most 64 MiB (the broker shares the hub's heap: two full queues must
     * leave the hub room to work).
     */
    private long addressMemory = 0;
    /** Duplicate ids remembered per address (each chunk sent has one); a resend older than this is not caught. */
    private int idCacheSize = 100_000;
    /** The embedded broker's MBeans on the platform MBean server, for Hawtio's JMX view. */
    private boolean jmxEnabled = true;
    /**
     * How long the start waits for an external broker to answer before it stops with a one-line error;
     * once running, the connection reconnects without end as {@link #url} says (reconnectAttempts=-1).
     */
    private java.time.Duration startupTimeout = java.time.Duration.ofSeconds(5);
    /** Deliveries of one message to a consumer before it goes to the dead-letter queue. */
    private int maxDeliveryAttempts = 10;
    private Account national = new Account();
    private Account provincial = new Account();
    private Tls tls = new Tls();

    /** TLS on the TCP acceptor (docs/broker-tls.md has a worked key-store example). */
    public static class Tls {
        /** One switch: the TCP acceptor speaks TLS only. */
        private boolean enabled;
        /** The broker's key store (its certificate and private key). */
        private String keyStore = "";
        /** Its password, from the environment. */
        private String keyStorePassword = "";
        /** PKCS12 (keytool's default) or JKS. */
        private String keyStoreType = "PKCS12";

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean v) { this.enabled = v; }
        public String getKeyStore() { return keyStore; }
        public void setKeyStore(String v) { this.keyStore = v; }
        public String getKeyStorePassword() { return keyStorePassword; }
        public void setKeyStorePassword(String v) { this.keyStorePassword = v; }
        public String getKeyStoreType() { return keyStoreType; }
        public void setKeyStoreType(String v) { this.keyStoreType = v; }
    }

    /** A platform's consumer account: may consume and browse its own queue only. */
    public static class Account {
        /** User name the platform connects with. */
        private String user;
        /** Its password, from the environment. */
        private String password;

        public String getUser() { return user; }
        public void setUser(String v) { this.user = v; }
        public String getPassword() { return password; }
        public void setPassword(String v) { this.password = v; }
    }

    public boolean isEmbedded() { return embedded; }
    public void setEmbedded(boolean v) { this.embedded = v; }
    public String getHost() { return host; }
    public void setHost(String v) { this.host = v; }
    public int getPort() { return port; }
    public void setPort(int v) { this.port = v; }
    public String getUrl() { return url; }
    public void setUrl(String v) { this.url = v; }
    public String getUser() { return user; }
    public void setUser(String v) { this.user = v; }
    public String getPassword() { return password; }
    public void setPassword(String v) { this.password = v; }
    public String getDataDir() { return dataDir; }
    public void setDataDir(String v) { this.dataDir = v; }
    public long getAddressMemory() { return addressMemory; }
    public void setAddressMemory(long v) { this.addressMemory = v; }
    /** {@link #addressMemory}, or when 0 a sixteenth of the heap, at most 64 MiB. */
    public long effectiveAddressMemory() {
        return addressMemory > 0 ? addressMemory : Math.min(64L * 1024 * 1024, Runtime.getRuntime().maxMemory() / 16);
    }
    public int getMaxDiskUsage() { return maxDiskUsage; }
    public void setMaxDiskUsage(int v) { this.maxDiskUsage = v; }
    public int getIdCacheSize() { return idCacheSize; }
    public void setIdCacheSize(int v) { this.idCacheSize = v; }
    public int getMaxDeliveryAttempts() { return maxDeliveryAttempts; }
    public void setMaxDeliveryAttempts(int v) { this.maxDeliveryAttempts = v; }
    public java.time.Duration getStartupTimeout() { return startupTimeout; }
    public void setStartupTimeout(java.time.Duration v) { this.startupTimeout = v; }
    public boolean isJmxEnabled() { return jmxEnabled; }
    public void setJmxEnabled(boolean v) { this.jmxEnabled = v; }
    public Tls getTls() { return tls; }
    public void setTls(Tls v) { this.tls = v; }
    public Account getNational() { return national; }
    public void setNational(Account v) { this.national = v; }
    public Account getProvincial() { return provincial; }
    public void setProvincial(Account v) { this.provincial = v; }
}

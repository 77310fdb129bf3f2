package energyhub.supplier;

import java.time.Duration;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code hub.supplier.*} (shared settings) and {@code hub.suppliers.<name>.*} (one entry per supplier).
 * Each entry instantiates the route template of its {@link Supplier#getType() type}; adding a supplier
 * is a configuration change only.
 */
public class SupplierProperties {

    /** Per-supplier folders ({name}/inbox, {name}/reports, {name}/archive) live here. */
    private String dataDir;
    /** Accounts CSV files dropped here are imported into the registry. */
    private String registryImport;
    /** Largest supplier file (or API page) read, in bytes. */
    private long maxFileBytes = 50L * 1024 * 1024;
    /** How often the registry import folder is looked at. */
    private Duration registryPollInterval = Duration.ofSeconds(2);
    /** Bound from {@code hub.suppliers} (see SupplierConfiguration). */
    private Map<String, Supplier> suppliers = new LinkedHashMap<>();

    public enum Type {
        ELECTRICITY_CSV, GAS_XML, HEAT_API
    }

    /** One supplier. Secrets are never here: only the names of the environment variables holding them. */
    public static class Supplier {
        private Type type;
        /** The supplier's code: in file names, and the registry's supplierCode. */
        private String supplierCode;
        /** Where files come from: a local directory, {@code file:/dir}, {@code sftp://host:port/dir}; heat: the API base URL. */
        private String source;
        /** Quartz cron of the pull (or of the drop-folder poll). */
        private String schedule = "0 0/5 * * * ?";
        /** SFTP user. */
        private String username;
        /** Name of the environment variable holding the SFTP password. */
        private String passwordEnv;
        /** SSH private key file for SFTP (instead of a password). */
        private String privateKeyFile;
        /** known_hosts file pinning the SFTP server's host key (strict checking is always on). */
        private String knownHostsFile;
        /** Name of the environment variable holding the heat API's bearer token. */
        private String tokenEnv;
        /** Heat: first day pulled. */
        private LocalDate startDate;
        /** Heat: last day pulled (empty: yesterday). */
        private LocalDate endDate;
        /** Heat: days per pull window. */
        private int windowDays = 1;
        /** Heat: items per page asked for. */
        private int pageSize = 500;
        /** Heat: connect and read timeout of one request. */
        private Duration timeout = Duration.ofSeconds(30);
        /** Retries of a failed request (or file read) within one pull, with back-off. */
        private int retries = 3;
        /** First wait before a retry; doubles each time. */
        private Duration retryDelay = Duration.ofSeconds(2);
        /** Heat: pages one window may have; an answer claiming more is refused (its totalPages is not believed). */
        private int maxPages = 100;
        /** Heat: scheduled pulls of one window before it is given up (reported, not pulled again automatically). */
        private int maxWindowAttempts = 10;

        public Type getType() { return type; }
        public void setType(Type v) { this.type = v; }
        public String getSupplierCode() { return supplierCode; }
        public void setSupplierCode(String v) { this.supplierCode = v; }
        public String getSource() { return source; }
        public void setSource(String v) { this.source = v; }
        public String getSchedule() { return schedule; }
        public void setSchedule(String v) { this.schedule = v; }
        public String getUsername() { return username; }
        public void setUsername(String v) { this.username = v; }
        public String getPasswordEnv() { return passwordEnv; }
        public void setPasswordEnv(String v) { this.passwordEnv = v; }
        public String getPrivateKeyFile() { return privateKeyFile; }
        public void setPrivateKeyFile(String v) { this.privateKeyFile = v; }
        public String getKnownHostsFile() { return knownHostsFile; }
        public void setKnownHostsFile(String v) { this.knownHostsFile = v; }
        public String getTokenEnv() { return tokenEnv; }
        public void setTokenEnv(String v) { this.tokenEnv = v; }
        public LocalDate getStartDate() { return startDate; }
        public void setStartDate(LocalDate v) { this.startDate = v; }
        public LocalDate getEndDate() { return endDate; }
        public void setEndDate(LocalDate v) { this.endDate = v; }
        public int getWindowDays() { return windowDays; }
        public void setWindowDays(int v) { this.windowDays = v; }
        public int getPageSize() { return pageSize; }
        public void setPageSize(int v) { this.pageSize = v; }
        public Duration getTimeout() { return timeout; }
        public void setTimeout(Duration v) { this.timeout = v; }
        public int getRetries() { return retries; }
        public void setRetries(int v) { this.retries = v; }
        public int getMaxPages() { return maxPages; }
        public void setMaxPages(int v) { this.maxPages = v; }
        public int getMaxWindowAttempts() { return maxWindowAttempts; }
        public void setMaxWindowAttempts(int v) { this.maxWindowAttempts = v; }
        public Duration getRetryDelay() { return retryDelay; }
        public void setRetryDelay(Duration v) { this.retryDelay = v; }
    }

    public String getDataDir() { return dataDir; }
    public void setDataDir(String v) { this.dataDir = v; }
    public String getRegistryImport() { return registryImport; }
    public void setRegistryImport(String v) { this.registryImport = v; }
    public long getMaxFileBytes() { return maxFileBytes; }
    public void setMaxFileBytes(long v) { this.maxFileBytes = v; }
    public Duration getRegistryPollInterval() { return registryPollInterval; }
    public void setRegistryPollInterval(Duration v) { this.registryPollInterval = v; }
    public Map<String, Supplier> getSuppliers() { return suppliers; }
    public void setSuppliers(Map<String, Supplier> v) { this.suppliers = v; }

    public Supplier supplier(String name) {
        Supplier s = suppliers.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no supplier " + name + " under hub.suppliers");
        }
        return s;
    }
}

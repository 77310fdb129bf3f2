package energyhub.uplink;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code hub.uplink.*}: the national uplink (docs/national-uplink.md). */
@ConfigurationProperties("hub.uplink")
public class UplinkProperties {

    private boolean enabled;
    private String baseUrl = "https://127.0.0.1:8443";
    private String enterpriseCode = "";
    private String secretKey = "";
    private String pin = "";
    private String keyStore = "";
    private String keyStorePassword = "";
    private String keyStoreType = "PKCS12";
    private String trustStore = "";
    private String trustStorePassword = "";
    private String trustStoreType = "PKCS12";
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration readTimeout = Duration.ofSeconds(15);
    private int maxAnswerBytes = PlatformClient.DEFAULT_MAX_ANSWER_BYTES;
    private int maxPageSize = 1000;
    private int maxCsvRows = 100_000;
    private int concurrency = 4;
    private int batchSize = 1;
    private int claimSize = 64;
    private Duration retryInitialDelay = Duration.ofSeconds(1);
    private Duration retryMaxDelay = Duration.ofMinutes(5);
    private Duration lease = Duration.ofMinutes(2);
    private Duration tokenSkew = Duration.ofSeconds(30);
    private Duration alertAfter = Duration.ofMinutes(10);
    private Duration idleWait = Duration.ofSeconds(1);
    private Duration versionCheckInterval = Duration.ofHours(1);
    private Duration ackedRetention = Duration.ofDays(30);
    private String brokerUrl = "";
    private String queue = "energy.national";
    private int circuitWindow = 20;
    private int circuitMinimumCalls = 10;
    private float circuitFailureRate = 50;
    private Duration circuitOpenWait = Duration.ofSeconds(30);
    private Profile profile = new Profile();

    /** The platform's paths and codes: the national text is not public, so all of it is configuration. */
    public static class Profile {
        private String requestAkPath = "/requestAK";
        private String checkVersionPath = "/checkVersion";
        private String dataDownloadPath = "/dataDownload";
        private String uploadPath = "/dataEnterpriseEnergy";
        private String itemIndex = "3,4,5,6,7,8,9,10,11,12,13,14,15,17";
        private List<Integer> versionCodes = new ArrayList<>(List.of(409));
        private List<Integer> retryCodes = new ArrayList<>(List.of(408, 429, 500, 502, 503, 504));
        private boolean upperHex = true;
        private boolean upperPin = false;
        private String timeZone = "Asia/Shanghai";

        public String getRequestAkPath() { return requestAkPath; }
        public void setRequestAkPath(String v) { requestAkPath = v; }
        public String getCheckVersionPath() { return checkVersionPath; }
        public void setCheckVersionPath(String v) { checkVersionPath = v; }
        public String getDataDownloadPath() { return dataDownloadPath; }
        public void setDataDownloadPath(String v) { dataDownloadPath = v; }
        public String getUploadPath() { return uploadPath; }
        public void setUploadPath(String v) { uploadPath = v; }
        public String getItemIndex() { return itemIndex; }
        public void setItemIndex(String v) { itemIndex = v; }
        public List<Integer> getVersionCodes() { return versionCodes; }
        public void setVersionCodes(List<Integer> v) { versionCodes = v; }
        public List<Integer> getRetryCodes() { return retryCodes; }
        public void setRetryCodes(List<Integer> v) { retryCodes = v; }
        public boolean isUpperHex() { return upperHex; }
        public void setUpperHex(boolean v) { upperHex = v; }
        public boolean isUpperPin() { return upperPin; }
        public void setUpperPin(boolean v) { upperPin = v; }
        public String getTimeZone() { return timeZone; }
        public void setTimeZone(String v) { timeZone = v; }
    }

    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean v) { enabled = v; }
    public String getBaseUrl() { return baseUrl; }
    public void setBaseUrl(String v) { baseUrl = v; }
    public String getEnterpriseCode() { return enterpriseCode; }
    public void setEnterpriseCode(String v) { enterpriseCode = v; }
    public String getSecretKey() { return secretKey; }
    public void setSecretKey(String v) { secretKey = v; }
    public String getPin() { return pin; }
    public void setPin(String v) { pin = v; }
    public String getKeyStore() { return keyStore; }
    public void setKeyStore(String v) { keyStore = v; }
    public String getKeyStorePassword() { return keyStorePassword; }
    public void setKeyStorePassword(String v) { keyStorePassword = v; }
    public String getKeyStoreType() { return keyStoreType; }
    public void setKeyStoreType(String v) { keyStoreType = v; }
    public String getTrustStore() { return trustStore; }
    public void setTrustStore(String v) { trustStore = v; }
    public String getTrustStorePassword() { return trustStorePassword; }
    public void setTrustStorePassword(String v) { trustStorePassword = v; }
    public String getTrustStoreType() { return trustStoreType; }
    public void setTrustStoreType(String v) { trustStoreType = v; }
    public Duration getConnectTimeout() { return connectTimeout; }
    public void setConnectTimeout(Duration v) { connectTimeout = v; }
    public Duration getReadTimeout() { return readTimeout; }
    public void setReadTimeout(Duration v) { readTimeout = v; }
    public int getMaxAnswerBytes() { return maxAnswerBytes; }
    public void setMaxAnswerBytes(int v) { maxAnswerBytes = v; }
    public int getMaxPageSize() { return maxPageSize; }
    public void setMaxPageSize(int v) { maxPageSize = v; }
    public int getMaxCsvRows() { return maxCsvRows; }
    public void setMaxCsvRows(int v) { maxCsvRows = v; }
    public int getConcurrency() { return concurrency; }
    public void setConcurrency(int v) { concurrency = v; }
    public int getBatchSize() { return batchSize; }
    public int getClaimSize() { return claimSize; }
    public void setClaimSize(int v) { claimSize = v; }
    public void setBatchSize(int v) { batchSize = v; }
    public Duration getRetryInitialDelay() { return retryInitialDelay; }
    public void setRetryInitialDelay(Duration v) { retryInitialDelay = v; }
    public Duration getRetryMaxDelay() { return retryMaxDelay; }
    public void setRetryMaxDelay(Duration v) { retryMaxDelay = v; }
    public Duration getLease() { return lease; }
    public void setLease(Duration v) { lease = v; }
    public Duration getTokenSkew() { return tokenSkew; }
    public void setTokenSkew(Duration v) { tokenSkew = v; }
    public Duration getAlertAfter() { return alertAfter; }
    public void setAlertAfter(Duration v) { alertAfter = v; }
    public Duration getIdleWait() { return idleWait; }
    public Duration getVersionCheckInterval() { return versionCheckInterval; }
    public void setVersionCheckInterval(Duration v) { versionCheckInterval = v; }
    public Duration getAckedRetention() { return ackedRetention; }
    public void setAckedRetention(Duration v) { ackedRetention = v; }
    public void setIdleWait(Duration v) { idleWait = v; }
    public String getBrokerUrl() { return brokerUrl; }
    public void setBrokerUrl(String v) { brokerUrl = v; }
    public String getQueue() { return queue; }
    public void setQueue(String v) { queue = v; }
    public int getCircuitWindow() { return circuitWindow; }
    public void setCircuitWindow(int v) { circuitWindow = v; }
    public int getCircuitMinimumCalls() { return circuitMinimumCalls; }
    public void setCircuitMinimumCalls(int v) { circuitMinimumCalls = v; }
    public float getCircuitFailureRate() { return circuitFailureRate; }
    public void setCircuitFailureRate(float v) { circuitFailureRate = v; }
    public Duration getCircuitOpenWait() { return circuitOpenWait; }
    public void setCircuitOpenWait(Duration v) { circuitOpenWait = v; }
    public Profile getProfile() { return profile; }
    public void setProfile(Profile v) { profile = v; }
}

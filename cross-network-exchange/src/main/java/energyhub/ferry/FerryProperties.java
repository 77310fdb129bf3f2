package energyhub.ferry;

import java.time.Duration;

/** {@code hub.ferry.*}: the local ferry inbox the gate (网闸) fills, and what comes back out. */

public class FerryProperties {

    /** Directory the gate drops packages into. */
    private String inbox;
    /** Directory ACK files are written to, for the gate to carry back. */
    private String outbox;
    /** Processed packages, in dated folders yyyy/MM/dd. */
    private String archive;
    /** Rejected packages, each with a NAME.reason.txt. */
    private String quarantine;
    /** How often the inbox is looked at. */
    private Duration pollInterval = Duration.ofMillis(250);
    /** A manifest that is not complete JSON yet is given this long (it may still be being written) before it is BAD_MANIFEST. */
    private Duration manifestMinAge = Duration.ofSeconds(1);
    /** Packages whose data file is larger than this go to the backlog lane; smaller ones are staged by the inbox's own thread. */
    private long liveMaxBytes = 1024 * 1024;
    /** Packages of the backlog lane staged and delivered at the same time, per local inbox. */
    private int backlogPackages = 3;
    /** Live packages (data file up to live-max-bytes) staged and delivered at once per local inbox. */
    private int livePackages = 4;
    /** A data file this long without its manifest (or a manifest without its data) is reported. */
    private Duration staleAfter = Duration.ofMinutes(30);
    /** How often the local inboxes are scanned for stale data files. */
    private Duration staleScanInterval = Duration.ofMinutes(1);
    /** A data file shorter than its manifest says, changed within this time, is still arriving: wait. */
    private Duration settleTime = Duration.ofSeconds(10);
    /** Largest data file accepted, as transferred. */
    private long maxPackageBytes = 512L * 1024 * 1024;
    /** Largest data after gunzip (guards against gzip bombs). */
    private long maxUncompressedBytes = 4L * 1024 * 1024 * 1024;
    /** A gzip data file inflating more than this many times its compressed size is refused as TOO_LARGE (a bomb). */
    private int maxCompressionRatio = 200;
    /** Longest line (one record) accepted. */
    private int maxLineChars = 16 * 1024;
    /** Local work directory SFTP sources download packages into (one sub-folder per source). */
    private String work;
    /** Signed manifests (docs/ferry-contract.md): off (v1 as before), warn (unsigned accepted, logged and counted), required. */
    private Signatures signatures = Signatures.OFF;
    /** The province code this hub serves: a signed manifest's target must be it. */
    private String target;
    /** Longest a signed package may live: its notAfter at most this long after its createdAt. */
    private Duration maxPackageLifetime = Duration.ofDays(7);
    /** A createdAt further than this in the future is refused (PACKAGE_EXPIRED). */
    private Duration maxClockSkew = Duration.ofMinutes(5);
    /** How long the key registry is cached: a revocation on any hub takes effect on every hub within this. */
    private Duration keyRefresh = Duration.ofSeconds(5);
    /** A RETIRING key is still accepted this long after its retirement (packages in flight). */
    private Duration keyRetiringGrace = Duration.ofDays(2);

    /** The hub's own SM2 private key (PKCS#8 PEM) it signs ACK files and (signatures on) 补传 requests with; empty: unsigned. */
    private String ackKeyFile;
    /** The id the hub's key is registered under (as a HUB key, on start, when it is not yet). */
    private String ackKeyId = "province-hub";
    /** Make the key file on first start when it is missing (the dev profile; production keys are made and kept by operators). */
    private boolean ackKeyGenerate;
    /** A YAML file of public keys imported into the key registry at start (docs/ferry-contract.md, "The key import file"); empty: none. */
    private String keysImportFile;
    /** The dev profile's exchange server key (PKCS#8 PEM): made on first start when missing and registered as an EXCHANGE key; empty: none. */
    private String devExchangeKeyFile;
    /** The id the dev profile's exchange server key is registered under. */
    private String devExchangeKeyId = "dev-exchange";

    public enum Signatures { OFF, WARN, REQUIRED }

    /** Further sources by id: more local inboxes and SFTP exchange servers; each becomes route ferry-{id}. */
    private java.util.Map<String, FerrySource> sources = new java.util.LinkedHashMap<>();

    public String getInbox() { return inbox; }
    public void setInbox(String v) { this.inbox = v; }
    public String getOutbox() { return outbox; }
    public void setOutbox(String v) { this.outbox = v; }
    public String getArchive() { return archive; }
    public void setArchive(String v) { this.archive = v; }
    public String getQuarantine() { return quarantine; }
    public void setQuarantine(String v) { this.quarantine = v; }
    public Duration getPollInterval() { return pollInterval; }
    public void setPollInterval(Duration v) { this.pollInterval = v; }
    public Duration getManifestMinAge() { return manifestMinAge; }
    public void setManifestMinAge(Duration v) { this.manifestMinAge = v; }
    public long getLiveMaxBytes() { return liveMaxBytes; }
    public void setLiveMaxBytes(long v) { this.liveMaxBytes = v; }
    public int getLivePackages() { return livePackages; }
    public void setLivePackages(int v) { this.livePackages = v; }
    public int getBacklogPackages() { return backlogPackages; }
    public void setBacklogPackages(int v) { this.backlogPackages = v; }
    public Duration getStaleAfter() { return staleAfter; }
    public void setStaleAfter(Duration v) { this.staleAfter = v; }
    public Duration getStaleScanInterval() { return staleScanInterval; }
    public void setStaleScanInterval(Duration v) { this.staleScanInterval = v; }
    public Duration getSettleTime() { return settleTime; }
    public void setSettleTime(Duration v) { this.settleTime = v; }
    public long getMaxPackageBytes() { return maxPackageBytes; }
    public void setMaxPackageBytes(long v) { this.maxPackageBytes = v; }
    public long getMaxUncompressedBytes() { return maxUncompressedBytes; }
    public void setMaxUncompressedBytes(long v) { this.maxUncompressedBytes = v; }
    public String getWork() { return work; }
    public void setWork(String v) { this.work = v; }
    public java.util.Map<String, FerrySource> getSources() { return sources; }
    public void setSources(java.util.Map<String, FerrySource> v) { this.sources = v; }
    public int getMaxCompressionRatio() { return maxCompressionRatio; }
    public void setMaxCompressionRatio(int v) { this.maxCompressionRatio = v; }
    public int getMaxLineChars() { return maxLineChars; }
    public String getAckKeyFile() { return ackKeyFile; }
    public void setAckKeyFile(String v) { this.ackKeyFile = v; }
    public String getAckKeyId() { return ackKeyId; }
    public void setAckKeyId(String v) { this.ackKeyId = v; }
    public boolean isAckKeyGenerate() { return ackKeyGenerate; }
    public void setAckKeyGenerate(boolean v) { this.ackKeyGenerate = v; }
    public String getKeysImportFile() { return keysImportFile; }
    public void setKeysImportFile(String v) { this.keysImportFile = v; }
    public String getDevExchangeKeyFile() { return devExchangeKeyFile; }
    public void setDevExchangeKeyFile(String v) { this.devExchangeKeyFile = v; }
    public String getDevExchangeKeyId() { return devExchangeKeyId; }
    public void setDevExchangeKeyId(String v) { this.devExchangeKeyId = v; }
    public Signatures getSignatures() { return signatures; }
    public void setSignatures(Signatures v) { this.signatures = v; }
    public String getTarget() { return target; }
    public void setTarget(String v) { this.target = v; }
    public Duration getMaxPackageLifetime() { return maxPackageLifetime; }
    public void setMaxPackageLifetime(Duration v) { this.maxPackageLifetime = v; }
    public Duration getMaxClockSkew() { return maxClockSkew; }
    public void setMaxClockSkew(Duration v) { this.maxClockSkew = v; }
    public Duration getKeyRefresh() { return keyRefresh; }
    public void setKeyRefresh(Duration v) { this.keyRefresh = v; }
    public Duration getKeyRetiringGrace() { return keyRetiringGrace; }
    public void setKeyRetiringGrace(Duration v) { this.keyRetiringGrace = v; }
    public void setMaxLineChars(int v) { this.maxLineChars = v; }
}

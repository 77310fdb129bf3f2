package energyhub.ferry;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The manifest of a ferry package, contracts section 2; its arrival says the data file is complete.
 * Version 2 (docs/ferry-contract.md) is the payload of a signed DSSE envelope and adds {@code notAfter}
 * and {@code target}; its {@code sm3} is required and is the digest checked.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record FerryManifest(String batchId, String sender, String kind, String createdAt, Long recordCount,
        Long byteSize, String sha256, String sm3, String schemaVersion, String notAfter, String target) {

    public static final String SUFFIX = ".manifest";

    /** A v1 manifest. */
    public FerryManifest(String batchId, String sender, String kind, String createdAt, Long recordCount,
            Long byteSize, String sha256, String sm3, String schemaVersion) {
        this(batchId, sender, kind, createdAt, recordCount, byteSize, sha256, sm3, schemaVersion, null, null);
    }

    /** The digest algorithm the sender chose; SHA-256 when both are given. */
    public String digestAlgorithm() {
        return sha256 != null && !sha256.isBlank() ? "SHA-256" : sm3 != null && !sm3.isBlank() ? "SM3" : null;
    }

    public String digest() {
        return "SHA-256".equals(digestAlgorithm()) ? sha256 : sm3;
    }

    /** A signed manifest's data file is checked against its sm3 (the national algorithm the signature covers). */
    FerryManifest checkedBySm3() {
        return new FerryManifest(batchId, sender, kind, createdAt, recordCount, byteSize, null, sm3, schemaVersion,
                notAfter, target);
    }
}

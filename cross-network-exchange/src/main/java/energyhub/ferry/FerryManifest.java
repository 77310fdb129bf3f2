package energyhub.ferry;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** The manifest of a ferry package, contracts section 2; its arrival says the data file is complete. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record FerryManifest(String batchId, String sender, String kind, String createdAt, Long recordCount,
        Long byteSize, String sha256, String sm3, String schemaVersion) {

    public static final String SUFFIX = ".manifest";

    /** The digest algorithm the sender chose; SHA-256 when both are given. */
    public String digestAlgorithm() {
        return sha256 != null && !sha256.isBlank() ? "SHA-256" : sm3 != null && !sm3.isBlank() ? "SM3" : null;
    }

    public String digest() {
        return "SHA-256".equals(digestAlgorithm()) ? sha256 : sm3;
    }
}

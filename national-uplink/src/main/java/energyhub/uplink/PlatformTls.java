package energyhub.uplink;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The uplink's TLS: its client certificate and key from a key store, the platform's CA pinned as the only trust
 * anchor (a trust store holding it). No trust-all anywhere: the JDK's PKIX trust manager decides; this only remembers
 * which certificate it refused, so the link's log line can name it.
 */
public final class PlatformTls {

    private final SSLContext context;
    private final AtomicReference<String> lastRefusal = new AtomicReference<>();
    private String clientCertificate = "";
    private java.util.Date clientNotAfter;
    private java.util.Date clientNotBefore;

    private PlatformTls(SSLContext context) {
        this.context = context;
    }

    /**
     * What is wrong with the hub's own client certificate now (expired, not yet valid), naming it; null when it is
     * within its validity. A platform refuses such a certificate during the handshake with a bare alert.
     */
    public String clientCertificateProblem() {
        java.util.Date now = new java.util.Date();
        if (clientNotAfter != null && now.after(clientNotAfter)) {
            return "the hub's client certificate " + clientCertificate + " (hub.uplink.key-store) expired at "
                    + clientNotAfter.toInstant();
        }
        if (clientNotBefore != null && now.before(clientNotBefore)) {
            return "the hub's client certificate " + clientCertificate + " (hub.uplink.key-store) is valid only from "
                    + clientNotBefore.toInstant();
        }
        return null;
    }

    /** The hub's client certificate's subject and end of validity, for the start's log line. */
    public String clientCertificate() {
        return clientCertificate + (clientNotAfter == null ? "" : ", valid until " + clientNotAfter.toInstant());
    }

    public SSLContext context() {
        return context;
    }

    /** The certificate the last failed handshake refused (subject, issuer, validity, why), or null. */
    public String lastRefusal() {
        return lastRefusal.get();
    }

    public static PlatformTls load(Path keyStore, String keyStoreType, char[] keyStorePassword, Path trustStore,
            String trustStoreType, char[] trustStorePassword) throws Exception {
        KeyStore keys = read(keyStore, keyStoreType, keyStorePassword);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, keyStorePassword);
        KeyStore trust = read(trustStore, trustStoreType, trustStorePassword);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        X509TrustManager pkix = null;
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                pkix = x;
            }
        }
        if (pkix == null) {
            throw new IllegalStateException("no X509 trust manager for " + trustStore);
        }
        SSLContext ssl = SSLContext.getInstance("TLS");
        PlatformTls tls = new PlatformTls(ssl);
        for (String alias : java.util.Collections.list(keys.aliases())) {
            if (keys.isKeyEntry(alias) && keys.getCertificate(alias) instanceof X509Certificate c) {
                tls.clientCertificate = "'" + c.getSubjectX500Principal().getName() + "' issued by '"
                        + c.getIssuerX500Principal().getName() + "'";
                tls.clientNotAfter = c.getNotAfter();
                tls.clientNotBefore = c.getNotBefore();
                break;
            }
        }
        ssl.init(kmf.getKeyManagers(), new TrustManager[] {tls.remembering(pkix)}, null);
        return tls;
    }

    private static KeyStore read(Path file, String type, char[] password) throws Exception {
        KeyStore ks = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, password);
        }
        return ks;
    }

    private X509TrustManager remembering(X509TrustManager pkix) {
        return new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                pkix.checkClientTrusted(chain, authType);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                try {
                    pkix.checkServerTrusted(chain, authType);
                    lastRefusal.set(null);
                } catch (CertificateException e) {
                    X509Certificate leaf = chain[0];
                    lastRefusal.set("platform certificate '" + leaf.getSubjectX500Principal().getName() + "' issued by '"
                            + leaf.getIssuerX500Principal().getName() + "' (serial " + leaf.getSerialNumber().toString(16)
                            + ", valid " + leaf.getNotBefore().toInstant() + " to " + leaf.getNotAfter().toInstant()
                            + ") is not trusted by hub.uplink.trust-store: " + e.getMessage());
                    throw e;
                }
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return pkix.getAcceptedIssuers();
            }
        };
    }
}

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The image's HEALTHCHECK without curl (the runtime image carries nothing but the JRE and the hub): asks the
 * hub's liveness and readiness probes on 127.0.0.1:${SERVER_PORT:-8080}; exits 0 when both answer 200, else 1
 * with one line saying why (Docker and Podman show it in `inspect`). Compiled in the Containerfile's build
 * stage, as a JRE has no compiler to run a source file with; ContainerfileTest runs it against test servers.
 * <p>
 * HTTPS first (the prod profile's cockpit speaks only that); a server answering in plain text is asked over
 * HTTP (a profile without TLS). The certificate is not verified, as a kubelet's probe does not: the check
 * talks to its own container over loopback and reads nothing but a status.
 */
public final class HealthCheck {

    private static final int TIMEOUT_MILLIS = 4000;

    public static void main(String[] args) {
        String port = System.getenv().getOrDefault("SERVER_PORT", "8080");
        for (String probe : new String[] {"liveness", "readiness"}) {
            String path = "/actuator/health/" + probe;
            try {
                int status;
                try {
                    status = status(new URL("https://127.0.0.1:" + port + path));
                } catch (SSLException plainText) {
                    status = status(new URL("http://127.0.0.1:" + port + path));
                }
                if (status != 200) {
                    System.out.println(path + " answered HTTP " + status);
                    System.exit(1);
                }
            } catch (IOException | RuntimeException e) {
                System.out.println(path + " not answered: " + e);
                System.exit(1);
            }
        }
        System.exit(0);
    }

    private static int status(URL url) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) url.openConnection();
        if (connection instanceof HttpsURLConnection https) {
            https.setSSLSocketFactory(ANY_CERTIFICATE.getSocketFactory());
            https.setHostnameVerifier((host, session) -> true);
        }
        connection.setConnectTimeout(TIMEOUT_MILLIS);
        connection.setReadTimeout(TIMEOUT_MILLIS);
        connection.setInstanceFollowRedirects(false);
        try {
            int status = connection.getResponseCode();
            InputStream body = status < 400 ? connection.getInputStream() : connection.getErrorStream();
            if (body != null) {
                body.readNBytes(65536);
                body.close();
            }
            return status;
        } finally {
            connection.disconnect();
        }
    }

    private static final SSLContext ANY_CERTIFICATE = anyCertificate();

    private static SSLContext anyCertificate() {
        TrustManager any = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {any}, new SecureRandom());
            return context;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}

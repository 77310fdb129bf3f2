package energyhub.uplink.simulator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Key stores for the simulator and a hub that talks to it, made with the JDK's keytool (PKCS12): a platform CA and
 * the platform's server certificate (127.0.0.1, localhost), a client CA and the hub's client certificate, and the two
 * trust stores. For trying the link before the province is connected, and for tests; never for production.
 */
public final class DemoPki {

    public final Path dir;
    public final String password;

    private DemoPki(Path dir, String password) {
        this.dir = dir;
        this.password = password;
    }

    /** The platform's key store (server certificate signed by the platform CA). */
    public Path serverKeyStore() { return dir.resolve("platform-server.p12"); }
    /** What the platform trusts: the client CA. */
    public Path serverTrustStore() { return dir.resolve("platform-trust.p12"); }
    /** The hub's key store (client certificate signed by the client CA). */
    public Path clientKeyStore() { return dir.resolve("hub-client.p12"); }
    /** What the hub trusts: the platform CA only. */
    public Path clientTrustStore() { return dir.resolve("hub-trust.p12"); }

    /** Makes the stores in {@code dir} unless they are there; {@code prefix} names the CAs (e.g. to make a wrong CA). */
    public static DemoPki create(Path dir, String password, String prefix) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        DemoPki pki = new DemoPki(dir, password);
        if (Files.exists(pki.clientTrustStore())) {
            return pki;
        }
        // a run cut short leaves some stores: start over (keytool refuses an alias that exists); only the PKI's own
        // files, never anything else a mistaken dir may hold
        try (var old = Files.list(dir)) {
            for (Path f : old.toList()) {
                String name = f.getFileName().toString();
                if (Files.isRegularFile(f) && (name.endsWith(".p12") || name.endsWith(".crt") || name.endsWith(".csr"))) {
                    Files.delete(f);
                }
            }
        }
        pki.ca("platform-ca", prefix + " Platform CA");
        pki.ca("client-ca", prefix + " Hub Client CA");
        pki.leaf("platform-ca", pki.serverKeyStore(), "server", "CN=national-platform-simulator,O=" + prefix,
                "san=ip:127.0.0.1,dns:localhost", "eku=serverAuth");
        pki.leaf("client-ca", pki.clientKeyStore(), "client", "CN=province-hub,O=" + prefix, null, "eku=clientAuth");
        pki.trust("client-ca", pki.serverTrustStore());
        pki.trust("platform-ca", pki.clientTrustStore());
        return pki;
    }

    private void ca(String alias, String cn) throws IOException, InterruptedException {
        keytool("-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + cn,
                "-ext", "bc:c", "-validity", "3650", "-keystore", dir.resolve(alias + ".p12").toString(),
                "-storepass", password);
        keytool("-exportcert", "-rfc", "-alias", alias, "-keystore", dir.resolve(alias + ".p12").toString(),
                "-storepass", password, "-file", dir.resolve(alias + ".crt").toString());
    }

    /**
     * A second hub key store, its certificate from the same client CA but expired (valid for one day, three days ago):
     * the platform refuses it.
     */
    public Path expiredClientKeyStore() throws IOException, InterruptedException {
        Path store = dir.resolve("hub-client-expired.p12");
        if (!Files.exists(store)) {
            leaf("client-ca", store, "expired", "CN=province-hub-expired,O=Expired", null, "eku=clientAuth", "-3d", "1");
        }
        return store;
    }

    private void leaf(String ca, Path store, String alias, String dname, String san, String eku)
            throws IOException, InterruptedException {
        leaf(ca, store, alias, dname, san, eku, null, "3650");
    }

    private void leaf(String ca, Path store, String alias, String dname, String san, String eku, String startDate,
            String validity) throws IOException, InterruptedException {
        keytool("-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", dname,
                "-validity", "3650", "-keystore", store.toString(), "-storepass", password);
        Path csr = dir.resolve(alias + ".csr");
        Path crt = dir.resolve(alias + ".crt");
        keytool("-certreq", "-alias", alias, "-keystore", store.toString(), "-storepass", password, "-file", csr.toString());
        List<String> gencert = new ArrayList<>(List.of("-gencert", "-alias", ca, "-keystore",
                dir.resolve(ca + ".p12").toString(), "-storepass", password, "-infile", csr.toString(), "-outfile",
                crt.toString(), "-rfc", "-validity", validity, "-ext", eku));
        if (startDate != null) {
            gencert.addAll(List.of("-startdate", startDate));
        }
        if (san != null) {
            gencert.addAll(List.of("-ext", san));
        }
        keytool(gencert.toArray(String[]::new));
        keytool("-importcert", "-noprompt", "-alias", ca, "-file", dir.resolve(ca + ".crt").toString(), "-keystore",
                store.toString(), "-storepass", password);
        keytool("-importcert", "-alias", alias, "-file", crt.toString(), "-keystore", store.toString(), "-storepass",
                password);
    }

    private void trust(String ca, Path store) throws IOException, InterruptedException {
        keytool("-importcert", "-noprompt", "-alias", ca, "-file", dir.resolve(ca + ".crt").toString(), "-keystore",
                store.toString(), "-storepass", password, "-storetype", "PKCS12");
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool " + args[0] + " failed: " + new String(out));
        }
    }
}

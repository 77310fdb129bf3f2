package energyhub.signing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.bouncycastle.crypto.digests.SM3Digest;

/** SM3 (GB/T 32905) in lower-case hex, as a manifest v2's {@code sm3} field carries it. */
public final class Sm3 {

    private Sm3() {
    }

    public static String hex(byte[] bytes) {
        SM3Digest d = new SM3Digest();
        d.update(bytes, 0, bytes.length);
        return done(d);
    }

    /** Of a file, streamed. */
    public static String hex(Path file) throws IOException {
        SM3Digest d = new SM3Digest();
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0;) {
                d.update(buffer, 0, n);
            }
        }
        return done(d);
    }

    private static String done(SM3Digest d) {
        byte[] h = new byte[32];
        d.doFinal(h, 0);
        return HexFormat.of().formatHex(h);
    }
}

package energyhub.ferry.signing;

import energyhub.signing.Sm2;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SM2 key files the hub keeps itself: its ACK signing key ({@code hub.ferry.ack-key-file}) and, in the dev
 * profile, the development exchange server's key ({@code hub.ferry.dev-exchange-key-file}). A file that may be
 * made is made on first start: owner-only, written whole under a temporary name and renamed; its public half
 * is written beside it as {@code NAME.pub.pem} (for {@code ferry-signer verify-ack} / {@code verify}).
 */
final class KeyFiles {

    private static final Logger log = LoggerFactory.getLogger(KeyFiles.class);
    /** A PKCS#8 PEM of an SM2 key is some 250 bytes; anything much larger is not one. */
    private static final int MAX_KEY_FILE_BYTES = 16 * 1024;

    private KeyFiles() {
    }

    /**
     * The private key in {@code file}. With {@code make}, a missing file is made first, and a missing
     * {@code NAME.pub.pem} beside it is written from the key.
     *
     * @param what what the key is, for the log line ("the hub's ACK signing key")
     */
    static ECPrivateKeyParameters load(Path file, boolean make, String what) throws IOException {
        if (make && !Files.exists(file)) {
            Files.createDirectories(file.toAbsolutePath().getParent());
            var pair = Sm2.generate(new SecureRandom());
            Path tmp = file.resolveSibling(".writing-" + file.getFileName());
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, Sm2.privatePem((ECPrivateKeyParameters) pair.getPrivate()));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            log.info("made {} {} (owner-only)", what, file);
        }
        ECPrivateKeyParameters key = Sm2.readPrivate(read(file));
        Path pub = publicFile(file);
        if (make && !Files.exists(pub)) {
            Path tmp = pub.resolveSibling(".writing-" + pub.getFileName());
            Files.writeString(tmp, Sm2.publicPem(Sm2.publicOf(key)));
            Files.move(tmp, pub, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            log.info("wrote the public half of {} to {}", what, pub);
        }
        return key;
    }

    /** {@code dir/NAME.pem} -> {@code dir/NAME.pub.pem}. */
    static Path publicFile(Path file) {
        String name = file.getFileName().toString();
        String base = name.endsWith(".pem") ? name.substring(0, name.length() - 4) : name;
        return file.resolveSibling(base + ".pub.pem");
    }

    private static String read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] b = in.readNBytes(MAX_KEY_FILE_BYTES + 1);
            if (b.length > MAX_KEY_FILE_BYTES) {
                throw new IllegalArgumentException(file + " is larger than " + MAX_KEY_FILE_BYTES
                        + " bytes: not an SM2 private key PEM");
            }
            return new String(b, StandardCharsets.US_ASCII);
        }
    }
}

package energyhub.ferry.signing;

import energyhub.ferry.FerryProperties;
import energyhub.signing.Dsse;
import energyhub.signing.Sm2;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import energyhub.routing.Headers;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultMessage;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The hub signs what it writes back (docs/ferry-contract.md, "Signed answers"): with
 * {@code hub.ferry.ack-key-file} set, every ACK file of every ferry source (local inbox or SFTP exchange
 * server) gets {@code NAME.ack.json.sig} beside it, written before the ACK itself (so the ACK's arrival says
 * both are there): a DSSE envelope of payload type {@link Dsse#ACK_TYPE} whose payload is the ACK's exact
 * bytes, signed SM3withSM2 by the key {@code hub.ferry.ack-key-id}; and the hub's 补传 requests carry a
 * manifest v2 signed by the same key ({@link #signManifest}). The hub's public key is published as a HUB key
 * in the registry (GET /api/operator/ferry-keys/{id}); the internet side checks ACKs with
 * {@code ferry-signer verify-ack} and requests with {@code ferry-signer verify}. With
 * {@code hub.ferry.ack-key-generate} (the dev profile) a missing key file is made on first start.
 */
@Component
public class AckSigner {

    private static final Logger log = LoggerFactory.getLogger(AckSigner.class);

    private final FerryProperties properties;
    private final KeyRegistry registry;
    private volatile ECPrivateKeyParameters key;

    public AckSigner(FerryProperties properties, KeyRegistry registry) {
        this.properties = properties;
        this.registry = registry;
    }

    /** Loads (or, when allowed, makes) the hub's key and registers its public half as a HUB key if it is not yet. */
    @EventListener(ApplicationReadyEvent.class)
    public void start() throws IOException {
        String file = properties.getAckKeyFile();
        if (file == null || file.isBlank()) {
            return;
        }
        Path path = Path.of(file);
        if (!Files.exists(path) && properties.isAckKeyGenerate()) {
            Files.createDirectories(path.toAbsolutePath().getParent());
            var pair = Sm2.generate(new SecureRandom());
            Path tmp = path.resolveSibling(".writing-" + path.getFileName());
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, Sm2.privatePem((ECPrivateKeyParameters) pair.getPrivate()));
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE);
            log.info("made the hub's ACK signing key {} (hub.ferry.ack-key-generate)", path);
        }
        ECPrivateKeyParameters k = Sm2.readPrivate(Files.readString(path));
        String id = properties.getAckKeyId();
        try {
            FerryKey registered = registry.get(id);
            if (registered.ownerKind() != FerryKey.OwnerKind.HUB || !Sm2.ALGORITHM.equals(registered.algorithm())
                    || !Sm2.readPublic(registered.publicKey()).getQ().equals(Sm2.publicOf(k).getQ())) {
                throw new IllegalStateException("hub.ferry.ack-key-id " + id + " is registered for another key: "
                        + "give the hub's key another id");
            }
        } catch (NoSuchElementException e) {
            registry.register(new FerryKey(id, FerryKey.OwnerKind.HUB, id, null, Sm2.ALGORITHM,
                    Sm2.publicPem(Sm2.publicOf(k)), null, null, null, null, null, "hub", null));
            log.info("registered the hub's ACK signing key as {} (GET /api/operator/ferry-keys/{})", id, id);
        }
        key = k;
    }

    /** Whether the hub has its key: its ACK files and its 补传 requests are signed. */
    public boolean signs() {
        return key != null;
    }

    /** The id the hub's key is registered (and its signatures made) under. */
    public String keyId() {
        return properties.getAckKeyId();
    }

    /**
     * The files of one ACK in the order they are written, each a message with its file name and exact bytes:
     * {@code NAME.ack.json.sig} (the hub's signature of the ACK's bytes; only with the hub's key), then
     * {@code NAME.ack.json}. Every ACK route, local inbox and SFTP alike, splits an ACK into these and writes
     * them through its one writer ({@code FerryInboxRoute.ackRoute}), so the ACK's arrival says both are there.
     */
    public List<Message> files(Exchange exchange) {
        String name = exchange.getMessage().getHeader(Headers.ACK_REF, String.class);
        Object body = exchange.getMessage().getBody();
        // UTF-8 here, once: the exact bytes signed are the bytes written (the writers convert nothing)
        byte[] ack = body instanceof String text ? text.getBytes(StandardCharsets.UTF_8)
                : exchange.getMessage().getBody(byte[].class);
        List<Message> files = new ArrayList<>(2);
        ECPrivateKeyParameters k = key;
        if (k != null) {
            files.add(file(exchange, name + ".sig", Dsse.write(Dsse.sign(Dsse.ACK_TYPE, ack, keyId(), k))));
        }
        files.add(file(exchange, name, ack));
        return files;
    }

    private static Message file(Exchange exchange, String name, byte[] bytes) {
        Message m = new DefaultMessage(exchange.getContext());
        m.setHeader(Exchange.FILE_NAME, name);
        m.setBody(bytes);
        return m;
    }

    /**
     * A manifest v2 the hub sends (its 补传 requests): the DSSE envelope of these exact payload bytes, signed by
     * the hub's key; IllegalStateException when the hub has none ({@link #signs}).
     */
    public byte[] signManifest(byte[] payload) {
        ECPrivateKeyParameters k = key;
        if (k == null) {
            throw new IllegalStateException("the hub has no signing key (hub.ferry.ack-key-file)");
        }
        return Dsse.write(Dsse.sign(Dsse.MANIFEST_TYPE, payload, keyId(), k));
    }
}

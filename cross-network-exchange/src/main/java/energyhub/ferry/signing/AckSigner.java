package energyhub.ferry.signing;

import energyhub.ferry.FerryProperties;
import energyhub.routing.HubConfigurationException;
import energyhub.signing.Dsse;
import energyhub.signing.Sm2;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.camel.Exchange;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The hub signs what it writes back (docs/ferry-contract.md, "Signed ACK files"): with
 * {@code hub.ferry.ack-key-file} set, every ACK file of a local inbox gets {@code NAME.ack.json.sig} beside it,
 * written before the ACK itself (so the ACK's arrival says both are there): a DSSE envelope of payload type
 * {@link Dsse#ACK_TYPE} whose payload is the ACK's exact bytes, signed SM3withSM2 by the key
 * {@code hub.ferry.ack-key-id}. The hub's public key is published as a HUB key in the registry (GET
 * /api/operator/ferry-keys/{id}); the internet side checks ACKs with {@code ferry-signer verify-ack}.
 * With {@code hub.ferry.ack-key-generate} (the dev profile) a missing key file is made on first start
 * ({@link KeyFiles}), its public half beside it as {@code NAME.pub.pem}.
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

    /**
     * Loads (or, when allowed, makes) the hub's key and registers its public half as a HUB key if it is not yet;
     * called by {@link FerryKeysAtStart} before any route starts, so the first ACK is signed already.
     */
    void load() throws IOException {
        String file = properties.getAckKeyFile();
        if (file == null || file.isBlank()) {
            return;
        }
        ECPrivateKeyParameters k = KeyFiles.load(Path.of(file), properties.isAckKeyGenerate(), "the hub's ACK signing key");
        String id = properties.getAckKeyId();
        boolean known = registry.find(id).isPresent();
        try {
            registry.ensure(new FerryKey(id, FerryKey.OwnerKind.HUB, id, null, Sm2.ALGORITHM,
                    Sm2.publicPem(Sm2.publicOf(k)), null, null, null, null, null, "hub", null));
        } catch (IllegalStateException e) {
            throw new HubConfigurationException("hub.ferry.ack-key-id", "(" + id + "): " + e.getMessage()
                    + ", not for the hub's key in " + file, "give the hub's key another id");
        }
        if (!known) {
            log.info("the hub's ACK signing key is registered as {} (GET /api/operator/ferry-keys/{})", id, id);
        }
        key = k;
    }

    /** Camel step before an ACK is written to {@code outbox}: writes its signature file first. */
    public void signInto(Exchange exchange, Path outbox) throws IOException {
        ECPrivateKeyParameters k = key;
        if (k == null) {
            return;
        }
        String name = exchange.getMessage().getHeader(Exchange.FILE_NAME, String.class);
        byte[] ack = exchange.getMessage().getBody(byte[].class);
        exchange.getMessage().setBody(ack); // the exact bytes signed are the bytes written
        byte[] sig = Dsse.write(Dsse.sign(Dsse.ACK_TYPE, ack, properties.getAckKeyId(), k));
        Files.createDirectories(outbox);
        Path tmp = outbox.resolve(".writing-" + name + ".sig");
        Files.write(tmp, sig);
        Files.move(tmp, outbox.resolve(name + ".sig"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }
}

package energyhub.ferry.signing;

import energyhub.ferry.FerryProperties;
import energyhub.routing.HubConfigurationException;
import energyhub.signing.Dsse;
import energyhub.signing.Sm2;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import energyhub.routing.Headers;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultMessage;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
 * {@code hub.ferry.ack-key-generate} (the dev profile) a missing key file is made on first start
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
    public void load() throws IOException {
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

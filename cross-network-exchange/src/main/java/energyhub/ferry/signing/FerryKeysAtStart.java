package energyhub.ferry.signing;

import energyhub.ferry.FerryProperties;
import energyhub.routing.HubConfigurationException;
import energyhub.signing.Sm2;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * The key registry made ready when the hub starts, after the ledger's migration and before any route takes a
 * package (docs/ferry-contract.md, "Keys"), in this order:
 * <ol>
 * <li>the key import file ({@code hub.ferry.keys-import-file}, {@link KeyImport});</li>
 * <li>the dev profile's exchange server key ({@code hub.ferry.dev-exchange-key-file}): made on first start when
 * missing, beside the dev secrets, and registered as an ACTIVE EXCHANGE key ({@code hub.ferry.dev-exchange-key-id})
 * that speaks for every enterprise; the README's "Try it" signs its package with it;</li>
 * <li>the hub's own ACK signing key ({@link AckSigner});</li>
 * <li>with {@code hub.ferry.signatures=required}: at least one ACTIVE exchange server key valid now, else the
 * start stops with one line naming the setting and the two ways to register a key.</li>
 * </ol>
 * Each problem is a {@link HubConfigurationException}: the start ends with one line naming the setting (deployment's
 * failure analyzer), never a stack trace, never a hub that runs and refuses every package.
 */
@Component
public class FerryKeysAtStart implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(FerryKeysAtStart.class);

    private final FerryProperties properties;
    private final KeyRegistry registry;
    private final AckSigner ackSigner;
    private final Clock clock;

    public FerryKeysAtStart(FerryProperties properties, KeyRegistry registry, AckSigner ackSigner, Clock clock) {
        this.properties = properties;
        this.registry = registry;
        this.ackSigner = ackSigner;
        this.clock = clock;
    }

    @Override
    public void afterSingletonsInstantiated() {
        try {
            String file = properties.getKeysImportFile();
            if (file != null && !file.isBlank()) {
                KeyImport.run(Path.of(file), registry);
            }
            devExchangeKey();
            ackSigner.load();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        registry.refresh();
        if (properties.getSignatures() == FerryProperties.Signatures.REQUIRED
                && !registry.hasActiveExchangeKey(clock.instant())) {
            String file = properties.getKeysImportFile();
            throw new HubConfigurationException("hub.ferry.signatures", "is required, but the key registry has no "
                    + "ACTIVE exchange server key valid now, so every package would be refused",
                    "list the exchange server's public key (ferry-signer keygen) as an EXCHANGE key in the file "
                            + KeyImport.PROPERTY + " names (" + (file == null || file.isBlank() ? "not set" : file)
                            + "; docs/ferry-contract.md, \"The key import file\"), or register it through the operator "
                            + "API (POST /api/operator/ferry-keys) of a hub running on the same database");
        }
    }

    /** The dev profile's exchange server key: made when missing, registered when not yet. */
    private void devExchangeKey() throws IOException {
        String file = properties.getDevExchangeKeyFile();
        if (file == null || file.isBlank()) {
            return;
        }
        ECPrivateKeyParameters key = KeyFiles.load(Path.of(file), true, "the development exchange server key");
        String id = properties.getDevExchangeKeyId();
        boolean known = registry.find(id).isPresent();
        try {
            registry.ensure(new FerryKey(id, FerryKey.OwnerKind.EXCHANGE, id, null, Sm2.ALGORITHM,
                    Sm2.publicPem(Sm2.publicOf(key)), null, null, null, null, null, "hub", null));
        } catch (IllegalStateException e) {
            throw new HubConfigurationException("hub.ferry.dev-exchange-key-id", "(" + id + "): " + e.getMessage()
                    + ", not for the key in " + file, "give it another id, or start the dev hub on a fresh data directory");
        }
        if (!known) {
            log.info("the development exchange server key {} is registered as ACTIVE EXCHANGE key {}: sign with "
                    + "java -jar ferry-signer/target/ferry-signer.jar sign --key {} --keyid {} ...", file, id, file, id);
        }
    }
}

package energyhub.routing.inbox;

import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.PropertyConfigurer;

/**
 * Endpoints whose secrets (an SFTP password, a key's passphrase) are set on the endpoint object, never
 * written into its URI: an endpoint URI is shown by route dumps, Hawtio, the endpoint MBeans and log
 * lines, and Camel's masking covers only some of those. The URI names everything else; the secrets go
 * through the component's own option configurer, as the URI's options would.
 */
public final class SecretOptions {

    private SecretOptions() {
    }

    /**
     * @param uri the endpoint's URI, which names no secret
     * @param secrets option name to value; an empty or null value is left unset
     */
    public static Endpoint endpoint(CamelContext context, String uri, Map<String, String> secrets) {
        Endpoint endpoint = context.getEndpoint(uri);
        PropertyConfigurer configurer = endpoint.getComponent().getEndpointPropertyConfigurer();
        secrets.forEach((option, value) -> {
            if (value != null && !value.isEmpty()
                    && !configurer.configure(context, endpoint, option, value, true)) {
                throw new IllegalArgumentException(endpoint.getEndpointBaseUri() + " has no option " + option);
            }
        });
        return endpoint;
    }
}

package energyhub.routing;

/**
 * This hub process's name in the ledger ({@code delivery.claimed_by}): {@code hub.routing.instance-id},
 * or by default the host name and the data directory, so a restart of the same hub finds its own
 * earlier claims and two hubs sharing one ledger never take each other's for their own.
 */
public record HubInstance(String id) {
}

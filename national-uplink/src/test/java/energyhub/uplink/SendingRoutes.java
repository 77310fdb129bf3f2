package energyhub.uplink;

import org.apache.camel.api.management.mbean.ManagedRouteMBean;
import org.apache.camel.impl.DefaultCamelContext;

/** The uplink's sending and housekeeping routes in a CamelContext of their own, as the hub runs them (no intake). */
final class SendingRoutes implements AutoCloseable {

    private final UplinkSender sender;
    private final DefaultCamelContext camel;

    private SendingRoutes(UplinkSender sender, DefaultCamelContext camel) {
        this.sender = sender;
        this.camel = camel;
    }

    static SendingRoutes start(UplinkProperties props, UplinkSender sender, LinkMonitor link) throws Exception {
        DefaultCamelContext camel = new DefaultCamelContext();
        camel.addRoutes(new UplinkFailurePolicy(new UplinkFailures()));
        camel.addRoutes(new UplinkRoutes(props, sender, link, null, null));
        sender.start(); // as in the hub: Camel's routes find the sender running once it has started
        camel.start();
        return new SendingRoutes(sender, camel);
    }

    long completed(String routeId) {
        return mbean(routeId).getExchangesCompleted();
    }

    long failed(String routeId) {
        return mbean(routeId).getExchangesFailed();
    }

    private ManagedRouteMBean mbean(String routeId) {
        return camel.getCamelContextExtension().getContextPlugin(org.apache.camel.api.management.ManagedCamelContext.class)
                .getManagedRoute(routeId);
    }

    @Override
    public void close() {
        sender.stop();
        camel.stop();
    }
}

package energyhub.bench;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyAcceptorFactory;
import org.apache.activemq.artemis.core.remoting.impl.netty.TransportConstants;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;

/**
 * An embedded Artemis for the baselines, configured like the hub's (deployment BrokerConfiguration):
 * persistent NIO journal with Artemis's default sync settings, paging at 64 MiB per address, a
 * persisted duplicate-id cache of 100,000, the two durable anycast queues, an in-VM acceptor and a
 * TCP acceptor for the verifier. Security is off (the hub's is on; its cost is a login per connection).
 */
final class Broker {

    static final String NATIONAL = "energy.national";
    static final String PROVINCIAL = "energy.provincial";

    private Broker() {
    }

    static EmbeddedActiveMQ start(Path dir, int port) throws Exception {
        Configuration config = new ConfigurationImpl()
                .setName("bench-broker")
                .setPersistenceEnabled(true)
                .setJournalType(JournalType.NIO)
                .setJournalDirectory(dir.resolve("journal").toString())
                .setBindingsDirectory(dir.resolve("bindings").toString())
                .setPagingDirectory(dir.resolve("paging").toString())
                .setLargeMessagesDirectory(dir.resolve("large-messages").toString())
                .setNodeManagerLockDirectory(dir.toString())
                .setIDCacheSize(100_000)
                .setPersistIDCache(true)
                .setSecurityEnabled(false)
                .setJMXManagementEnabled(false)
                .setGracefulShutdownEnabled(true)
                .setGracefulShutdownTimeout(5000); // the verifier's and our own clients may still be connected
        config.addAcceptorConfiguration("in-vm", "vm://0");
        Map<String, Object> params = new HashMap<>();
        params.put(TransportConstants.HOST_PROP_NAME, "127.0.0.1");
        params.put(TransportConstants.PORT_PROP_NAME, port);
        params.put(TransportConstants.PROTOCOLS_PROP_NAME, "CORE");
        config.addAcceptorConfiguration(new TransportConfiguration(NettyAcceptorFactory.class.getName(), params, "tcp"));
        for (String queue : new String[] {NATIONAL, PROVINCIAL}) {
            config.addQueueConfiguration(QueueConfiguration.of(queue).setAddress(queue)
                    .setRoutingType(RoutingType.ANYCAST).setDurable(true));
        }
        config.addAddressSetting("#", new AddressSettings()
                .setDeadLetterAddress(SimpleString.of("DLA"))
                .setExpiryAddress(SimpleString.of("ExpiryQueue"))
                .setAddressFullMessagePolicy(AddressFullMessagePolicy.PAGE)
                .setMaxSizeBytes(64L * 1024 * 1024)
                .setAutoCreateQueues(false)
                .setAutoCreateAddresses(false));
        EmbeddedActiveMQ server = new EmbeddedActiveMQ();
        server.setConfiguration(config);
        server.start();
        return server;
    }

    /** Keeps the process (and its broker, for the verifier) alive until it is terminated. */
    static void serveUntilKilled(EmbeddedActiveMQ server) throws InterruptedException {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.stop();
            } catch (Exception e) {
                // exiting anyway
            }
        }));
        Thread.currentThread().join();
    }
}

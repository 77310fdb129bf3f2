package energyhub.deployment;

import energyhub.routing.DeliveryCauses;
import energyhub.routing.HubConfigurationException;
import energyhub.routing.RoutingProperties;
import jakarta.jms.ConnectionFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyAcceptorFactory;
import org.apache.activemq.artemis.core.remoting.impl.netty.TransportConstants;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.config.impl.SecurityConfiguration;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.activemq.artemis.spi.core.security.ActiveMQJAASSecurityManager;
import org.apache.activemq.artemis.spi.core.security.jaas.InVMLoginModule;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.jms.connection.CachingConnectionFactory;

/**
 * The broker: Artemis embedded in the hub (the default) with an in-VM acceptor for the hub and a
 * TCP acceptor for the platforms' consumers, or an external one ({@code hub.broker.embedded=false}).
 * Security is on: the hub, the national and the provincial platform each have their own account,
 * and a platform may only consume and browse its own queue.
 */
@org.springframework.context.annotation.Configuration
@EnableConfigurationProperties(BrokerProperties.class)
public class BrokerConfiguration {

    static final String HUB_ROLE = "hub";
    static final String NATIONAL_ROLE = "national-platform";
    static final String PROVINCIAL_ROLE = "provincial-platform";
    /** Large-message threshold of the hub's connection: chunks (≤ hub.routing.chunk-max-chars) stay below it. */
    static final int MIN_LARGE_MESSAGE_BYTES = 512 * 1024;

    /** In-VM server ids handed out in this JVM: each embedded broker (a test may run several) gets its own. */
    private static final java.util.concurrent.atomic.AtomicInteger IN_VM_IDS = new java.util.concurrent.atomic.AtomicInteger();

    private final BrokerProperties broker;
    private final int inVmId = IN_VM_IDS.getAndIncrement();

    public BrokerConfiguration(BrokerProperties broker) {
        this.broker = broker;
        checkSettings(broker);
        if (broker.getPassword() == null || broker.getPassword().isBlank()) {
            // only the hub itself uses this account, in-VM: a fresh secret per start keeps it out of any file
            byte[] secret = new byte[24];
            new SecureRandom().nextBytes(secret);
            broker.setPassword(HexFormat.of().formatHex(secret));
        }
    }

    /** The settings checked before any bean is built (static: it runs before this configuration exists). */
    @Bean
    static StartupSettingsCheck startupSettingsCheck() {
        return new StartupSettingsCheck();
    }

    /**
     * What the broker cannot start or connect without: the hub's password for an external broker;
     * the platforms' accounts and, with TLS, a readable key store for the embedded one.
     */
    static void checkSettings(BrokerProperties broker) {
        if (!broker.isEmbedded()) {
            if (isBlank(broker.getUrl())) {
                throw new HubConfigurationException("hub.broker.url", "is empty while hub.broker.embedded is false",
                        "give the external broker's URL, e.g. tcp://mq1:61616, or set hub.broker.embedded to true");
            }
            if (isBlank(broker.getPassword())) {
                throw new HubConfigurationException("hub.broker.password", "is not set",
                        "set HUB_BROKER_PASSWORD to the hub's password on the external broker at " + broker.getUrl());
            }
            return;
        }
        requireAccount("national", broker.getNational());
        requireAccount("provincial", broker.getProvincial());
        BrokerProperties.Tls tls = broker.getTls();
        if (tls.isEnabled() && (isBlank(tls.getKeyStore()) || !Files.isReadable(Path.of(tls.getKeyStore())))) {
            throw new HubConfigurationException("hub.broker.tls.key-store", "(" + tls.getKeyStore()
                    + ") is not a readable key store while hub.broker.tls.enabled is true",
                    "make the key store as docs/broker-tls.md shows and name it in HUB_BROKER_KEY_STORE");
        }
    }

    /**
     * With an external broker: connects once with the hub's account, trying for at most
     * {@code hub.broker.startup-timeout}, and throws a {@link HubConfigurationException} naming the
     * setting to fix when no broker answers or the account is refused.
     */
    static void checkReachable(BrokerProperties broker) {
        if (broker.isEmbedded()) {
            return;
        }
        // one attempt at a time against a deadline: how long one attempt takes depends on the URL's
        // servers and retry settings, the operator's bound must not
        long deadline = System.nanoTime() + broker.getStartupTimeout().toNanos();
        try (ActiveMQConnectionFactory probe = probe(broker)) {
            while (true) {
                try (jakarta.jms.Connection connection = probe.createConnection()) {
                    connection.start();
                    return;
                } catch (jakarta.jms.JMSSecurityException e) {
                    throw new HubConfigurationException("hub.broker.password", "is refused by the broker at "
                            + broker.getUrl() + " for the account '" + broker.getUser() + "' (" + e.getMessage() + ")",
                            "set HUB_BROKER_PASSWORD (and hub.broker.user) to the hub's account on that broker "
                                    + "(docs/broker-ha.md, artemis-users.properties)");
                } catch (Exception e) {
                    if (System.nanoTime() - deadline >= 0) {
                        throw new HubConfigurationException("hub.broker.url", "(" + broker.getUrl()
                                + "): no broker answers within " + broker.getStartupTimeout().toSeconds() + "s ("
                                + DeliveryCauses.rootMessage(e) + ")", "start the broker pair or correct hub.broker.url "
                                + "(HUB_BROKER_URL); hub.broker.startup-timeout is how long the start waits for it");
                    }
                    Thread.sleep(500);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the broker at " + broker.getUrl(), e);
        }
    }

    /**
     * A connection factory that tries each server of the external broker's URL once and then fails,
     * never reconnecting: the start-up check and the health indicator use it (the hub's own
     * connections reconnect as the URL says).
     */
    static ActiveMQConnectionFactory probe(BrokerProperties broker) {
        ActiveMQConnectionFactory probe = new ActiveMQConnectionFactory(broker.getUrl(), broker.getUser(),
                broker.getPassword());
        probe.setReconnectAttempts(0);
        probe.setInitialConnectAttempts(1);
        probe.setCallTimeout(5000);
        probe.setCallFailoverTimeout(5000);
        return probe;
    }

    /**
     * Health {@code jms} (group broker) with an external broker: a fresh connection that does not
     * reconnect, so it is DOWN while no broker of the pair answers, during a failover and after both
     * are gone, and UP as soon as one does. The hub's own connections are cached and reconnect
     * without end, so a check through them would wait for the reconnection instead of telling.
     */
    @Bean
    @ConditionalOnProperty(name = "hub.broker.embedded", havingValue = "false")
    org.springframework.boot.actuate.health.HealthIndicator jmsHealthIndicator() {
        return new org.springframework.boot.actuate.jms.JmsHealthIndicator(probe(broker));
    }

    private static void requireAccount(String name, BrokerProperties.Account account) {
        String env = "HUB_BROKER_" + name.toUpperCase();
        if (isBlank(account.getUser())) {
            throw new HubConfigurationException("hub.broker." + name + ".user", "is not set",
                    "set " + env + "_USER and " + env + "_PASSWORD: the " + name + " platform consumes its queue "
                            + "with this account (the 'dev' profile makes development values)");
        }
        if (isBlank(account.getPassword())) {
            throw new HubConfigurationException("hub.broker." + name + ".password", "is not set",
                    "set " + env + "_PASSWORD: the " + name + " platform consumes its queue with it "
                            + "(the 'dev' profile makes development values)");
        }
    }

    @Bean(initMethod = "start", destroyMethod = "stop")
    @ConditionalOnProperty(name = "hub.broker.embedded", havingValue = "true", matchIfMissing = true)
    EmbeddedActiveMQ embeddedBroker(RoutingProperties routing, @Value("${hub.data-dir:./data}") String hubDataDir)
            throws Exception {
        Path dir = broker.getDataDir().isBlank() ? Path.of(hubDataDir, "broker") : Path.of(broker.getDataDir());
        dir = dir.toAbsolutePath().normalize();
        Configuration config = new ConfigurationImpl()
                .setName(inVmId == 0 ? "exchange-hub" : "exchange-hub-" + inVmId)
                .setPersistenceEnabled(true)
                .setJournalType(JournalType.NIO)
                .setJournalDirectory(dir.resolve("journal").toString())
                .setBindingsDirectory(dir.resolve("bindings").toString())
                .setPagingDirectory(dir.resolve("paging").toString())
                .setLargeMessagesDirectory(dir.resolve("large-messages").toString())
                .setNodeManagerLockDirectory(dir.toString())
                .setMaxDiskUsage(broker.getMaxDiskUsage())
                .setIDCacheSize(broker.getIdCacheSize())
                .setPersistIDCache(true)
                .setSecurityEnabled(true)
                .setJMXManagementEnabled(broker.isJmxEnabled())
                .setGracefulShutdownEnabled(true);
        config.addAcceptorConfiguration("in-vm", "vm://" + inVmId);
        config.addAcceptorConfiguration(tcpAcceptor());

        for (String queue : new String[] {routing.getNationalQueue(), routing.getProvincialQueue()}) {
            config.addQueueConfiguration(QueueConfiguration.of(queue).setAddress(queue)
                    .setRoutingType(RoutingType.ANYCAST).setDurable(true));
        }
        // Never drop silently: unroutable sends and poison messages go to dead-letter queues
        // (DLQ.<queue> on address DLA), expired ones to EXP.<queue>; full addresses page to disk.
        config.addAddressSetting("#", new AddressSettings()
                .setDeadLetterAddress(SimpleString.of("DLA"))
                .setAutoCreateDeadLetterResources(true)
                .setDeadLetterQueuePrefix(SimpleString.of("DLQ."))
                .setExpiryAddress(SimpleString.of("ExpiryQueue"))
                .setAutoCreateExpiryResources(true)
                .setExpiryQueuePrefix(SimpleString.of("EXP."))
                .setSendToDLAOnNoRoute(true)
                .setMaxDeliveryAttempts(broker.getMaxDeliveryAttempts())
                .setRedeliveryDelay(5000)
                .setAddressFullMessagePolicy(AddressFullMessagePolicy.PAGE)
                .setMaxSizeBytes(broker.effectiveAddressMemory())
                .setAutoCreateQueues(false)
                .setAutoCreateAddresses(false));

        // send, consume, createDurableQueue, deleteDurableQueue, createNonDurableQueue,
        // deleteNonDurableQueue, manage, browse, createAddress, deleteAddress, view, edit
        Role hub = new Role(HUB_ROLE, true, true, true, true, true, true, true, true, true, true, true, true);
        config.putSecurityRoles("#", Set.of(hub));
        config.putSecurityRoles(routing.getNationalQueue(), Set.of(hub, consumer(NATIONAL_ROLE)));
        config.putSecurityRoles(routing.getProvincialQueue(), Set.of(hub, consumer(PROVINCIAL_ROLE)));

        SecurityConfiguration users = new SecurityConfiguration();
        users.addUser(broker.getUser(), broker.getPassword());
        users.addRole(broker.getUser(), HUB_ROLE);
        addPlatform(users, "national", broker.getNational(), NATIONAL_ROLE);
        addPlatform(users, "provincial", broker.getProvincial(), PROVINCIAL_ROLE);

        EmbeddedActiveMQ server = new EmbeddedActiveMQ();
        server.setConfiguration(config);
        server.setSecurityManager(new ActiveMQJAASSecurityManager(InVMLoginModule.class.getName(), users));
        return server;
    }

    /** The platforms' acceptor: CORE over TCP, or over TLS when {@code hub.broker.tls.enabled}. */
    TransportConfiguration tcpAcceptor() {
        Map<String, Object> params = new HashMap<>();
        params.put(TransportConstants.HOST_PROP_NAME, broker.getHost());
        params.put(TransportConstants.PORT_PROP_NAME, broker.getPort());
        params.put(TransportConstants.PROTOCOLS_PROP_NAME, "CORE");
        BrokerProperties.Tls tls = broker.getTls();
        if (tls.isEnabled()) {
            params.put(TransportConstants.SSL_ENABLED_PROP_NAME, true);
            params.put(TransportConstants.KEYSTORE_PATH_PROP_NAME, tls.getKeyStore());
            params.put(TransportConstants.KEYSTORE_PASSWORD_PROP_NAME, tls.getKeyStorePassword());
            params.put(TransportConstants.KEYSTORE_TYPE_PROP_NAME, tls.getKeyStoreType());
        }
        return new TransportConfiguration(NettyAcceptorFactory.class.getName(), params, "tcp");
    }

    private static Role consumer(String role) {
        return new Role(role, false, true, false, false, false, false, false, true, false, false, false, false);
    }

    private static void addPlatform(SecurityConfiguration users, String name, BrokerProperties.Account account,
            String role) {
        users.addUser(account.getUser(), account.getPassword());
        users.addRole(account.getUser(), role);
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    /** The hub's own connection, for everything but the two platform queues (each has its own below). */
    @Bean
    @org.springframework.context.annotation.Primary
    ConnectionFactory connectionFactory(Optional<EmbeddedActiveMQ> embedded) {
        return hubConnection();
    }

    /**
     * The national queue's own connection: a send blocked there (address full, broker not answering)
     * is ended by resetting this connection and never holds a session the provincial queue needs.
     */
    @Bean
    ConnectionFactory nationalConnectionFactory(Optional<EmbeddedActiveMQ> embedded) {
        return hubConnection();
    }

    /** The provincial queue's own connection (see the national one). */
    @Bean
    ConnectionFactory provincialConnectionFactory(Optional<EmbeddedActiveMQ> embedded) {
        return hubConnection();
    }

    private CachingConnectionFactory hubConnection() {
        String url = broker.getUrl().isBlank() ? "vm://" + inVmId : broker.getUrl();
        url += (url.contains("?") ? "&" : "?") + "minLargeMessageSize=" + MIN_LARGE_MESSAGE_BYTES;
        ActiveMQConnectionFactory artemis = new ActiveMQConnectionFactory(url, broker.getUser(), broker.getPassword());
        CachingConnectionFactory caching = new CachingConnectionFactory(artemis);
        caching.setSessionCacheSize(10);
        caching.setCacheConsumers(false);
        // a broken connection is replaced on the next send instead of failing every later one
        caching.setReconnectOnException(true);
        return caching;
    }
}

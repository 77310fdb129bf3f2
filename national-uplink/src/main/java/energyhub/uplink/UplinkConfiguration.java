package energyhub.uplink;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The national uplink's beans; none exists unless {@code hub.uplink.enabled=true}. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "hub.uplink.enabled", havingValue = "true")
@EnableConfigurationProperties(UplinkProperties.class)
public class UplinkConfiguration {

    private static final Logger log = LoggerFactory.getLogger(UplinkConfiguration.class);

    @Bean
    DeliveryStore uplinkStore(JdbcTemplate jdbc) {
        return new DeliveryStore(jdbc);
    }

    @Bean
    PlatformClient uplinkPlatformClient(UplinkProperties p) throws Exception {
        require(p.getKeyStore(), "hub.uplink.key-store");
        require(p.getTrustStore(), "hub.uplink.trust-store");
        require(p.getEnterpriseCode(), "hub.uplink.enterprise-code");
        require(p.getSecretKey(), "hub.uplink.secret-key");
        require(p.getPin(), "hub.uplink.pin");
        PlatformTls tls = PlatformTls.load(Path.of(p.getKeyStore()), p.getKeyStoreType(),
                p.getKeyStorePassword().toCharArray(), Path.of(p.getTrustStore()), p.getTrustStoreType(),
                p.getTrustStorePassword().toCharArray());
        String problem = tls.clientCertificateProblem();
        if (problem != null) {
            log.error("national uplink: {}; the platform will refuse every connection until hub.uplink.key-store holds a "
                    + "valid one (records wait PENDING)", problem);
        } else {
            log.info("national uplink client certificate {}", tls.clientCertificate());
        }
        return new PlatformClient(p.getBaseUrl(), tls, p.getConnectTimeout(), p.getReadTimeout(), p.getConcurrency(),
                p.getMaxAnswerBytes());
    }

    private static void require(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(name + " is not set while hub.uplink.enabled is true "
                    + "(docs/national-uplink.md)");
        }
    }

    @Bean
    LinkMonitor uplinkLink(UplinkProperties p) {
        return new LinkMonitor(p.getAlertAfter());
    }

    @Bean
    CircuitBreaker uplinkCircuitBreaker(UplinkProperties p, LinkMonitor link) {
        CircuitBreaker cb = CircuitBreaker.of("national-uplink", CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(p.getCircuitWindow()).minimumNumberOfCalls(p.getCircuitMinimumCalls())
                .failureRateThreshold(p.getCircuitFailureRate()).waitDurationInOpenState(p.getCircuitOpenWait())
                .permittedNumberOfCallsInHalfOpenState(Math.max(1, p.getConcurrency()))
                .automaticTransitionFromOpenToHalfOpenEnabled(false).build());
        cb.getEventPublisher().onStateTransition(e -> link.circuit(e.getStateTransition().getFromState().name(),
                e.getStateTransition().getToState().name()));
        return cb;
    }

    @Bean
    TokenManager uplinkTokens(PlatformClient client, UplinkProperties p, MeterRegistry meters) {
        return new TokenManager(client, p, Counter.builder("hub.uplink.token.refreshes")
                .description("AK tokens requested from the national platform").register(meters));
    }

    @Bean
    UplinkSender uplinkSender(UplinkProperties p, DeliveryStore store, PlatformClient client, TokenManager tokens,
            CircuitBreaker breaker, LinkMonitor link, MeterRegistry meters) {
        Counter acks = Counter.builder("hub.uplink.acks").description("records the national platform acknowledged")
                .register(meters);
        Gauge.builder("hub.uplink.backlog", store, DeliveryStore::backlog)
                .description("records not yet acknowledged or rejected")
                .register(meters);
        Gauge.builder("hub.uplink.oldest.pending.age", store, DeliveryStore::oldestPendingAgeSeconds)
                .baseUnit("seconds").register(meters);
        Gauge.builder("hub.uplink.circuit.state", breaker, b -> switch (b.getState()) {
            case CLOSED -> 0;
            case OPEN, FORCED_OPEN -> 1;
            case HALF_OPEN -> 2;
            default -> 3;
        }).description("0 closed, 1 open, 2 half-open").register(meters);
        return new UplinkSender(p, store, client, tokens, breaker, link, acks);
    }

    @Bean
    ChunkListener uplinkIntake(DataSource dataSource, DeliveryStore store) {
        return new ChunkListener(store, new TransactionTemplate(new DataSourceTransactionManager(dataSource)));
    }

    @Bean
    UplinkFailures uplinkFailures() {
        return new UplinkFailures();
    }

    @Bean
    UplinkFailurePolicy uplinkFailurePolicy(UplinkFailures failures) {
        return new UplinkFailurePolicy(failures);
    }

    /** The uplink's Camel routes; the national account's connection factory is theirs alone (not a bean). */
    @Bean
    UplinkRoutes uplinkRoutes(UplinkProperties p, Environment env, UplinkSender sender, LinkMonitor link,
            ChunkListener intake) {
        String url = p.getBrokerUrl();
        if (url == null || url.isBlank()) {
            url = env.getProperty("hub.broker.embedded", Boolean.class, true)
                    ? "tcp://" + env.getProperty("hub.broker.host", "127.0.0.1") + ":"
                            + env.getProperty("hub.broker.port", "61616")
                    : env.getProperty("hub.broker.url", "");
        }
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(url,
                env.getProperty("hub.broker.national.user"), env.getProperty("hub.broker.national.password"));
        log.info("national uplink on: route uplink-intake consumes {} at {} as '{}', {} senders send to {}",
                p.getQueue(), url, env.getProperty("hub.broker.national.user"), p.getConcurrency(), p.getBaseUrl());
        return new UplinkRoutes(p, sender, link, intake, factory);
    }

    @Bean
    HealthIndicator uplinkHealthIndicator(LinkMonitor link, CircuitBreaker breaker, DeliveryStore store) {
        return () -> (link.down() ? Health.down() : Health.up()).withDetail("link", link.state().name())
                .withDetail("circuit", breaker.getState().name())
                .withDetail("unreachableSince", String.valueOf(link.unreachableSince()))
                .withDetail("cause", String.valueOf(link.cause()))
                .withDetail("counts", store.openCounts()).build(); // never a count of all ACKED rows
    }
}

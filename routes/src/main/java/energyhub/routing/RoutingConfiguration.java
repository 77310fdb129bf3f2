package energyhub.routing;

import energyhub.standard.EnergyTypeTable;
import energyhub.standard.RecordCodec;
import energyhub.standard.RecordValidator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
@EnableConfigurationProperties({RoutingProperties.class, energyhub.routing.quality.QualityProperties.class})
public class RoutingConfiguration {

    private static final Logger log = LoggerFactory.getLogger(RoutingConfiguration.class);

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemDefaultZone();
    }

    /** One line limit for the whole hub: the ferry reader's {@code hub.ferry.max-line-chars} is the codec's too. */
    @Bean
    RecordCodec recordCodec(@Value("${hub.ferry.max-line-chars:16384}") int maxLineChars) {
        return new RecordCodec(maxLineChars);
    }

    /** The built-in GB/T 2589 table, or a province's own CSV when {@code hub.standard.energy-types} names one. */
    @Bean
    EnergyTypeTable energyTypeTable(@Value("${hub.standard.energy-types:}") String file) throws IOException {
        if (file.isBlank()) {
            return EnergyTypeTable.defaults();
        }
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            return EnergyTypeTable.load(in);
        }
    }

    @Bean
    RecordValidator recordValidator(EnergyTypeTable table, Clock clock) {
        return new RecordValidator(table, clock);
    }

    @Bean
    HubInstance hubInstance(RoutingProperties properties, @Value("${hub.data-dir:./data}") String dataDir) {
        if (!properties.getInstanceId().isBlank()) {
            return new HubInstance(properties.getInstanceId());
        }
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "localhost";
        }
        return new HubInstance(host + ":" + Path.of(dataDir).toAbsolutePath().normalize());
    }

    /** Camel's poll-failure report for consumers whose poll strategy reports failures itself. */
    @Bean(energyhub.routing.inbox.ReportedPollFailures.BEAN)
    energyhub.routing.inbox.ReportedPollFailures reportedPollFailures() {
        return new energyhub.routing.inbox.ReportedPollFailures();
    }

    /** Before any route runs, take back the deliveries a crashed run left half-sent. */
    @Bean
    CamelContextConfiguration releaseAbandonedClaims(BatchLedger ledger) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camelContext) {
                int released = ledger.releaseAbandonedClaims();
                if (released > 0) {
                    log.warn("{} deliveries were interrupted by the last stop; they are sent again "
                            + "(the broker drops the copies it already has)", released);
                }
            }

            @Override
            public void afterApplicationStart(CamelContext camelContext) {
            }
        };
    }
}

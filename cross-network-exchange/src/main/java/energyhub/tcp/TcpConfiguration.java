package energyhub.tcp;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
public class TcpConfiguration {

    @Bean
    @ConfigurationProperties("hub.tcp")
    TcpProperties tcpProperties() {
        return new TcpProperties();
    }

    /** The intake's shared limits: connections, buffered bytes, per-client connections, failed logins. */
    @Bean
    TcpGuard tcpGuard(TcpProperties properties, java.time.Clock clock,
            org.springframework.beans.factory.ObjectProvider<io.micrometer.core.instrument.MeterRegistry> registry) {
        TcpGuard guard = new TcpGuard(properties, clock);
        registry.ifAvailable(r -> {
            io.micrometer.core.instrument.FunctionCounter.builder("hub.tcp.connections.displaced", guard,
                    TcpGuard::displaced).description("TCP connections waiting to log in, displaced by newer ones").register(r);
            io.micrometer.core.instrument.FunctionCounter.builder("hub.tcp.connections.refused", guard,
                    TcpGuard::refused).description("TCP connections refused: too many waiting from one address, or all "
                    + "sessions taken").register(r);
            io.micrometer.core.instrument.Gauge.builder("hub.tcp.connections.waiting", guard, TcpGuard::pending)
                    .description("TCP connections waiting to log in").register(r);
            io.micrometer.core.instrument.Gauge.builder("hub.tcp.sessions", guard, TcpGuard::sessions)
                    .description("logged-in TCP connections").register(r);
        });
        return guard;
    }

    /** The frame pipeline of contracts section 5, referenced by the Netty endpoint as #tcpFrames. */
    @Bean
    TcpFrames tcpFrames(TcpProperties properties, TcpGuard guard) {
        return new TcpFrames(properties, guard, null);
    }
}

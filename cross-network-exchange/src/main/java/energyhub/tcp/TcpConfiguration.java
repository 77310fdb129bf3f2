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
    TcpGuard tcpGuard(TcpProperties properties, java.time.Clock clock) {
        return new TcpGuard(properties, clock);
    }

    /** The frame pipeline of contracts section 5, referenced by the Netty endpoint as #tcpFrames. */
    @Bean
    TcpFrames tcpFrames(TcpProperties properties, TcpGuard guard) {
        return new TcpFrames(properties, guard, null);
    }
}

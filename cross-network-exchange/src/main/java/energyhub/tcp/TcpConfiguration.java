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

    /** The frame pipeline of contracts section 5, referenced by the Netty endpoint as #tcpFrames. */
    @Bean
    TcpFrames tcpFrames(TcpProperties properties) {
        return new TcpFrames(properties, null);
    }
}

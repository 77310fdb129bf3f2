package energyhub.ferry;

import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
@EnableConfigurationProperties
public class FerryConfiguration {

    /** Directories not configured one by one live under {@code hub.data-dir}/ferry. */
    @Bean
    @ConfigurationProperties("hub.ferry")
    FerryProperties ferryProperties(@Value("${hub.data-dir:./data}") String dataDir) {
        Path ferry = Path.of(dataDir).toAbsolutePath().normalize().resolve("ferry");
        FerryProperties p = new FerryProperties();
        p.setInbox(ferry.resolve("inbox").toString());
        p.setOutbox(ferry.resolve("outbox").toString());
        p.setArchive(ferry.resolve("archive").toString());
        p.setQuarantine(ferry.resolve("quarantine").toString());
        p.setWork(ferry.resolve("work").toString());
        return p;
    }
}

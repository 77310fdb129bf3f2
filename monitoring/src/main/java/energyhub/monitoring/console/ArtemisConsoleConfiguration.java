package energyhub.monitoring.console;

import io.hawt.springboot.EndpointPathResolver;
import io.hawt.springboot.HawtioPlugin;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.web.ServerProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.io.ClassPathResource;

/**
 * The broker's console for operators. hawtio-springboot has no Artemis plugin (Hawtio 4 left it to
 * Artemis, whose console is a Hawtio app of its own), so the hub serves Artemis's console, of the
 * embedded broker's version, at /artemis-console/ on the same login, and puts an "Artemis" entry in
 * Hawtio's navigation that opens it. Both go through the same Jolokia, so a viewer can look at queues
 * and browse messages but only an operator can move, retry or delete.
 */
@Configuration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnProperty(name = "hub.monitoring.artemis-console", havingValue = "true", matchIfMissing = true)
public class ArtemisConsoleConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ArtemisConsoleConfiguration.class);
    private static final String STATIC = "static" + ArtemisConsoleFilter.PATH + "/";

    @Bean
    FilterRegistrationBean<ArtemisConsoleFilter> artemisConsoleFilter(EndpointPathResolver paths) throws IOException {
        ClassPathResource index = new ClassPathResource(STATIC + "index.html");
        String page = index.exists() ? index.getContentAsString(StandardCharsets.UTF_8) : null;
        if (page == null) {
            log.warn("the Artemis console is not in this build ({} missing): /artemis-console/ answers 404", index);
        }
        FilterRegistrationBean<ArtemisConsoleFilter> filter = new FilterRegistrationBean<>(
                new ArtemisConsoleFilter(paths.resolve("hawtio"), paths.resolve("jolokia"), page));
        filter.addUrlPatterns(ArtemisConsoleFilter.PATH, ArtemisConsoleFilter.PATH + "/*");
        // after Spring Security (order -100): only a logged-in viewer gets this far
        filter.setOrder(Ordered.LOWEST_PRECEDENCE - 10);
        return filter;
    }

    /** The navigation entry: a small Hawtio remote plugin (static/hawtio-plugins/artemis-console-link). */
    @Bean
    HawtioPlugin artemisConsoleLink(ServerProperties server) {
        String context = server.getServlet().getContextPath() == null ? "" : server.getServlet().getContextPath();
        // hawtio-springboot 5.2's constructor takes (scope, module, url), unlike its 4.x docs: set each by name
        HawtioPlugin plugin = new HawtioPlugin(null, null, null);
        plugin.setUrl(context + "/hawtio-plugins/artemis-console-link");
        plugin.setScope("hubArtemisConsoleLink");
        plugin.setModule("./plugin");
        plugin.setRemoteEntryFileName("remoteEntry.js");
        return plugin;
    }
}

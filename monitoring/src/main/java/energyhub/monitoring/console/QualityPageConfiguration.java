package energyhub.monitoring.console;

import io.hawt.springboot.HawtioPlugin;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.web.ServerProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The data-quality page (static/quality, docs/operations.md "Operator page") at /quality/, behind the
 * cockpit's login like everything not opened explicitly, and its "Data quality" entry in Hawtio's
 * navigation (static/hawtio-plugins/quality-page-link).
 */
@Configuration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class QualityPageConfiguration implements WebMvcConfigurer {

    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        registry.addRedirectViewController("/quality", "/quality/");
        registry.addViewController("/quality/").setViewName("forward:/quality/index.html");
    }

    @Bean
    HawtioPlugin qualityPageLink(ServerProperties server) {
        String context = server.getServlet().getContextPath() == null ? "" : server.getServlet().getContextPath();
        HawtioPlugin plugin = new HawtioPlugin(null, null, null);
        plugin.setUrl(context + "/hawtio-plugins/quality-page-link");
        plugin.setScope("hubQualityPageLink");
        plugin.setModule("./plugin");
        plugin.setRemoteEntryFileName("remoteEntry.js");
        return plugin;
    }
}

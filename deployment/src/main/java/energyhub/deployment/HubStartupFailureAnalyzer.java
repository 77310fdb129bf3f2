package energyhub.deployment;

import energyhub.routing.HubConfigurationException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * A start that fails on a setting ({@link HubConfigurationException}, wherever it was thrown and
 * however deep Spring wrapped it) ends with Spring Boot's "APPLICATION FAILED TO START" report:
 * one line naming the setting and what is wrong, one saying what to do, and no stack trace.
 * Registered in META-INF/spring.factories.
 */
public class HubStartupFailureAnalyzer extends AbstractFailureAnalyzer<HubConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, HubConfigurationException cause) {
        return new FailureAnalysis("exchange hub not started: " + cause.getMessage(), cause.action(), cause);
    }
}

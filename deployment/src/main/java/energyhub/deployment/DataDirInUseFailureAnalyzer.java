package energyhub.deployment;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Spring's start-up failure report for a data directory held by another hub: the reason and the way out, no stack trace. */
public class DataDirInUseFailureAnalyzer extends AbstractFailureAnalyzer<DataDirLock.DataDirInUseException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, DataDirLock.DataDirInUseException cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Stop the running hub (" + cause.holder() + ") first, or give this one another hub.data-dir. "
                        + "Two hubs on one data directory would share its database, broker journal and ferry folders.",
                cause);
    }
}

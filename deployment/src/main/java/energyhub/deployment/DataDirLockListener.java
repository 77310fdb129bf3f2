package energyhub.deployment;

import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationContextInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.support.GenericApplicationContext;

/**
 * Takes the data directory's {@link DataDirLock} as soon as the hub's configuration is known and
 * before any bean exists (so before PostgreSQL, Artemis or a file route touches the directory), and
 * keeps it as the bean {@code hubDataDirLock}, released when the context is closed, after the
 * database and broker beans that depend on it. A second hub on the same directory refuses here: its
 * first line of output names the running hub, and it exits non-zero (DataDirInUseFailureAnalyzer
 * keeps Spring from burying the reason in a stack trace). Registered in META-INF/spring.factories.
 */
public class DataDirLockListener implements ApplicationListener<ApplicationContextInitializedEvent> {

    public static final String BEAN = "hubDataDirLock";
    private static final Logger log = LoggerFactory.getLogger(DataDirLockListener.class);

    @Override
    public void onApplicationEvent(ApplicationContextInitializedEvent event) {
        var context = event.getApplicationContext();
        Path dataDir = Path.of(context.getEnvironment().getProperty("hub.data-dir", "./data"));
        DataDirLock lock;
        try {
            lock = DataDirLock.acquire(dataDir);
        } catch (DataDirLock.DataDirInUseException e) {
            log.error(e.getMessage());
            throw e;
        }
        if (context instanceof GenericApplicationContext generic) {
            generic.registerBean(BEAN, DataDirLock.class, () -> lock, bd -> bd.setDestroyMethodName("close"));
        } else {
            context.getBeanFactory().registerSingleton(BEAN, lock);
        }
        log.info("hub.data-dir {} locked for this hub (pid {})", lock.dataDir(), ProcessHandle.current().pid());
    }
}

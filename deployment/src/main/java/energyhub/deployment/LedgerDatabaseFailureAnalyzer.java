package energyhub.deployment;

import energyhub.routing.HubConfigurationException;
import java.sql.SQLException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * The ledger's PostgreSQL cannot be reached or refuses the hub at start-up (Flyway or the pool's
 * first connection fails): one line naming the database and the setting to fix, no stack trace.
 * Hikari fails the start on its first connection and Flyway does not retry (spring.flyway.connect-retries 0),
 * so the start ends within the driver's connect timeout. Once running, a lost database is retried by
 * the routes (DatabaseOutageTest). Registered in META-INF/spring.factories.
 */
public class LedgerDatabaseFailureAnalyzer extends AbstractFailureAnalyzer<SQLException> implements Ordered {

    private final Environment environment;

    public LedgerDatabaseFailureAnalyzer(Environment environment) {
        this.environment = environment;
    }

    @Override
    public int getOrder() {
        return HIGHEST_PRECEDENCE; // before Boot's generic analyzers of the wrapping bean-creation exceptions
    }

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, SQLException cause) {
        HubConfigurationException refusal = refusal(cause, environment.getProperty("spring.datasource.url", ""));
        return refusal == null ? null
                : new FailureAnalysis("exchange hub not started: " + refusal.getMessage(), refusal.action(), cause);
    }

    /**
     * The setting to fix when the ledger database refuses or does not answer (null for any other SQL
     * failure); the start-up check ({@link StartupSettingsCheck}) throws it before anything starts.
     */
    static HubConfigurationException refusal(SQLException cause, String url) {
        String state = cause.getSQLState() == null ? "" : cause.getSQLState();
        String where = url == null || url.isBlank() ? "the embedded PostgreSQL" : url;
        if (state.startsWith("28")) { // invalid authorization: wrong password, no such role, pg_hba refuses
            return new HubConfigurationException("spring.datasource.password", "is refused by the ledger database at "
                    + where + " (" + oneLine(cause) + ")",
                    "set HUB_DB_USER and HUB_DB_PASSWORD to the hub's account on that PostgreSQL");
        }
        if (state.startsWith("08") || state.equals("3D000")) { // no connection; database does not exist
            return new HubConfigurationException("spring.datasource.url", "(" + where
                    + "): the ledger database does not answer (" + oneLine(cause) + ")",
                    "start PostgreSQL or correct spring.datasource.url (HUB_DB_URL with the prod profile); "
                            + "the hub retries a database lost after its start by itself");
        }
        return null;
    }

    private static String oneLine(SQLException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.replaceAll("\\s+", " ").trim();
    }
}

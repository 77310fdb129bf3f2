package energyhub.e2e.support;

import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What every test of a whole running hub has, whatever the hub's configuration: its Camel context
 * and database, the ledger, and both platforms connected to its broker over TCP for each test.
 */
public abstract class RunningHub {

    @Autowired
    protected CamelContext camel;
    @Autowired
    protected JdbcTemplate jdbc;

    protected PlatformClient national;
    protected PlatformClient provincial;
    protected Ledger ledger;

    /** The port of this hub's broker TCP acceptor. */
    protected abstract int brokerPort();

    @BeforeEach
    void connectPlatforms() throws Exception {
        national = PlatformClient.national(brokerPort());
        provincial = PlatformClient.provincial(brokerPort());
        ledger = new Ledger(jdbc);
    }

    @AfterEach
    void disconnectPlatforms() throws Exception {
        national.close();
        provincial.close();
    }
}

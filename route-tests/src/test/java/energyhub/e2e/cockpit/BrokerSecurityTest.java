package energyhub.e2e.cockpit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energyhub.e2e.support.PlatformClient;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Session;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;

/** Each platform's account reads its own queue only; the hub's account is its own. */
class BrokerSecurityTest extends CockpitTest {

    @Test
    void nationalCredentialsCannotReadTheProvincialQueue() {
        assertThatThrownBy(() -> national.consumeFrom("energy.provincial")).isInstanceOf(JMSSecurityException.class);
        assertThatThrownBy(() -> provincial.consumeFrom("energy.national")).isInstanceOf(JMSSecurityException.class);
    }

    @Test
    void platformsCannotBrowseOthersQueueNorSend() throws Exception {
        var factory = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + BROKER_PORT, "national", "national-test");
        try (var connection = factory.createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            assertThatThrownBy(() -> session.createBrowser(session.createQueue("energy.provincial")).getEnumeration()
                    .hasMoreElements()).isInstanceOf(JMSSecurityException.class);
            // consume only: a platform cannot put messages on its own queue
            assertThatThrownBy(() -> session.createProducer(session.createQueue("energy.national"))
                    .send(session.createTextMessage("forged"))).isInstanceOf(JMSSecurityException.class);
        }
    }

    @Test
    void wrongPasswordAndTheHubsAccountNameAreRefusedOverTcp() {
        assertThatThrownBy(() -> new PlatformClient(BROKER_PORT, "national", "provincial-test", "energy.national"))
                .isInstanceOf(JMSSecurityException.class);
        assertThatThrownBy(() -> new PlatformClient(BROKER_PORT, "hub", "", "energy.national"))
                .isInstanceOf(JMSSecurityException.class);
    }
}

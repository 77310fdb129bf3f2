package energyhub.routing.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.apache.camel.component.file.remote.SftpConfiguration;
import org.apache.camel.component.file.remote.SftpEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/** Every SFTP endpoint of the hub: strict pinned host keys, one set of timeouts, secrets never in the URI. */
class SftpEndpointTest {

    private static energyhub.routing.inbox.SftpEndpoint exchangeServer() {
        return energyhub.routing.inbox.SftpEndpoint.at("exchange.example", 2222, "inbound")
                .user("hub").password("s3cret-password").privateKey("/etc/hub/key", "s3cret-passphrase")
                .knownHosts("/etc/hub/known_hosts").option("delay", 1000);
    }

    @Test
    void hostKeysAreCheckedStrictlyAgainstThePinnedFileOnly() throws Exception {
        try (var camel = new DefaultCamelContext()) {
            SftpConfiguration c = ((SftpEndpoint) exchangeServer().endpoint(camel)).getConfiguration();

            assertThat(c.getStrictHostKeyChecking()).isEqualTo("yes");
            assertThat(c.isUseUserKnownHostsFile()).isFalse();
            assertThat(c.getKnownHostsFile()).isEqualTo("/etc/hub/known_hosts");
            assertThat(c.getHost()).isEqualTo("exchange.example");
            assertThat(c.getPort()).isEqualTo(2222);
            assertThat(c.getUsername()).isEqualTo("hub");
            assertThat(c.getPrivateKeyFile()).isEqualTo("/etc/hub/key");
        }
    }

    @Test
    void withoutAKnownHostsFileNothingIsBuilt() {
        assertThatThrownBy(() -> energyhub.routing.inbox.SftpEndpoint.at("sftp://h:22/in").user("hub").uri())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("known_hosts");
        assertThatThrownBy(() -> energyhub.routing.inbox.SftpEndpoint.at("sftp://h:22/in").knownHosts(" ").uri())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void everyConnectionHasTheSameDefaultTimeoutsAndKeepAlive() throws Exception {
        try (var camel = new DefaultCamelContext()) {
            SftpConfiguration c = ((SftpEndpoint) exchangeServer().endpoint(camel)).getConfiguration();

            assertThat(c.getConnectTimeout()).isEqualTo(15_000);
            assertThat(c.getTimeout()).isEqualTo(60_000);
            assertThat(c.getServerAliveInterval()).isEqualTo(15_000);
            assertThat(c.getServerAliveCountMax()).isEqualTo(3);

            SftpConfiguration own = ((SftpEndpoint) exchangeServer()
                    .timeouts(Duration.ofSeconds(5), Duration.ofSeconds(20), null).endpoint(camel)).getConfiguration();
            assertThat(own.getConnectTimeout()).isEqualTo(5_000);
            assertThat(own.getTimeout()).isEqualTo(20_000);
            assertThat(own.getServerAliveInterval()).isEqualTo(15_000);
        }
    }

    @Test
    void secretsAreOnTheEndpointAndInNoUri() throws Exception {
        try (var camel = new DefaultCamelContext()) {
            var builder = exchangeServer();
            SftpEndpoint endpoint = (SftpEndpoint) builder.endpoint(camel);

            assertThat(endpoint.getConfiguration().getPassword()).isEqualTo("s3cret-password");
            assertThat(endpoint.getConfiguration().getPrivateKeyPassphrase()).isEqualTo("s3cret-passphrase");
            assertThat(builder.uri()).doesNotContain("s3cret").contains("delay=1000");
            assertThat(endpoint.getEndpointUri()).doesNotContain("s3cret");
            assertThatThrownBy(() -> exchangeServer().option("password", "x"))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void optionsAlreadyInTheServerAddressAreKept() {
        assertThat(energyhub.routing.inbox.SftpEndpoint.at("sftp://h:22/in?binary=true").knownHosts("/k").uri())
                .startsWith("sftp://h:22/in?binary=true&strictHostKeyChecking=yes&");
    }
}

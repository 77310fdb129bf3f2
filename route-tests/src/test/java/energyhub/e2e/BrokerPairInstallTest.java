package energyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import energyhub.e2e.support.ArtemisPair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import jakarta.jms.Connection;
import jakarta.jms.JMSSecurityException;
import org.junit.jupiter.api.Test;

/**
 * The external broker pair installed exactly as docs/broker-ha.md tells the operator: its install step is
 * deployment/broker/install-node.sh, which ArtemisPair runs for both nodes (issue 24 item 4). Each node's
 * artemis-users.properties holds the three accounts, one per line, hashed, readable by the owner only,
 * and each account logs in on the running pair with its password and no other. (The documented step had
 * appended the platforms' accounts to the line `artemis create` leaves without a newline: the hub's
 * password was then wrong and `national` did not exist.)
 */
class BrokerPairInstallTest {

    @Test
    void theInstalledPairHasOneAccountPerLineAndEachLogsIn() throws Exception {
        Path dir = Files.createTempDirectory("broker-pair-install");
        try (ArtemisPair pair = ArtemisPair.start(dir.resolve("artemis"))) {
            for (ArtemisPair.Node node : List.of(pair.primary(), pair.backup())) {
                Path users = node.instance().resolve("etc/artemis-users.properties");
                List<String> accounts = Files.readAllLines(users).stream()
                        .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
                assertThat(accounts).as("accounts in %s", users).hasSize(3)
                        .allMatch(l -> l.matches("[a-z]+ = ENC\\(1024:[0-9A-F]+:[0-9A-F]+\\)"), "user = ENC(hash)");
                assertThat(accounts).extracting(l -> l.substring(0, l.indexOf(' ')))
                        .containsExactly("hub", "national", "provincial");
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(users))).isEqualTo("rw-------");
            }

            Map<String, String> passwords = Map.of("hub", pair.hubPassword(), "national", pair.nationalPassword(),
                    "provincial", pair.provincialPassword());
            for (var account : passwords.entrySet()) {
                try (Connection c = pair.connectionFactory(account.getKey(), account.getValue()).createConnection()) {
                    c.start();
                }
                assertThatThrownBy(() -> pair.connectionFactory(account.getKey(), account.getValue() + "x")
                        .createConnection().close()).as("%s with a wrong password", account.getKey())
                        .isInstanceOf(JMSSecurityException.class);
            }
        }
    }
}

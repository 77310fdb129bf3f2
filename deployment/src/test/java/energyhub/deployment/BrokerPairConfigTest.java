package energyhub.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import energyhub.routing.RoutingProperties;
import java.io.File;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.activemq.artemis.utils.VersionLoader;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The external pair's broker.xml files (deployment/broker) against the embedded broker
 * (BrokerConfiguration, BrokerProperties and RoutingProperties defaults): the same queues, roles,
 * dead-letter, redelivery, paging and duplicate-detection settings, and the two files the same
 * apart from the node's name and its side of the ha-policy. That the pair runs and fails over is
 * route-tests' BrokerFailoverTest.
 */
class BrokerPairConfigTest {

    private static final String[] SHARED = {"security-settings", "address-settings", "addresses", "acceptors",
            "connectors", "cluster-connections", "id-cache-size", "persist-id-cache", "max-disk-usage", "journal-type"};

    private final Element primary = core("broker/primary/broker.xml");
    private final Element backup = core("broker/backup/broker.xml");

    @Test
    void primaryAndBackupDifferOnlyInNameAndHaPolicy() throws Exception {
        for (String section : SHARED) {
            assertThat(xml(child(backup, section))).as(section).isEqualTo(xml(child(primary, section)));
        }
        assertThat(child(child(primary, "ha-policy"), "replication").getElementsByTagName("primary").getLength()).isEqualTo(1);
        assertThat(text(primary, "check-for-active-server")).isEqualTo("true");
        assertThat(child(child(backup, "ha-policy"), "replication").getElementsByTagName("backup").getLength()).isEqualTo(1);
        assertThat(text(backup, "allow-failback")).isEqualTo("true");
    }

    @Test
    void queuesAndSettingsAreThoseOfTheEmbeddedBroker() {
        RoutingProperties routing = new RoutingProperties();
        BrokerProperties broker = new BrokerProperties();
        List<String> queues = new ArrayList<>();
        var addresses = child(primary, "addresses").getElementsByTagName("queue");
        for (int i = 0; i < addresses.getLength(); i++) {
            queues.add(((Element) addresses.item(i)).getAttribute("name"));
        }
        assertThat(queues).containsExactly(routing.getNationalQueue(), routing.getProvincialQueue());

        Element all = addressSetting("#");
        assertThat(text(all, "dead-letter-address")).isEqualTo("DLA");
        assertThat(text(all, "dead-letter-queue-prefix")).isEqualTo("DLQ.");
        assertThat(text(all, "expiry-address")).isEqualTo("ExpiryQueue");
        assertThat(text(all, "expiry-queue-prefix")).isEqualTo("EXP.");
        assertThat(text(all, "send-to-dla-on-no-route")).isEqualTo("true");
        assertThat(text(all, "max-delivery-attempts")).isEqualTo(String.valueOf(broker.getMaxDeliveryAttempts()));
        assertThat(text(all, "redelivery-delay")).isEqualTo("5000");
        assertThat(text(all, "address-full-policy")).isEqualTo("PAGE");
        assertThat(text(all, "max-size-bytes")).isEqualTo("64MB");
        assertThat(text(all, "auto-create-queues")).isEqualTo("false");
        assertThat(text(all, "auto-create-addresses")).isEqualTo("false");
        assertThat(text(primary, "id-cache-size")).isEqualTo(String.valueOf(broker.getIdCacheSize()));
        assertThat(text(primary, "persist-id-cache")).isEqualTo("true");
        assertThat(text(primary, "max-disk-usage")).isEqualTo(String.valueOf(broker.getMaxDiskUsage()));
    }

    @Test
    void eachPlatformMayOnlyConsumeAndBrowseItsOwnQueue() {
        RoutingProperties routing = new RoutingProperties();
        assertThat(roles("#", "send")).containsExactly(BrokerConfiguration.HUB_ROLE);
        assertThat(roles("#", "consume")).containsExactly(BrokerConfiguration.HUB_ROLE);
        assertThat(roles(routing.getNationalQueue(), "consume"))
                .containsExactlyInAnyOrder(BrokerConfiguration.HUB_ROLE, BrokerConfiguration.NATIONAL_ROLE);
        assertThat(roles(routing.getNationalQueue(), "browse"))
                .containsExactlyInAnyOrder(BrokerConfiguration.HUB_ROLE, BrokerConfiguration.NATIONAL_ROLE);
        assertThat(roles(routing.getNationalQueue(), "send")).containsExactly(BrokerConfiguration.HUB_ROLE);
        assertThat(roles(routing.getProvincialQueue(), "consume"))
                .containsExactlyInAnyOrder(BrokerConfiguration.HUB_ROLE, BrokerConfiguration.PROVINCIAL_ROLE);
        assertThat(roles(routing.getProvincialQueue(), "browse"))
                .containsExactlyInAnyOrder(BrokerConfiguration.HUB_ROLE, BrokerConfiguration.PROVINCIAL_ROLE);
        assertThat(roles(routing.getProvincialQueue(), "send")).containsExactly(BrokerConfiguration.HUB_ROLE);
        for (String match : new String[] {"#", routing.getNationalQueue(), routing.getProvincialQueue()}) {
            for (String permission : new String[] {"createDurableQueue", "deleteDurableQueue", "createAddress",
                    "deleteAddress", "manage"}) {
                assertThat(roles(match, permission)).as(match + " " + permission).containsExactly(BrokerConfiguration.HUB_ROLE);
            }
        }
    }

    /**
     * docs/broker-ha.md's install step is deployment/broker/install-node.sh, the script route-tests'
     * ArtemisPair installs its pair with (BrokerPairInstallTest, BrokerFailoverTest), for the distribution
     * of the embedded broker's version: the documented commands are the tested ones, not a copy that can
     * drift (issue 24 item 4: the copy appended the platforms' accounts onto the hub's line).
     */
    @Test
    void theDocumentedInstallRunsTheTestedScriptForTheEmbeddedBrokersVersion() throws Exception {
        String docs = Files.readString(Path.of("../docs/broker-ha.md"));
        String install = docs.substring(docs.indexOf("## Install"), docs.indexOf("## The hub's connection"));
        String commands = install.substring(install.indexOf("```sh"), install.indexOf("```", install.indexOf("```sh") + 5));
        String version = VersionLoader.getVersion().getFullVersion();
        String home = "/opt/apache-artemis-" + version;
        assertThat(commands).contains("tar xzf apache-artemis-" + version + "-bin.tar.gz -C /opt")
                .contains("deployment/broker/install-node.sh " + home + " /var/lib/artemis-primary primary")
                .contains("deployment/broker/install-node.sh " + home + " /var/lib/artemis-backup backup")
                .doesNotContain("artemis-users.properties").doesNotContain(">>");
        Path script = Path.of("broker/install-node.sh");
        assertThat(Files.isExecutable(script)).as(script + " is executable").isTrue();
        assertThat(Files.readString(script)).contains("HUB_BROKER_PASSWORD", "HUB_BROKER_NATIONAL_PASSWORD",
                "HUB_BROKER_PROVINCIAL_PASSWORD");
    }

    private List<String> roles(String match, String permission) {
        var settings = child(primary, "security-settings").getElementsByTagName("security-setting");
        for (int i = 0; i < settings.getLength(); i++) {
            Element setting = (Element) settings.item(i);
            if (setting.getAttribute("match").equals(match)) {
                var permissions = setting.getElementsByTagName("permission");
                for (int j = 0; j < permissions.getLength(); j++) {
                    Element p = (Element) permissions.item(j);
                    if (p.getAttribute("type").equals(permission)) {
                        return List.of(p.getAttribute("roles").split(","));
                    }
                }
                return List.of();
            }
        }
        throw new AssertionError("no security-setting " + match);
    }

    private Element addressSetting(String match) {
        var settings = child(primary, "address-settings").getElementsByTagName("address-setting");
        for (int i = 0; i < settings.getLength(); i++) {
            Element setting = (Element) settings.item(i);
            if (setting.getAttribute("match").equals(match)) {
                return setting;
            }
        }
        throw new AssertionError("no address-setting " + match);
    }

    private static Element core(String path) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setIgnoringComments(true);
            Document doc = factory.newDocumentBuilder().parse(new File(path));
            return (Element) doc.getDocumentElement().getElementsByTagName("core").item(0);
        } catch (Exception e) {
            throw new IllegalStateException(path, e);
        }
    }

    private static Element child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getLocalName().equals(name)) {
                return e;
            }
        }
        throw new AssertionError("no <" + name + "> in <" + parent.getLocalName() + ">");
    }

    private static String text(Element parent, String name) {
        var found = parent.getElementsByTagName(name);
        assertThat(found.getLength()).as("<" + name + ">").isGreaterThan(0);
        return found.item(0).getTextContent().trim();
    }

    private static String xml(Element e) throws Exception {
        var transformer = TransformerFactory.newInstance().newTransformer();
        transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
        StringWriter out = new StringWriter();
        transformer.transform(new DOMSource(e), new StreamResult(out));
        return out.toString();
    }
}

package energyhub.uplink;

import energyhub.uplink.simulator.DemoPki;
import java.nio.file.Path;

/** The tests' key stores, made once per build under target/ (keytool is slow on a busy machine). */
final class TestPki {

    private TestPki() {
    }

    /** The simulator's PKI and the hub's stores that trust it. */
    static DemoPki right() throws Exception {
        return DemoPki.create(Path.of("target/test-pki/test"), "pw-test", "Test");
    }

    /** Another CA's stores: a hub trusting these refuses the simulator. */
    static DemoPki impostor() throws Exception {
        return DemoPki.create(Path.of("target/test-pki/impostor"), "pw-test", "Impostor");
    }
}

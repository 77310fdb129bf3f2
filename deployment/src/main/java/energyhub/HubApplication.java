package energyhub;

import energyhub.uplink.simulator.NationalPlatformSimulator;
import java.util.Arrays;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The provincial front-end exchange hub (前置机): every module under {@code energyhub} assembled into one process. */
@SpringBootApplication
public class HubApplication {

    /** The first argument that starts the national-platform simulator instead of the hub (docs/national-uplink.md). */
    static final String SIMULATOR = "--national-platform-simulator";

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals(SIMULATOR)) {
            NationalPlatformSimulator.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        SpringApplication.run(HubApplication.class, args);
    }
}

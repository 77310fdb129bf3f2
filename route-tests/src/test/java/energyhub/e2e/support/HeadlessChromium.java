package energyhub.e2e.support;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/** A real headless Chromium (Debian's chromium and chromium-driver) for the browser tests of the cockpit. */
public final class HeadlessChromium {

    public static final String CHROMIUM = "/usr/bin/chromium";
    public static final String DRIVER = "/usr/bin/chromedriver";
    /** Where screenshots go: target/screenshots; -Dhub.screenshots=../docs refreshes the pictures in the docs. */
    public static final Path SCREENSHOTS = Path.of(System.getProperty("user.dir"))
            .resolve(System.getProperty("hub.screenshots", "target/screenshots")).normalize();

    private HeadlessChromium() {
    }

    /**
     * Starts a browser with a profile of its own and the given window size ("1440,900"); with
     * {@code browserLog}, what the page logs can be read. Outside CI a machine without Chromium skips the test
     * (.ci/run installs it, and there a missing browser fails).
     */
    public static ChromeDriver start(String windowSize, boolean browserLog) throws IOException {
        if (System.getenv("CI") == null) {
            assumeTrue(Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(DRIVER)),
                    "chromium and chromium-driver are not installed (.ci/run installs them)");
        }
        Path profile = Files.createTempDirectory("chromium-profile");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        // without the networking flags Chromium floods the closed network with refused connections
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=" + windowSize, "--user-data-dir=" + profile);
        if (browserLog) {
            options.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL"));
        }
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER))
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}

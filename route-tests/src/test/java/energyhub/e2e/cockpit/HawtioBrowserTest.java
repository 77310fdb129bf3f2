package energyhub.e2e.cockpit;

import static org.assertj.core.api.Assertions.assertThat;

import energyhub.e2e.support.FerryPackage;
import energyhub.e2e.support.HeadlessChromium;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium (Debian's chromium and chromium-driver) logs into Hawtio as a viewer,
 * lands in the Camel view and finds the intake and dual-routing routes there, follows Hawtio's
 * "Artemis" entry to Artemis's own console, finds both platform queues in its queues tab and comes
 * back through the hub's "Camel routes" link on that console's page; the Stop button of a
 * route is greyed for the viewer and live for an operator (in a browser of its own), who also sees a
 * route's Trace and Debug tabs. Screenshots go to target/screenshots (with -Dhub.screenshots=../docs
 * to docs/hawtio-camel.png, hawtio-artemis.png and hawtio-camel-route.png).
 */
class HawtioBrowserTest extends CockpitTest {

    private static final Path DOCS = HeadlessChromium.SCREENSHOTS;

    private WebDriver browser;
    /** Everything the browser logged, saved when a step fails. */
    private final List<String> consoleLog = new java.util.ArrayList<>();

    @BeforeEach
    void startBrowser() throws Exception {
        browser = HeadlessChromium.start("1440,900", true);
    }

    @AfterEach
    void stopBrowser() {
        if (browser != null) {
            browser.quit();
            browser = null;
        }
    }

    @Test
    void viewerSeesRoutesAndQueuesButOnlyAnOperatorMayStopARoute() throws Exception {
        // something in both queues, so the pictures show counts
        awaitAck(FerryPackage.of().records(FerryPackage.ENTERPRISE, 3).dropInto(inbox()), "ACCEPTED");
        browser.get(url("/actuator/hawtio/"));
        // not logged in: Spring Security's login form
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        // the console re-renders as data arrives: an element found a moment ago may be gone, so look again
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .ignoring(org.openqa.selenium.ElementClickInterceptedException.class);
        logIn(wait, VIEWER, VIEWER_PASSWORD);

        // the login lands in Hawtio's Camel view, not in the Artemis console linked from it
        step(wait, "Camel view after login", d -> d.getCurrentUrl().contains("/actuator/hawtio/camel"));
        browser.get(url("/actuator/hawtio/camel/routes"));
        awaitText(wait, "camel", List.of("ferry-inbox", "dual-delivery", "deliver-national", "deliver-provincial"));
        // the routes table with each route's state and statistics (needs dumpRoutesAsXml, a reporting operation)
        awaitText(wait, "camel-table", List.of("Started", "Completed"));
        screenshot("hawtio-camel.png");
        // a viewer may select a route but not stop it: the console greys out what Jolokia would refuse
        assertThat(stopEnabledFor(wait, "ferry-inbox")).as("a viewer's Stop button").isFalse();

        // Hawtio's "Artemis" entry opens Artemis's own console (hawtio-springboot has no Artemis plugin)
        By artemisNav = By.xpath("//nav//a[normalize-space()='Artemis']");
        click(wait, "Artemis in the navigation", artemisNav); // navigate inside the loaded console, as an operator would
        step(wait, "Artemis console", d -> d.getCurrentUrl().contains("/artemis-console/"));
        // the broker's queues tab: each queue with its message count
        click(wait, "the Queues tab",
                By.xpath("//button[.//*[normalize-space(text())='Queues'] or normalize-space()='Queues']"));
        awaitText(wait, "artemis", List.of("energy.national", "energy.provincial"));
        screenshot("hawtio-artemis.png");
        // and the Artemis console has its way back to the Camel routes
        click(wait, "the hub's Camel routes link", By.id("hub-camel-routes"));
        step(wait, "Camel view", d -> d.getCurrentUrl().contains("/actuator/hawtio/camel"));
        awaitText(wait, "camel-again", List.of("ferry-inbox", "deliver-national"));

        // the same console for an operator, in a browser of its own: Stop is there to press
        stopBrowser();
        startBrowser();
        wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .ignoring(org.openqa.selenium.ElementClickInterceptedException.class);
        browser.get(url("/actuator/hawtio/"));
        logIn(wait, OPERATOR, OPERATOR_PASSWORD);
        browser.get(url("/actuator/hawtio/camel/routes"));
        awaitText(wait, "camel-operator", List.of("ferry-inbox", "Started"));
        assertThat(stopEnabledFor(wait, "ferry-inbox")).as("an operator's Stop button").isTrue();
        // and the buttons act: Hawtio sends the operation by POST with the session's CSRF token, which the hub
        // takes from the operator's own page (and from nowhere else: JolokiaAccessTest)
        click(wait, "Stop", By.xpath("//button[normalize-space()='Stop']"));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> camel.getRouteController().getRouteStatus("quality-indicators").isStarted()
                        && camel.getRouteController().getRouteStatus("ferry-inbox").isStopped());
        select(wait, "ferry-inbox");
        click(wait, "Start", By.xpath("//button[normalize-space()='Start']"));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> camel.getRouteController().getRouteStatus("ferry-inbox").isStarted());
        // a route's tabs include Trace and Debug (Camel's tracer and debugger are on standby)
        click(wait, "ferry-inbox in the tree",
                By.xpath("//*[contains(@class,'tree')]//*[normalize-space(text())='ferry-inbox']"));
        awaitText(wait, "camel-route", List.of("Trace", "Debug"));
        screenshot("hawtio-camel-route.png");

        System.out.println("Jolokia calls refused to the viewer while browsing: " + jdbc.queryForList(
                "select subject from audit_event where action = 'ACCESS_DENIED' and actor = 'viewer'", String.class));
    }

    private void logIn(WebDriverWait wait, String user, String password) {
        wait.until(d -> !d.findElements(By.name("username")).isEmpty());
        browser.findElement(By.name("username")).sendKeys(user);
        browser.findElement(By.name("password")).sendKeys(password);
        browser.findElement(By.cssSelector("button[type=submit], input[type=submit]")).click();
        wait.until(d -> d.getCurrentUrl().contains("/actuator/hawtio"));
    }

    /** Selects the route in the routes table and says whether its Stop button may be pressed. */
    private boolean stopEnabledFor(WebDriverWait wait, String route) throws Exception {
        select(wait, route);
        // read inside the wait too: the table may re-render between the click and the look
        boolean[] enabled = new boolean[1];
        step(wait, "Stop button", d -> {
            enabled[0] = d.findElement(By.xpath("//button[normalize-space()='Stop']")).isEnabled();
            return true;
        });
        return enabled[0];
    }

    /** Ticks the route's box in the routes table (once: a second click would untick it). */
    private void select(WebDriverWait wait, String route) throws Exception {
        By box = By.xpath("//tr[.//*[normalize-space(text())='" + route + "']]//input[@type='checkbox']");
        step(wait, "selected " + route, d -> {
            if (!d.findElement(box).isSelected()) {
                d.findElement(box).click();
            }
            return d.findElement(box).isSelected();
        });
    }

    /**
     * Waits until the page shows every expected text at once (the step fails, page saved, when it never does). The
     * text is judged as the wait read it: the console re-renders its tables as data arrives, so a second read a
     * moment later may catch a table between two renderings (it did once, under load).
     */
    private void awaitText(WebDriverWait wait, String view, List<String> expected) throws Exception {
        step(wait, view + " showing " + expected, d -> {
            String text = d.findElement(By.tagName("body")).getText();
            return expected.stream().allMatch(text::contains);
        });
    }

    /** Clicks what {@code target} finds once it is there (the console renders it when its data has come). */
    private void click(WebDriverWait wait, String what, By target) throws Exception {
        step(wait, "click on " + what, d -> {
            d.findElement(target).click();
            return true;
        });
    }

    /**
     * Waits for {@code condition}, reloading the page (at most twice per step) when Hawtio's console says its JMX
     * tree request failed. Known and rare on a loaded machine, in Hawtio's own console and in Artemis's: the
     * tree request fails with "Illegal ObjectName - ':' not allowed in the key" and the console stays empty until
     * reloaded, while every MBean name parses with Hawtio's own parser at that moment (the list-method detection
     * of Hawtio's Jolokia client races two requests). An operator reloads, and so does this test. On failure the
     * page, the browser console and a screenshot are saved under target/.
     */
    private void step(WebDriverWait wait, String what, java.util.function.Function<WebDriver, Boolean> condition)
            throws Exception {
        int[] reloads = new int[1];
        try {
            wait.until(d -> {
                List<String> lines = new java.util.ArrayList<>();
                d.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll()
                        .forEach(l -> lines.add(l.toString()));
                consoleLog.addAll(lines);
                if (reloads[0] < 2 && lines.stream().anyMatch(l -> l.contains("A request to list the JMX tree failed"))) {
                    reloads[0]++;
                    unparsableNames();
                    String at = d.getCurrentUrl();
                    if (at.contains("/actuator/hawtio") || at.contains("/artemis-console")) {
                        System.out.println("Hawtio's JMX tree request failed; reloading " + at);
                        d.navigate().refresh();
                    } else {
                        // without its JMX tree Hawtio has no Camel, JMX or Artemis entry, so it lands on the next
                        // one, "Data quality", which leaves the console for /quality/: go back into Hawtio
                        System.out.println("Hawtio's JMX tree request failed and it opened " + at + "; back to Hawtio");
                        d.get(url("/actuator/hawtio/"));
                    }
                    return false;
                }
                return condition.apply(d);
            });
        } catch (RuntimeException e) {
            String name = "hawtio-" + what.replaceAll("[^A-Za-z0-9-]+", "-");
            Path dump = Path.of("target", name + "-failed.html");
            Files.writeString(dump, browser.getPageSource());
            Files.write(Path.of("target", name + "-failed.console.log"), consoleLog);
            screenshot(name + "-failed.png");
            throw new AssertionError("Hawtio at " + browser.getCurrentUrl() + ": no " + what + " (after " + reloads[0]
                    + " reloads); page saved in " + dump.toAbsolutePath(), e);
        }
    }

    /** MBean names that Hawtio's ObjectName parser refuses (a port of its key check), printed and saved. */
    private static void unparsableNames() {
        List<String> bad = new java.util.ArrayList<>();
        for (javax.management.MBeanServer server : javax.management.MBeanServerFactory.findMBeanServer(null)) {
            for (javax.management.ObjectName n : server.queryNames(null, null)) {
                for (String props : List.of(n.getKeyPropertyListString(), n.getCanonicalKeyPropertyListString())) {
                    String problem = hawtioProblem(props);
                    if (problem != null) {
                        bad.add(server.getDefaultDomain() + " | " + n.getDomain() + ":" + props + " | " + problem);
                    }
                }
            }
        }
        bad.add(0, "MBean servers: " + javax.management.MBeanServerFactory.findMBeanServer(null).size());
        System.out.println("MBean names Hawtio cannot parse: " + bad);
        try {
            Files.write(Path.of("target", "hawtio-unparsable-mbeans.txt"), bad);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String hawtioProblem(String e) {
        int r = 0;
        int i = e.length();
        while (r < i) {
            StringBuilder key = new StringBuilder();
            while (r < i && e.charAt(r) != '=') {
                char t = e.charAt(r);
                if (",?*:".indexOf(t) >= 0) {
                    return "'" + t + "' in key at " + r;
                }
                key.append(t);
                r++;
            }
            if (r == i || key.length() == 0) {
                return "missing key value at " + r;
            }
            r++;
            if (r < i && e.charAt(r) == '"') {
                r++;
                while (r < i && e.charAt(r) != '"') {
                    char t = e.charAt(r++);
                    if (t == '\\') {
                        if (r >= i) {
                            return "escape at end";
                        }
                        r++;
                    }
                }
                if (r >= i) {
                    return "missing closing quote";
                }
                r++;
            } else {
                while (r < i && e.charAt(r) != ',') {
                    char t = e.charAt(r++);
                    if (",=:\"".indexOf(t) >= 0) {
                        return "unquoted value with '" + t + "' at " + r;
                    }
                }
            }
            if (r < i && e.charAt(r) != ',') {
                return "missing comma at " + r;
            }
            if (r < i) {
                r++;
            }
        }
        return null;
    }

    private void screenshot(String name) throws Exception {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Path target = DOCS.resolve(name).normalize();
        Files.createDirectories(target.getParent());
        Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
        target.toFile().setReadable(true, false);
    }
}

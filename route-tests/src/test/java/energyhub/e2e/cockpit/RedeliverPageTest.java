package energyhub.e2e.cockpit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import energyhub.e2e.support.FerryPackage;
import energyhub.e2e.support.HeadlessChromium;
import java.io.File;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The operator page's re-delivery of a time range (docs/operations.md, "Operator page" and "Recovery after a journal
 * loss"): shown to operators, hidden from viewers, whom the server refuses anyway; its POST carries the CSRF token
 * of the page's session (cookie XSRF-TOKEN, header X-XSRF-TOKEN), without which the same session is refused.
 * Once over HTTP as a browser's session does it, once in a real headless Chromium. Screenshot:
 * target/screenshots/redeliver-page.png.
 */
class RedeliverPageTest extends CockpitTest {

    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    private WebDriver browser;

    @AfterEach
    void stopBrowser() {
        if (browser != null) {
            browser.quit();
            browser = null;
        }
    }

    @Test
    void theFormsPostWorksWithTheSessionsCsrfTokenAndOnlyForOperators() throws Exception {
        OffsetDateTime from = dbNow();
        long pk = deliveredPackage();
        OffsetDateTime to = dbNow().plusSeconds(1);

        Session operator = login(OPERATOR, OPERATOR_PASSWORD);
        String page = operator.get("/quality/").body();
        assertThat(page).contains("id=\"redeliver\"", "id=\"redeliver-form\"", "redeliver.js");
        String script = operator.get("/quality/redeliver.js").body();
        assertThat(script).contains("/deliveries/", "/redeliver", "'X-XSRF-TOKEN': cookie('XSRF-TOKEN')",
                "method: 'POST'");
        assertThat(operator.get("/api/operator/me").body()).contains("\"user\":\"operator\"")
                .contains("\"roles\":[\"operator\",\"viewer\"]");

        String range = "/api/operator/deliveries/provincial/redeliver?from=" + enc(from) + "&to=" + enc(to);
        // the session alone, without the token (what a forged page would send): refused, nothing made due
        assertThat(operator.post(range, null).statusCode()).isEqualTo(403);
        assertThat(ledger.deliveries(pk)).extracting(d -> d.get("status")).containsOnly("DELIVERED");
        // with the token the page sends
        List<Timestamp> before = deliveredAt(pk);
        HttpResponse<String> done = operator.post(range, operator.xsrf());
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        assertThat(json(done).path("due").asInt()).isEqualTo(1);
        awaitDeliveredAgain(pk, before);
        assertThat(lastRedelivery()).isEqualTo(Map.of("actor", OPERATOR, "result", "OK"));

        Session viewer = login(VIEWER, VIEWER_PASSWORD);
        assertThat(viewer.get("/api/operator/me").body()).contains("\"roles\":[\"viewer\"]");
        assertThat(viewer.post(range, viewer.xsrf()).statusCode()).as("a viewer, token and all").isEqualTo(403);
    }

    @Test
    void anOperatorReDeliversARangeFromThePageInABrowserAndAViewerDoesNotSeeTheForm() throws Exception {
        browser = HeadlessChromium.start("1280,1400", false);
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        LocalDateTime fromChina = dbNow().atZoneSameInstant(ZoneOffset.ofHours(8)).toLocalDateTime()
                .truncatedTo(ChronoUnit.SECONDS);
        long pk = deliveredPackage();
        LocalDateTime toChina = dbNow().atZoneSameInstant(ZoneOffset.ofHours(8)).toLocalDateTime()
                .truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);

        List<Timestamp> before = deliveredAt(pk);
        logIn(wait, OPERATOR, OPERATOR_PASSWORD);
        step(wait, "the re-delivery form", d -> d.findElement(By.id("redeliver")).isDisplayed());
        new Select(browser.findElement(By.id("redeliver-target"))).selectByValue("provincial");
        setValue("redeliver-from", LOCAL.format(fromChina));
        setValue("redeliver-to", LOCAL.format(toChina));
        browser.findElement(By.id("redeliver-submit")).click();
        step(wait, "the re-delivery's answer", d -> d.findElement(By.id("redeliver-result")).getText()
                .startsWith("1 delivery to provincial due again"));
        assertThat(browser.findElement(By.id("redeliver-result")).getText()).contains("(delivered "
                + LOCAL.format(fromChina).replace('T', ' ') + " .. ", ", China time); 0 left out");
        assertThat(browser.findElement(By.id("redeliver-result")).getAttribute("class")).isEqualTo("done");
        screenshot("redeliver-page.png");
        awaitDeliveredAgain(pk, before);
        assertThat(lastRedelivery()).isEqualTo(Map.of("actor", OPERATOR, "result", "OK"));

        // a range the API refuses: its one line on the page
        setValue("redeliver-from", LOCAL.format(toChina));
        setValue("redeliver-to", LOCAL.format(fromChina));
        browser.findElement(By.id("redeliver-submit")).click();
        step(wait, "the refusal of a reversed range", d -> d.findElement(By.id("redeliver-result")).getText()
                .contains("is not before"));

        // a viewer: no form; and the page's own POST, token and all, is refused by the server
        browser.manage().deleteAllCookies();
        logIn(wait, VIEWER, VIEWER_PASSWORD);
        step(wait, "the viewer's roles read by the page", d -> "viewer".equals(d.findElement(By.id("redeliver"))
                .getAttribute("data-roles")));
        assertThat(browser.findElement(By.id("redeliver")).isDisplayed()).isFalse();
        long auditBefore = redeliveries();
        ((JavascriptExecutor) browser).executeScript("document.getElementById('redeliver').hidden = false;");
        setValue("redeliver-from", LOCAL.format(fromChina));
        setValue("redeliver-to", LOCAL.format(toChina));
        browser.findElement(By.id("redeliver-submit")).click();
        step(wait, "the viewer's refusal", d -> d.findElement(By.id("redeliver-result")).getText()
                .startsWith("Refused (403)"));
        assertThat(redeliveries()).isEqualTo(auditBefore);
    }

    private void logIn(WebDriverWait wait, String user, String password) throws Exception {
        browser.get(url("/quality/"));
        step(wait, "login form", d -> !d.findElements(By.name("username")).isEmpty());
        browser.findElement(By.name("username")).sendKeys(user);
        browser.findElement(By.name("password")).sendKeys(password);
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        step(wait, "the operator page", d -> d.getCurrentUrl().contains("/quality/"));
    }

    private void setValue(String id, String value) {
        ((JavascriptExecutor) browser).executeScript("document.getElementById(arguments[0]).value = arguments[1];",
                id, value);
    }

    /** A package delivered to both platforms; its ledger id. */
    private long deliveredPackage() throws Exception {
        FerryPackage pkg = FerryPackage.of().records(FerryPackage.ENTERPRISE, 2).dropInto(inbox());
        awaitAck(pkg, "ACCEPTED");
        long pk = (Long) ledger.batch(pkg.batchId()).get("id");
        await().atMost(Duration.ofSeconds(30)).until(() -> ledger.deliveries(pk).stream()
                .allMatch(d -> "DELIVERED".equals(d.get("status"))));
        return pk;
    }

    /** When the batch was last delivered to each platform: provincial, national. */
    private List<Timestamp> deliveredAt(long pk) {
        return jdbc.queryForList("select delivered_at from delivery where batch_pk = ? order by target desc",
                Timestamp.class, pk);
    }

    /**
     * The re-delivery made the provincial delivery due and delivery-sweep sent it again (delivered once more,
     * later); the national one is untouched.
     */
    private void awaitDeliveredAgain(long pk, List<Timestamp> before) {
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject("select count(*) from delivery "
                + "where batch_pk = ? and target = 'provincial' and status = 'DELIVERED' and delivered_at > ?",
                Integer.class, pk, before.get(0)) == 1);
        assertThat(deliveredAt(pk).get(1)).as("the national delivery untouched").isEqualTo(before.get(1));
    }

    private Map<String, Object> lastRedelivery() {
        return jdbc.queryForMap("select actor, result from audit_event where action = 'REDELIVER_RANGE' "
                + "order by seq desc limit 1");
    }

    private long redeliveries() {
        return jdbc.queryForObject("select count(*) from audit_event where action = 'REDELIVER_RANGE'", Long.class);
    }

    private OffsetDateTime dbNow() {
        return jdbc.queryForObject("select now()", Timestamp.class).toInstant().atOffset(ZoneOffset.ofHours(8));
    }

    private static String enc(OffsetDateTime t) {
        return URLEncoder.encode(t.toString(), StandardCharsets.UTF_8);
    }

    /** A browser's session over HTTP: the form login, its cookies, and the CSRF token the cockpit hands the page. */
    private Session login(String user, String password) throws Exception {
        CookieManager cookies = new CookieManager();
        HttpClient client = HttpClient.newBuilder().cookieHandler(cookies).build();
        Session s = new Session(client, cookies);
        s.get("/login");
        HttpResponse<String> login = client.send(HttpRequest.newBuilder(URI.create(url("/login")))
                .header("Content-Type", "application/x-www-form-urlencoded").header("X-XSRF-TOKEN", s.xsrf())
                .POST(HttpRequest.BodyPublishers.ofString("username=" + user + "&password=" + password)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).isEqualTo(302);
        return s;
    }

    private final class Session {
        private final HttpClient client;
        private final CookieManager cookies;

        Session(HttpClient client, CookieManager cookies) {
            this.client = client;
            this.cookies = cookies;
        }

        HttpResponse<String> get(String path) throws Exception {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url(path)))
                    .header("Accept", path.startsWith("/api/") ? "application/json" : "text/html").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            return r;
        }

        /** The page's fetch(): same origin, with the session's cookies and, when given, the CSRF header. */
        HttpResponse<String> post(String path, String xsrf) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path)))
                    .header("Accept", "application/json").header("X-Requested-With", "XMLHttpRequest")
                    .header("Origin", "http://127.0.0.1:" + port).POST(HttpRequest.BodyPublishers.noBody());
            if (xsrf != null) {
                request.header("X-XSRF-TOKEN", xsrf);
            }
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }

        String xsrf() {
            List<java.net.HttpCookie> all = cookies.getCookieStore().getCookies();
            return all.stream().filter(c -> c.getName().equals("XSRF-TOKEN")).findFirst()
                    .orElseThrow(() -> new AssertionError("no XSRF-TOKEN cookie")).getValue();
        }
    }

    /** Waits for a condition; on failure saves the page and a screenshot under target/. */
    private void step(WebDriverWait wait, String what, Function<WebDriver, Boolean> condition) throws Exception {
        try {
            wait.until(condition::apply);
        } catch (RuntimeException e) {
            String name = "redeliver-" + what.replaceAll("[^A-Za-z0-9-]+", "-");
            Path dump = Path.of("target", name + "-failed.html");
            Files.writeString(dump, browser.getPageSource());
            screenshot(name + "-failed.png");
            throw new AssertionError("at " + browser.getCurrentUrl() + ": no " + what + "; page saved in "
                    + dump.toAbsolutePath() + "; result: " + browser.findElement(By.id("redeliver-result")).getText(),
                    e);
        }
    }

    private void screenshot(String name) throws Exception {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Path target = HeadlessChromium.SCREENSHOTS.resolve(name).normalize();
        Files.createDirectories(target.getParent());
        Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    }
}

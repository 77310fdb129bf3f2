package energyhub.e2e.support;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import energyhub.HubApplication;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole hub with four suppliers configured, each against a real server on loopback: two grid
 * companies dropping CSV files into local folders ({@code grid1} YNDW, {@code grid2} KMGD, the second
 * one only an entry more in configuration), YNDW's files also pulled from SFTP ({@code grid3}), a gas company on SFTP ({@code gas1}) and a heat company's
 * REST API ({@code heat1}). Schedules are every second or two. Its own data directory, broker port and
 * database, so it never meets the ferry tests' hub; the supplier test classes share this one hub.
 * Accounts known from the start are a Flyway fixture (db/supplier-test).
 */
@CamelSpringBootTest
@SpringBootTest(classes = HubApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
public abstract class SupplierHubTest extends RunningHub {

    protected static final Path DATA_DIR = tempDir("hub-suppliers");
    protected static final int BROKER_PORT = FreePort.next();
    protected static final SupplierServers.Sftp SFTP = SupplierServers.startSftp(tempDir("supplier-sftp"));
    /** One item of 2026-10-01 and one of 2026-10-02: what heat-same's API answers for either window. */
    protected static final String HEAT_SAME_ITEMS = "[{\"accountNo\":\"HT-000123\",\"date\":\"2026-10-01\",\"heatGJ\":\"1.25\"},"
            + "{\"accountNo\":\"HT-000456\",\"date\":\"2026-10-02\",\"heatGJ\":\"2.5\"}]";
    protected static final SupplierServers.Heat HEAT = SupplierServers.startHeat()
            // window 2026-11-20: three pages; HT-000123 has two meters that day (summed)
            .serve("2026-11-20", List.of(
                    "[{\"accountNo\":\"HT-000123\",\"date\":\"2026-11-20\",\"heatGJ\":\"12.50\",\"meterId\":\"H7\"},"
                            + "{\"accountNo\":\"HT-000123\",\"date\":\"2026-11-20\",\"heatGJ\":\"0.25\",\"meterId\":\"H8\"}]",
                    "[{\"accountNo\":\"HT-000456\",\"date\":\"2026-11-20\",\"heatGJ\":\"7.125\",\"meterId\":\"H9\"}]",
                    "[{\"accountNo\":\"HT-000789\",\"date\":\"2026-11-20\",\"heatGJ\":\"100\",\"meterId\":\"H1\"}]"))
            // window 2026-11-21: the first request fails with HTTP 500
            .serve("2026-11-21", List.of(
                    "[{\"accountNo\":\"HT-000123\",\"date\":\"2026-11-21\",\"heatGJ\":\"11.00\",\"meterId\":\"H7\"}]"))
            .failFirst("2026-11-21", 1)
            // window 2026-11-05 of a second heat entry (heat2): fails more often than it is retried in one pull
            .serve("2026-11-05", List.of(
                    "[{\"accountNo\":\"HT-000456\",\"date\":\"2026-11-05\",\"heatGJ\":\"2.5\",\"meterId\":\"H9\"}]"))
            .failFirst("2026-11-05", 2)
            // heat-same: an API that ignores from/to, answering windows 2026-10-01 and 2026-10-02 with the same items
            .serve("2026-10-01", List.of(HEAT_SAME_ITEMS))
            .serve("2026-10-02", List.of(HEAT_SAME_ITEMS))
            // heat-lies: a page that claims a million pages
            .serveRaw("2026-10-05", page -> "{\"page\":" + page + ",\"totalPages\":1000000,\"items\":[]}")
            // heat-nojson: an error page of a proxy instead of JSON
            .serveRaw("2026-10-06", page -> "<html><body>502 Bad Gateway</body></html>")
            // heat-huge: a page over hub.supplier.max-file-bytes (1 MB in this hub)
            .serveRaw("2026-10-07", page -> "{\"page\":1,\"totalPages\":1,\"items\":[{\"accountNo\":\"HT-000123\","
                    + "\"date\":\"2026-10-07\",\"heatGJ\":\"1\",\"meterId\":\"" + "x".repeat(2_000_000) + "\"}]}")
            // heat-401: pulled with a token the API does not know (answered 401)
            .serve("2026-10-08", List.of("[{\"accountNo\":\"HT-000123\",\"date\":\"2026-10-08\",\"heatGJ\":\"1\"}]"))
            // heat-shifty: page 1 says 2 pages, page 2 says 5
            .serveRaw("2026-10-10", page -> "{\"page\":" + page + ",\"totalPages\":" + (page == 1 ? 2 : 5)
                    + ",\"items\":[{\"accountNo\":\"HT-000123\",\"date\":\"2026-10-10\",\"heatGJ\":\"1\"}]}")
            // heat-types: items of the wrong types beside a valid one
            .serve("2026-10-09", List.of("[1,{\"accountNo\":\"HT-000123\",\"date\":\"2026-10-09\",\"heatGJ\":{\"v\":1}},"
                    + "{\"accountNo\":[\"HT-000456\"],\"date\":20261009,\"heatGJ\":\"4\"},"
                    + "{\"accountNo\":\"HT-000456\",\"date\":\"2026-10-09\",\"heatGJ\":\"3.5\"}]"));

    @DynamicPropertySource
    static void supplierHubProperties(DynamicPropertyRegistry registry) {
        HubTest.hubProperties(DATA_DIR, BROKER_PORT).forEach((k, v) -> registry.add(k, () -> v));
        TestDatabase.create().ifPresent(url -> registry.add("spring.datasource.url", () -> url));
        Map.ofEntries(
                // its own Camel name: Quartz schedulers are per JVM and named after the context
                Map.entry("camel.main.name", "supplier-test-hub"),
                Map.entry("spring.flyway.locations", "classpath:db/migration,classpath:db/supplier-test"),
                Map.entry("hub.supplier.registry-poll-interval", "200ms"),
                // the secrets, as the environment variables the entries name would hold them
                Map.entry("HUB_TEST_GAS1_SFTP_PASSWORD", SupplierServers.SFTP_PASSWORD),
                Map.entry("HUB_TEST_HEAT1_TOKEN", SupplierServers.HEAT_TOKEN),

                Map.entry("hub.suppliers.grid1.type", "electricity-csv"),
                Map.entry("hub.suppliers.grid1.supplier-code", "YNDW"),
                Map.entry("hub.suppliers.grid1.schedule", "0/1 * * * * ?"),

                Map.entry("hub.suppliers.grid2.type", "electricity-csv"),
                Map.entry("hub.suppliers.grid2.supplier-code", "KMGD"),
                Map.entry("hub.suppliers.grid2.schedule", "0/1 * * * * ?"),

                // the same grid company's files, pulled from its SFTP server instead
                Map.entry("hub.suppliers.grid3.type", "electricity-csv"),
                Map.entry("hub.suppliers.grid3.supplier-code", "YNDW"),
                Map.entry("hub.suppliers.grid3.source", "sftp://127.0.0.1:" + SFTP.port() + "/grid"),
                Map.entry("hub.suppliers.grid3.schedule", "0/1 * * * * ?"),
                Map.entry("hub.suppliers.grid3.username", SupplierServers.SFTP_USER),
                Map.entry("hub.suppliers.grid3.password-env", "HUB_TEST_GAS1_SFTP_PASSWORD"),
                Map.entry("hub.suppliers.grid3.known-hosts-file", SFTP.knownHosts().toString()),

                Map.entry("hub.suppliers.gas1.type", "gas-xml"),
                Map.entry("hub.suppliers.gas1.supplier-code", "91530100MA6L2GA70M"),
                Map.entry("hub.suppliers.gas1.source", "sftp://127.0.0.1:" + SFTP.port() + "/outbox"),
                Map.entry("hub.suppliers.gas1.schedule", "0/1 * * * * ?"),
                Map.entry("hub.suppliers.gas1.username", SupplierServers.SFTP_USER),
                Map.entry("hub.suppliers.gas1.password-env", "HUB_TEST_GAS1_SFTP_PASSWORD"),
                Map.entry("hub.suppliers.gas1.known-hosts-file", SFTP.knownHosts().toString()),

                // the gas company's server as seen through a known_hosts that pins another key
                Map.entry("hub.suppliers.gas-mitm.type", "gas-xml"),
                Map.entry("hub.suppliers.gas-mitm.supplier-code", "91530100MA6L2GA70M"),
                Map.entry("hub.suppliers.gas-mitm.source", "sftp://127.0.0.1:" + SFTP.port() + "/mitm"),
                Map.entry("hub.suppliers.gas-mitm.schedule", "0/2 * * * * ?"),
                Map.entry("hub.suppliers.gas-mitm.username", SupplierServers.SFTP_USER),
                Map.entry("hub.suppliers.gas-mitm.password-env", "HUB_TEST_GAS1_SFTP_PASSWORD"),
                Map.entry("hub.suppliers.gas-mitm.known-hosts-file", SFTP.wrongKnownHosts().toString()),

                Map.entry("hub.suppliers.heat1.type", "heat-api"),
                Map.entry("hub.suppliers.heat1.supplier-code", "KMRL"),
                Map.entry("hub.suppliers.heat1.source", "http://127.0.0.1:" + HEAT.port()),
                Map.entry("hub.suppliers.heat1.schedule", "0/2 * * * * ?"),
                Map.entry("hub.suppliers.heat1.token-env", "HUB_TEST_HEAT1_TOKEN"),
                Map.entry("hub.suppliers.heat1.start-date", "2026-11-20"),
                Map.entry("hub.suppliers.heat1.end-date", "2026-11-21"),
                Map.entry("hub.suppliers.heat1.page-size", "2"),
                Map.entry("hub.suppliers.heat1.timeout", "5s"),
                Map.entry("hub.suppliers.heat1.retries", "2"),
                Map.entry("hub.suppliers.heat1.retry-delay", "200ms"),

                Map.entry("hub.suppliers.heat2.type", "heat-api"),
                Map.entry("hub.suppliers.heat2.supplier-code", "KMRL"),
                Map.entry("hub.suppliers.heat2.source", "http://127.0.0.1:" + HEAT.port()),
                Map.entry("hub.suppliers.heat2.schedule", "0/3 * * * * ?"),
                Map.entry("hub.suppliers.heat2.token-env", "HUB_TEST_HEAT1_TOKEN"),
                Map.entry("hub.suppliers.heat2.start-date", "2026-11-05"),
                Map.entry("hub.suppliers.heat2.end-date", "2026-11-05"),
                Map.entry("hub.suppliers.heat2.retries", "1"),
                Map.entry("hub.suppliers.heat2.retry-delay", "100ms"),
                Map.entry("hub.supplier.max-file-bytes", "1000000"),
                Map.entry("HUB_TEST_HEAT_WRONG_TOKEN", "not-the-token"))
                .forEach((k, v) -> registry.add(k, () -> v));
        hostileHeat(registry, "heat-same", "2026-10-01", "2026-10-02", "HUB_TEST_HEAT1_TOKEN");
        hostileHeat(registry, "heat-lies", "2026-10-05", "2026-10-05", "HUB_TEST_HEAT1_TOKEN");
        hostileHeat(registry, "heat-nojson", "2026-10-06", "2026-10-06", "HUB_TEST_HEAT1_TOKEN");
        hostileHeat(registry, "heat-huge", "2026-10-07", "2026-10-07", "HUB_TEST_HEAT1_TOKEN");
        hostileHeat(registry, "heat-401", "2026-10-08", "2026-10-08", "HUB_TEST_HEAT_WRONG_TOKEN");
        hostileHeat(registry, "heat-types", "2026-10-09", "2026-10-09", "HUB_TEST_HEAT1_TOKEN");
        hostileHeat(registry, "heat-shifty", "2026-10-10", "2026-10-10", "HUB_TEST_HEAT1_TOKEN");
    }

    /** A heat entry against the hostile windows of the test API: one-day windows, given up after 2 failed pulls. */
    private static void hostileHeat(DynamicPropertyRegistry registry, String name, String start, String end, String tokenEnv) {
        String p = "hub.suppliers." + name + ".";
        Map.of("type", "heat-api", "supplier-code", "KMRL", "source", "http://127.0.0.1:" + HEAT.port(),
                "schedule", "0/2 * * * * ?", "token-env", tokenEnv, "start-date", start, "end-date", end,
                "retries", "2", "retry-delay", "100ms", "max-window-attempts", "2")
                .forEach((k, v) -> registry.add(p + k, () -> v));
    }

    protected SupplierHubTest() {
        super(DATA_DIR, BROKER_PORT);
    }

    protected static Path supplierDir(String supplier) {
        return DATA_DIR.resolve("suppliers").resolve(supplier);
    }

    /** Drops a file into a supplier's local inbox as a grid company would: complete, then renamed in. */
    protected static void drop(String supplier, String name, byte[] content) throws IOException {
        Path inbox = Files.createDirectories(supplierDir(supplier).resolve("inbox"));
        Path tmp = Files.createTempFile(DATA_DIR, "drop-", ".tmp");
        Files.write(tmp, content);
        Files.move(tmp, inbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    protected static Path reportPath(String supplier, String file) {
        return supplierDir(supplier).resolve("reports").resolve(file + ".report.json");
    }

    /** Waits for the per-file report the supplier's operators read, and reads it. */
    protected static JsonNode awaitReport(String supplier, String file) throws IOException {
        Path report = reportPath(supplier, file);
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(report));
        return JSON.readTree(Files.readString(report));
    }

    /** The routing core's batchId of a supplier file, by its name. */
    protected String batchIdOf(String supplier, String file) {
        return jdbc.queryForObject("select batch_id from supplier_file where supplier = ? and file_name = ?", String.class,
                supplier, file);
    }

    /** The records of a batch as one platform received them, in order. */
    protected static List<JsonNode> records(PlatformClient platform, String batchId) throws Exception {
        return platform.browse(batchId).stream().flatMap(m -> {
            java.util.List<JsonNode> out = new java.util.ArrayList<>();
            m.json().get("records").forEach(out::add);
            return out.stream();
        }).toList();
    }
}

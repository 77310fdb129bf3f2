package energyhub.supplier;

import energyhub.routing.HubConfigurationException;
import energyhub.supplier.SupplierProperties.Supplier;
import energyhub.supplier.SupplierProperties.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import energyhub.routing.inbox.IntakeNames;
import energyhub.routing.inbox.UntrustedFileFilter;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * One route template per kind of supplier, and one route per entry under {@code hub.suppliers}
 * (route id {@code supplier-{name}}), so that a new grid company is a configuration change only.
 * Every template is parameterised by {@code fromUri}, built here from the entry: a local drop
 * folder or an SFTP directory polled on the entry's Quartz schedule, or a Quartz timer for the API.
 */
@Component
public class SupplierRoutes extends RouteBuilder {

    public static final String ELECTRICITY_TEMPLATE = "supplier-electricity-csv";
    public static final String GAS_TEMPLATE = "supplier-gas-xml";
    public static final String HEAT_TEMPLATE = "supplier-heat-api";
    static final String ROUTE_PREFIX = "supplier-";

    private final SupplierProperties properties;
    private final SupplierFiles files;
    private final HeatPull heat;
    private final AccountRegistry registry;
    private final SupplierIntake intake;
    private final Environment environment;
    private final SupplierRefusals refusals;

    public SupplierRoutes(SupplierProperties properties, SupplierFiles files, HeatPull heat, AccountRegistry registry,
            SupplierIntake intake, Environment environment, SupplierRefusals refusals) {
        this.refusals = refusals;
        this.properties = properties;
        this.files = files;
        this.heat = heat;
        this.registry = registry;
        this.intake = intake;
        this.environment = environment;
    }

    /** The configured supplier a route belongs to, from its route id. */
    static String supplierOf(Exchange exchange) {
        String routeId = exchange.getFromRouteId();
        return routeId.substring(ROUTE_PREFIX.length());
    }

    @Override
    public void configure() {
        routeTemplate(ELECTRICITY_TEMPLATE).templateParameter("fromUri")
                .from("{{fromUri}}")
                .process(files::receive).id("read-file");

        routeTemplate(GAS_TEMPLATE).templateParameter("fromUri")
                .from("{{fromUri}}")
                .process(files::receive).id("read-file");

        routeTemplate(HEAT_TEMPLATE).templateParameter("fromUri").templateParameter("failurePolicy")
                .from("{{fromUri}}")
                // what fails is retried or refused and reported by the supplier's SupplierFailurePolicy
                .routeConfigurationId("{{failurePolicy}}")
                .bean(heat, "dueWindows").id("due-windows")
                .split(body()).id("each-window")
                    .bean(heat, "startWindow").id("start-window")
                    .loopDoWhile(method(heat, "morePages")).id("each-page")
                        .bean(heat, "fetchPage").id("fetch-page")
                    .end()
                    .bean(heat, "completeWindow").id("complete-window")
                .end();

        for (Map.Entry<String, Supplier> e : properties.getSuppliers().entrySet()) {
            String name = e.getKey();
            Supplier c = e.getValue();
            if (c.getType() == null || c.getSupplierCode() == null) {
                throw new IllegalStateException("hub.suppliers." + name + " needs a type and a supplier-code");
            }
            String template = switch (c.getType()) {
                case ELECTRICITY_CSV -> ELECTRICITY_TEMPLATE;
                case GAS_XML -> GAS_TEMPLATE;
                case HEAT_API -> HEAT_TEMPLATE;
            };
            var route = templatedRoute(template).routeId(ROUTE_PREFIX + name).prefixId(name + "-")
                    .parameter("fromUri", fromUri(name, c));
            if (c.getType() == Type.HEAT_API) {
                route.parameter("failurePolicy", SupplierFailurePolicy.id(name));
            }
        }

        // the registry import folder: the same name and type checks; a refused entry goes to failed/ with
        // NAME.problems.txt (a generated name when its own is not acceptable), unread
        bindToRegistry("supplier-registry-import-filter", UntrustedFileFilter.local("supplier-registry-import",
                n -> n.toLowerCase(java.util.Locale.ROOT).endsWith(".csv"), n -> false, this::refuseRegistryFile));
        from("file:" + properties.getRegistryImport() + "?filter=#supplier-registry-import-filter"
                + "&include=(?i).*\\.csv&readLock=changed&readLockMinAge=500&readLockMarkerFile=false"
                + "&readLockCheckInterval=200&readLockTimeout=10000&delay=" + properties.getRegistryPollInterval().toMillis()
                + "&move=done/${date:now:yyyyMMddHHmmssSSS}-${file:name}&moveFailed=failed/${file:name}")
                .routeId("supplier-registry-import")
                .process(this::importAccounts).id("supplier-registry-import-read");

        // unmatched rows marked for routing before a crash are sent once the hub is up again
        from("timer:supplier-rematch?repeatCount=1&delay=5000").routeId("supplier-rematch-on-start")
                .bean(intake, "rematch").id("supplier-rematch");
    }

    private void refuseRegistryFile(UntrustedFileFilter.Refusal r) throws java.io.IOException {
        String kept = r.keptName();
        Path failed = Path.of(properties.getRegistryImport(), "failed");
        Path moved = energyhub.routing.inbox.IntakeFiles.moveInto(r.localPath(), failed, kept);
        Files.writeString(failed.resolve((moved != null ? moved.getFileName().toString() : kept) + ".problems.txt"),
                "refused " + r.code() + ": " + r.reason() + "\noriginal name: " + IntakeNames.escape(r.name())
                        + "\nnot opened, not read\n", StandardCharsets.UTF_8);
        log.warn("account registry: {} refused ({}: {}); {}", IntakeNames.escape(r.name()), r.code(), r.reason(),
                moved != null ? "moved to " + moved : "left in place");
    }

    private void importAccounts(Exchange exchange) throws Exception {
        var m = exchange.getMessage();
        String name = m.getHeader(Exchange.FILE_NAME_ONLY, String.class);
        Long length = m.getHeader(Exchange.FILE_LENGTH, Long.class);
        if (length != null && length > properties.getMaxFileBytes()) {
            throw new IllegalArgumentException(name + " has " + length + " bytes, the limit is " + properties.getMaxFileBytes());
        }
        String csv = ElectricityCsv.decode(m.getBody(byte[].class));
        try {
            int n = registry.importCsv(csv, "import:" + name);
            log.info("account registry: {} accounts imported from {}", n, name);
        } catch (AccountRegistry.InvalidAccountException ex) {
            // the operator finds why next to the refused file
            Path failed = Path.of(properties.getRegistryImport(), "failed");
            Files.createDirectories(failed);
            StringBuilder text = new StringBuilder();
            ex.problems().forEach(p -> text.append("line ").append(p.line()).append(": ").append(p.message()).append('\n'));
            Files.writeString(failed.resolve(name + ".problems.txt"), text, StandardCharsets.UTF_8);
            throw ex;
        }
    }

    /** The consumer URI of a supplier entry; secrets are read from the environment variables it names. */
    String fromUri(String name, Supplier c) {
        String cron = c.getSchedule().trim().replaceAll("\\s+", "+");
        if (c.getType() == Type.HEAT_API) {
            if (c.getSource() == null || c.getStartDate() == null || c.getTokenEnv() == null) {
                throw new IllegalStateException("hub.suppliers." + name + " (heat-api) needs source, start-date and token-env");
            }
            return "quartz://suppliers/" + name + "?cron=" + cron + "&stateful=true";
        }
        String include = c.getType() == Type.ELECTRICITY_CSV ? "(?i)ELEC_.*\\.csv" : "(?i).*\\.xml";
        String source = c.getSource() == null || c.getSource().isBlank()
                ? Path.of(properties.getDataDir(), name, "inbox").toString() : c.getSource();
        // every entry is judged by its raw name and own type before anything is locked, fetched or read
        String filter = ROUTE_PREFIX + name + "-filter";
        bindToRegistry(filter, refusals.filter(name, java.util.regex.Pattern.compile(include), source.startsWith("sftp://")));
        String schedule = "&scheduler=quartz&scheduler.cron=" + cron + "&scheduler.triggerGroup=suppliers"
                + "&scheduler.triggerId=" + name;
        if (source.startsWith("sftp://")) {
            if (c.getKnownHostsFile() == null) {
                throw new HubConfigurationException("hub.suppliers." + name + ".known-hosts-file", "is not set",
                        "pin the supplier's SFTP host key in a known_hosts file of its own and name it here: "
                                + "the server's host key is always checked");
            }
            String polls = ROUTE_PREFIX + name + "-polls";
            bindToRegistry(polls, new SupplierPollLog(name, source.contains("?") ? source.substring(0, source.indexOf('?')) : source));
            var sftp = energyhub.routing.inbox.SftpEndpoint.at(source).user(c.getUsername())
                    .knownHosts(c.getKnownHostsFile())
                    .option("binary", true).option("disconnect", true).option("stepwise", false)
                    .option("throwExceptionOnConnectFailed", true).option("autoCreate", false)
                    .option("filter", "#" + filter).option("include", include)
                    .option("move", ".done/${file:name}").option("pollStrategy", "#" + polls)
                    .option("exceptionHandler", "#" + energyhub.routing.inbox.ReportedPollFailures.BEAN)
                    .option("scheduler", "quartz").option("scheduler.cron", cron)
                    .option("scheduler.triggerGroup", "suppliers").option("scheduler.triggerId", name);
            String password = null;
            if (c.getPasswordEnv() != null) {
                password = environment.getProperty(c.getPasswordEnv());
                if (password == null) {
                    throw new HubConfigurationException("hub.suppliers." + name + ".password-env", "names the environment "
                            + "variable " + c.getPasswordEnv() + ", which is not set", "set " + c.getPasswordEnv()
                            + " to the SFTP password of the supplier's server");
                }
            }
            sftp.password(password).privateKey(c.getPrivateKeyFile(), null);
            String endpoint = ROUTE_PREFIX + name + "-source";
            bindToRegistry(endpoint, sftp.endpoint(getContext()));
            return "ref:" + endpoint;
        }
        String dir = source.startsWith("file:") ? source.substring("file:".length()) : source;
        String archive = Path.of(properties.getDataDir(), name, "archive").toAbsolutePath().toString();
        return "file:" + dir + "?filter=#" + filter + "&include=" + include
                + "&readLock=changed&readLockMarkerFile=false&readLockMinAge=1000&readLockCheckInterval=250"
                + "&readLockTimeout=10000&move=" + archive + "/${date:now:yyyy/MM/dd}/${file:name}" + schedule;
    }
}

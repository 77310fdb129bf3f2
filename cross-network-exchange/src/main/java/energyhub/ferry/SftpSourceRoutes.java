package energyhub.ferry;

import energyhub.routing.BatchIntakeRoute;
import energyhub.routing.BatchSubmission;
import energyhub.routing.IntakeOutcome;
import energyhub.routing.inbox.IntakeFiles;
import energyhub.routing.inbox.IntakeNames;
import energyhub.routing.inbox.UntrustedFileFilter;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.regex.Pattern;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Ferry packages polled over SFTP from exchange servers in the internet zone, one route per
 * {@code hub.ferry.sources} entry of type SFTP ({@code ferry-{id}}, ACK upload {@code ferry-{id}-ack}).
 * The manifest is listed first; only then is its data file fetched (both streamed into a local work
 * folder) and checked by the same {@link FerryPackages} rules as the local inbox. The remote files
 * are moved to the remote archive (or deleted) by Camel on commit, which happens only once the
 * batch's ACK has been uploaded; until then they stay and are read again (a re-read is RESUMED by the
 * core, never delivered twice). Host keys are checked strictly against a pinned known_hosts file.
 */
@Component
public class SftpSourceRoutes extends RouteBuilder {

    private static final Logger log = LoggerFactory.getLogger(SftpSourceRoutes.class);
    /** Only plain names are fetched: they go into endpoint URIs and local paths. */
    static final String MANIFEST_NAMES = "[A-Za-z0-9][A-Za-z0-9._-]{0,200}\\.jsonl(\\.gz)?\\.manifest";
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,40}");
    private static final String MANIFEST_PATH = "ferryManifestPath";
    private static final String DATA_NAME = "ferryDataName";
    /** Set by the ACK route on the same exchange when the ACK is on the server. */

    private final FerryProperties properties;
    private final FerryPackages packages;
    private final FerrySourcesHealth health;
    private final FerryFailures failures;
    private final FerryBacklog backlog;
    private final energyhub.routing.cluster.IntakeClaims claims;
    private final energyhub.ferry.signing.AckSigner ackSigner;
    /** Data files the data filter refused (route/name -> reason), for the manifest's exchange to answer. */
    private final java.util.Map<String, String> refusedData = new java.util.concurrent.ConcurrentHashMap<>();
    private org.apache.camel.ProducerTemplate core;

    public SftpSourceRoutes(FerryProperties properties, FerryPackages packages, FerrySourcesHealth health,
            FerryFailures failures, FerryBacklog backlog, energyhub.routing.cluster.IntakeClaims claims,
            energyhub.ferry.signing.AckSigner ackSigner) {
        this.claims = claims;
        this.ackSigner = ackSigner;
        this.properties = properties;
        this.packages = packages;
        this.health = health;
        this.failures = failures;
        this.backlog = backlog;
    }

    private synchronized org.apache.camel.ProducerTemplate core() {
        if (core == null) {
            core = getContext().createProducerTemplate();
        }
        return core;
    }


    public static String routeId(String sourceId) {
        return "ferry-" + sourceId;
    }

    @Override
    public void configure() {
        properties.getSources().forEach((id, source) -> {
            if (!ID.matcher(id).matches()) {
                throw new IllegalStateException("hub.ferry.sources: id '" + id + "' is not 1-41 of [a-z0-9-]");
            }
            if (source.getType() == FerrySource.Type.SFTP && source.isEnabled()) {
                sftpSource(id, source);
            }
        });
    }

    private void sftpSource(String id, FerrySource s) {
        String routeId = routeId(id);
        String ackEndpoint = "direct:" + routeId + "-ack";
        String server = "sftp://" + FerryInboxRoute.required(id, "host", s.getHost()) + ":" + s.getPort() + "/";
        Path work = Path.of(properties.getWork(), id).toAbsolutePath();
        Path archive = Path.of(properties.getArchive(), id);
        Path quarantine = Path.of(properties.getQuarantine(), id);
        // what Camel does with a remote file once the exchange that read it completes successfully
        String[] done = s.getArchiveDir() == null || s.getArchiveDir().isBlank() ? new String[] {"delete", "true"}
                : new String[] {"move", s.getArchiveDir() + "/${date:now:yyyy/MM/dd}/${file:name}"};
        String watchdog = "ferryWatchdog-" + id;
        getContext().getRegistry().bind(watchdog, health.watchdog(id));

        // remote entries are judged by their listed name and attributes (SFTP readdir: the entry itself,
        // not a link's target) before anything is downloaded or a local path is built from the name
        String filter = routeId + "-filter";
        String dataFilter = routeId + "-data-filter";
        String where = routeId + " " + server + s.getInboundDir();
        bindToRegistry(filter, UntrustedFileFilter.sftp(routeId, name -> name.endsWith(FerryManifest.SUFFIX),
                name -> failures.held(routeId, name),
                refusal -> packages.refuse(refusal, where, ackEndpoint, quarantine, core())));
        // the data file is fetched by its (checked) name; a link or special file there is not fetched
        bindToRegistry(dataFilter, UntrustedFileFilter.sftp(routeId, name -> true, name -> false,
                refusal -> refusedData.put(routeId + "/" + refusal.name(), refusal.reason())));
        // several hubs may poll this folder: a listed manifest is taken by the one hub whose claim (a row in
        // PostgreSQL, keyed by the remote path) got in first; Camel's in-progress repository is the claim,
        // held until the exchange ends (the remote files are moved or deleted on commit before it is
        // given up); a dead hub's claim lapses after hub.cluster.claim-max-age. readLock=idempotent is for
        // the file component only.
        String claimsBean = routeId + "-claims";
        bindToRegistry(claimsBean, claims.forRoute(getContext(), routeId));
        from(sftp(id, s, server + s.getInboundDir()).option("filter", "#" + filter)
                .option("inProgressRepository", "#" + claimsBean)
                .option("localWorkDirectory", work).option(done[0], done[1])
                // a manifest still being uploaded is not read
                .option("readLock", "changed").option("readLockMinLength", 0)
                .option("readLockMinAge", properties.getManifestMinAge().toMillis())
                .option("readLockCheckInterval", 500)
                .option("readLockTimeout", properties.getManifestMinAge().toMillis() * 4 + 5000)
                .option("sortBy", "file:modified").option("maxMessagesPerPoll", 100)
                .option("delay", s.getPollInterval().toMillis())
                // the inbound folder is the exchange server's: never created by the hub (a failed connect
                // at start-up would otherwise be logged with a stack trace by Camel's auto-create)
                .option("throwExceptionOnConnectFailed", true).option("autoCreate", false)
                .option("pollStrategy", "#" + watchdog)
                .option("exceptionHandler", "#" + energyhub.routing.inbox.ReportedPollFailures.BEAN)
                .endpoint(getContext()))
                .routeId(routeId)
                .routeConfigurationId(FerryFailurePolicy.ID)
                .process(this::manifestArrived).id(routeId + "-manifest")
                // the data file, only now that its manifest is here; fetched by name, once, without waiting
                .pollEnrich().expression(new org.apache.camel.support.ExpressionAdapter() {
                    @Override
                    public Object evaluate(Exchange e) {
                        // one endpoint per data file: disconnect after use, or every package would keep a session open
                        return sftp(id, s, server + s.getInboundDir())
                                .option("fileName", e.getProperty(DATA_NAME, String.class))
                                .option("filter", "#" + dataFilter).option("localWorkDirectory", work)
                                .option(done[0], done[1]).option("disconnect", true).endpoint(getContext());
                    }
                })
                .timeout(0).aggregationStrategy(keepDataFile()).aggregateOnException(false)
                // no consumer cache: a cached consumer per data file would go on polling the server after use
                .cacheSize(-1).id(routeId + "-fetch-data")
                .process(e -> prepare(e, routeId, ackEndpoint)).id(routeId + "-read")
                .choice()
                    .when(exchangeProperty(FerryInboxRoute.WAITING).isEqualTo(true))
                        // not complete yet: leave both remote files where they are, look again next poll
                        .process(SftpSourceRoutes::leaveForNextPoll).id(routeId + "-wait")
                    .otherwise()
                        .to(BatchIntakeRoute.ENDPOINT).id(routeId + "-submit")
                        .process(e -> settled(e, archive, quarantine)).id(routeId + "-file")
                .end();

        // uploaded under a temporary name, then renamed: the sender never reads half an ACK; signed as the
        // local inbox's are (hub.ferry.ack-key-file: NAME.ack.json.sig uploaded first), by the same route
        FerryInboxRoute.ackRoute(this, routeId, ackEndpoint, ackSigner, sftp(id, s, server + s.getOutboundDir())
                .option("tempPrefix", ".writing-").option("fileExist", "Override").endpoint(getContext()), "-upload-ack");
    }

    /** The package waits for its data file: roll the poll back so both remote files stay (no log line). */
    private static void leaveForNextPoll(Exchange exchange) {
        exchange.setException(new LeaveForNextPoll("waiting for the data file"));
    }

    /** The source's SFTP folder: its login and pinned host key, its timeouts; the secrets on the endpoint object. */
    private static energyhub.routing.inbox.SftpEndpoint sftp(String id, FerrySource s, String folder) {
        return energyhub.routing.inbox.SftpEndpoint.at(folder)
                .user(FerryInboxRoute.required(id, "username", s.getUsername()))
                .password(s.getPassword())
                .privateKey(s.getPrivateKeyFile(), s.getPrivateKeyPassphrase())
                .knownHosts(FerryInboxRoute.required(id, "known-hosts-file", s.getKnownHostsFile()))
                .timeouts(s.getConnectTimeout(), s.getReadTimeout(), s.getServerAliveInterval());
    }

    private void manifestArrived(Exchange exchange) throws Exception {
        Path manifest = exchange.getMessage().getBody(File.class).toPath();
        String name = manifest.getFileName().toString();
        if (!IntakeNames.acceptable(name)) {
            throw new IllegalStateException("not a checked name: " + IntakeNames.escape(name));
        }
        exchange.setProperty(FerryFailures.FILE, name);
        keepRemoteTime(manifest, exchange);
        exchange.setProperty(MANIFEST_PATH, manifest);
        exchange.setProperty(DATA_NAME, name.substring(0, name.length() - FerryManifest.SUFFIX.length()));
    }

    /** The fetched data file stays in the work folder next to its manifest; the manifest's exchange goes on. */
    private static AggregationStrategy keepDataFile() {
        return (original, fetched) -> {
            if (fetched != null && fetched.getMessage().getBody() != null) {
                try {
                    keepRemoteTime(fetched.getMessage().getBody(File.class).toPath(), fetched);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            return original;
        };
    }

    /** The local copy gets the remote file's time, so "still arriving" and "stale" are judged by the server's clock. */
    private static void keepRemoteTime(Path local, Exchange exchange) throws java.io.IOException {
        Long modified = exchange.getMessage().getHeader(Exchange.FILE_LAST_MODIFIED, Long.class);
        if (modified != null && modified > 0 && Files.exists(local)) {
            Files.setLastModifiedTime(local, FileTime.fromMillis(modified));
        }
    }

    private void prepare(Exchange exchange, String routeId, String ackEndpoint) throws Exception {
        Path manifest = exchange.getProperty(MANIFEST_PATH, Path.class);
        String dataName = exchange.getProperty(DATA_NAME, String.class);
        String refused = refusedData.remove(routeId + "/" + dataName);
        BatchSubmission submission;
        if (refused != null) {
            submission = new BatchSubmission("", routeId, dataName, null, null, null, null, null, ackEndpoint,
                    dataName + ".ack.json", null).rejected("file", UntrustedFileFilter.NOT_REGULAR_FILE,
                    dataName + " is " + refused + "; it is not fetched");
            log.warn("{}: {} refused on the server ({}); answered REJECTED", routeId, dataName, refused);
        } else {
            submission = packages.prepare(manifest, routeId, ackEndpoint).orElse(null);
        }
        if (submission == null) {
            // not an error, and no null body (Camel would load the file again as the body): a property
            backlog.waitingForData(routeId, manifest);
            exchange.setProperty(FerryInboxRoute.WAITING, true);
        } else {
            backlog.done(routeId, manifest);
            exchange.getMessage().setBody(submission);
        }
    }

    private void settled(Exchange exchange, Path archive, Path quarantine) throws Exception {
        IntakeOutcome outcome = exchange.getMessage().getBody(IntakeOutcome.class);
        if (!exchange.getProperty(BatchIntakeRoute.ANSWERED, false, Boolean.class)) {
            // staged, but a target is not done yet: the delivery sweep finishes it; the remote files
            // stay (and are re-read as RESUMED) until the batch is settled and answered
            log.info("{}: batch #{} is not settled yet; its remote files stay until it is",
                    exchange.getFromRouteId(), outcome.batchPk());
            exchange.setException(new LeaveForNextPoll("batch #" + outcome.batchPk() + " not answered yet"));
            return;
        }
        packages.file(exchange.getProperty(MANIFEST_PATH, Path.class), outcome, archive, quarantine);
        failures.succeeded(exchange.getFromRouteId(), exchange.getProperty(FerryFailures.FILE, String.class));
    }
}

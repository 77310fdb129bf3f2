package energyhub.ferry;

import energyhub.routing.BatchIntakeRoute;
import energyhub.routing.BatchSubmission;
import energyhub.routing.IntakeOutcome;
import java.io.File;
import energyhub.routing.inbox.IntakeNames;
import energyhub.routing.inbox.UntrustedFileFilter;
import java.nio.file.Path;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * Ferry packages from the local inbox the gate (网闸) fills ({@code ferry-inbox}), and their ACK
 * files back to the outbox ({@code ferry-inbox-ack}). Only manifests are picked up: a data file is
 * never read before its manifest exists. Files stay in the inbox until the routing core has
 * staged or refused the batch, so a crash at any point leaves them to be read again. Further local
 * inboxes declared under {@code hub.ferry.sources} (type local) get the same routes as {@code ferry-{id}}.
 */
@Component
public class FerryInboxRoute extends RouteBuilder {

    public static final String ROUTE_ID = "ferry-inbox";
    public static final String ACK_ENDPOINT = "direct:" + ROUTE_ID + "-ack";
    private static final String MANIFEST_PATH = "ferryManifestPath";

    private final FerryProperties properties;
    private final FerryPackages packages;
    private final FerryFailures failures;
    private final FerryBacklog backlog;
    private final energyhub.routing.cluster.IntakeClaims claims;
    private final energyhub.ferry.signing.AckSigner ackSigner;

    public FerryInboxRoute(FerryProperties properties, FerryPackages packages, FerryFailures failures,
            FerryBacklog backlog, energyhub.routing.cluster.IntakeClaims claims,
            energyhub.ferry.signing.AckSigner ackSigner) {
        this.claims = claims;
        this.ackSigner = ackSigner;
        this.properties = properties;
        this.packages = packages;
        this.failures = failures;
        this.backlog = backlog;
    }

    @Override
    public void configure() {
        localInbox(ROUTE_ID, properties.getInbox(), properties.getOutbox(), Path.of(properties.getArchive()),
                Path.of(properties.getQuarantine()), properties.getPollInterval().toMillis());
        // further local inboxes of hub.ferry.sources: the same route under their own ids and folders
        properties.getSources().forEach((id, source) -> {
            if (source.getType() == FerrySource.Type.LOCAL && source.isEnabled()) {
                String routeId = SftpSourceRoutes.routeId(id);
                localInbox(routeId, required(id, "inbox", source.getInbox()), required(id, "outbox", source.getOutbox()),
                        Path.of(properties.getArchive(), id), Path.of(properties.getQuarantine(), id),
                        source.getPollInterval().toMillis());
            }
        });
    }

    private void localInbox(String routeId, String inbox, String outbox, Path archive, Path quarantine, long delay) {
        String ackEndpoint = "direct:" + routeId + "-ack";
        Path inboxDir = Path.of(inbox).toAbsolutePath();
        // every entry is judged by its own name and type (lstat) before Camel takes a read lock or reads a
        // byte: bad names and links, FIFOs, directories named *.manifest are answered and quarantined
        // unread; data files are left for their manifest; a file in its failure back-off waits
        String filter = routeId + "-filter";
        FerryLanes lanes = new FerryLanes(getContext(), routeId, inboxDir, properties);
        bindToRegistry(routeId + "-lanes", lanes);
        bindToRegistry(filter, UntrustedFileFilter.local(routeId, name -> name.endsWith(FerryManifest.SUFFIX),
                name -> failures.held(routeId, name) || lanes.full(name),
                refusal -> packages.refuse(refusal, routeId + " " + inboxDir, ackEndpoint, quarantine, core())));
        // the clustered read lock: several hubs may read this inbox; a manifest is read by the one hub
        // whose claim (a row in PostgreSQL, keyed by the manifest's name) got in first
        String claimsBean = routeId + "-claims";
        bindToRegistry(claimsBean, claims.forRoute(getContext(), routeId));
        // noop + no idempotent repository: a package that is not complete yet is looked at again on the
        // next poll; a finished one is gone from the inbox (archived or quarantined) by then.
        // readLock=idempotent: the claim only, no minimum age: a manifest is read at once, and one that is
        // not complete JSON yet (still being written) waits until hub.ferry.manifest-min-age before it is
        // answered BAD_MANIFEST (FerryPackages.prepare); so live data is answered within a poll or two. No
        // marker file (NAME.camelLock would not fit the file system for long names, and writes into the inbox).
        // The claim is given up when the exchange ends (commit: the package was answered and moved, or it
        // waits for its data; rollback: it failed and is retried), after claim-release-delay so that a hub
        // that listed the manifest just before it moved finds it gone; a dead hub's claim lapses after
        // hub.cluster.claim-max-age.
        from("file:" + inbox + "?noop=true&idempotent=false&filter=#" + filter
                + "&readLock=idempotent&idempotentRepository=#" + claimsBean + "&idempotentKey=${file:onlyname}"
                + "&readLockRemoveOnCommit=true&readLockRemoveOnRollback=true"
                + "&readLockIdempotentReleaseDelay=" + claims.properties().getClaimReleaseDelay().toMillis()
                + "&readLockIdempotentReleaseAsync=true&readLockIdempotentReleaseAsyncPoolSize=1"
                // idempotentEager=false: otherwise, when a poll ends with files it did not get to, Camel removes
                // their names from this repository (idempotentEager defaults to true even with idempotent=false),
                // deleting the claims other hubs hold on them
                + "&idempotentEager=false"
                + "&readLockMarkerFile=false&readLockLoggingLevel=OFF"
                + "&sortBy=file:modified&delay=" + delay)
                .routeId(routeId)
                .routeConfigurationId(FerryFailurePolicy.ID)
                // a large package continues on the backlog lane (FerryLanes), a small one on this thread
                .choice().id(routeId + "-lane")
                    .when(method(lanes, "isBacklog"))
                        .threads().executorService(lanes.backlogLane()).callerRunsWhenRejected(false)
                            .id(routeId + "-backlog-lane")
                        .bean(lanes, "started").id(routeId + "-backlog-started")
                        .setProperty(ON_BACKLOG_LANE, constant(true)).id(routeId + "-backlog-marked")
                    // threads has no block of its own: this end() leaves it for the when, the next one ends the choice
                    // (with one, what follows would be added to the when and a small package would do nothing)
                    .end()
                .end()
                // a live package continues on the live lane, or on this thread when that lane is full
                .choice().id(routeId + "-live-lane-choice")
                    .when(exchangeProperty(ON_BACKLOG_LANE).isNull())
                        .threads().executorService(lanes.liveLane()).callerRunsWhenRejected(true)
                            .id(routeId + "-live-lane")
                    .end()
                .end()
                .process(exchange -> prepare(exchange, inboxDir, routeId, ackEndpoint)).id(routeId + "-read")
                .choice()
                    .when(exchangeProperty(WAITING).isEqualTo(true))
                        // waiting for its data file: not an error, listed by the operator API
                        .process(exchange -> backlog.waitingForData(routeId,
                                exchange.getProperty(MANIFEST_PATH, Path.class))).id(routeId + "-wait")
                    .otherwise()
                        .to(BatchIntakeRoute.ENDPOINT).id(routeId + "-submit")
                        .process(exchange -> file(exchange, routeId, archive, quarantine)).id(routeId + "-file")
                .end();

        // written under a temporary name, then renamed: the gate never carries half an ACK
        ackRoute(this, routeId, ackEndpoint, ackSigner,
                getContext().getEndpoint("file:" + outbox + "?tempPrefix=.writing-&fileExist=Override"), "-write-ack");
    }

    /**
     * The ACK route of a ferry source, the local inbox's and an SFTP exchange server's alike ({@code {routeId}-ack}):
     * the ACK is split into its files ({@link energyhub.ferry.signing.AckSigner#files}): with
     * hub.ferry.ack-key-file, {@code NAME.ack.json.sig} first (the hub's signature of the ACK's exact bytes), then
     * {@code NAME.ack.json}; both through the source's one writer, in that order, the second only once the first
     * is written. Each file is a message of its own (its name and bytes only), so nothing of the exchange that
     * asked for the ACK (an SFTP poll's CamelFile* headers, its local work file) steers the writer.
     */
    static void ackRoute(RouteBuilder builder, String routeId, String ackEndpoint,
            energyhub.ferry.signing.AckSigner signer, org.apache.camel.Endpoint writer, String writeId) {
        builder.from(ackEndpoint).routeId(routeId + "-ack")
                .split(builder.method(signer, "files")).stopOnException().id(routeId + "-sign-ack")
                    .to(writer).id(routeId + writeId)
                .end();
    }

    private org.apache.camel.ProducerTemplate core;

    /** One template for the refusals of all local inboxes (answers through the routing core). */
    private synchronized org.apache.camel.ProducerTemplate core() {
        if (core == null) {
            core = getContext().createProducerTemplate();
        }
        return core;
    }

    static String required(String id, String name, String value) {
        if (value == null || value.isBlank()) {
            throw new energyhub.routing.HubConfigurationException("hub.ferry.sources." + id + "." + name, "is not set",
                    "give it in the source's configuration (README, \"Exchange servers\"; application.yml lists every option)");
        }
        return value;
    }

    /** Exchange property: the package went to the backlog lane. */
    static final String ON_BACKLOG_LANE = "ferryBacklogLane";

    /** Exchange property: the package is not complete yet (its data file has not arrived, or is still growing). */
    static final String WAITING = "ferryWaiting";

    private void prepare(Exchange exchange, Path inboxDir, String routeId, String ackEndpoint) throws Exception {
        // the name as listed, checked by the filter; the path is built from it, never from Camel's
        // normalised path (which turns a '\\' in a name into a directory separator)
        String name = exchange.getMessage().getBody(File.class).getName();
        exchange.setProperty(FerryFailures.FILE, name);
        Path manifest = inboxDir.resolve(name);
        if (!manifest.getParent().equals(inboxDir)) {
            throw new IllegalStateException("not an inbox entry: " + IntakeNames.escape(name));
        }
        exchange.setProperty(MANIFEST_PATH, manifest);
        BatchSubmission submission = packages.prepare(manifest, routeId, ackEndpoint).orElse(null);
        if (submission == null) {
            // a null body would make Camel load the file again as the body: say so by a property instead
            exchange.setProperty(WAITING, true);
        } else {
            backlog.done(routeId, manifest);
            exchange.getMessage().setBody(submission);
        }
    }

    private void file(Exchange exchange, String routeId, Path archive, Path quarantine) throws Exception {
        packages.file(exchange.getProperty(MANIFEST_PATH, Path.class),
                exchange.getMessage().getBody(IntakeOutcome.class), archive, quarantine);
        failures.succeeded(routeId, exchange.getProperty(FerryFailures.FILE, String.class));
    }
}

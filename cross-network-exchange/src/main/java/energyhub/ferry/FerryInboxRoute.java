package energyhub.ferry;

import energyhub.routing.BatchIntakeRoute;
import energyhub.routing.BatchSubmission;
import energyhub.routing.IntakeOutcome;
import java.io.File;
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

    public FerryInboxRoute(FerryProperties properties, FerryPackages packages) {
        this.properties = properties;
        this.packages = packages;
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
        // noop + no idempotent repository: a package that is not complete yet is looked at again on the
        // next poll; a finished one is gone from the inbox (archived or quarantined) by then.
        // readLock=changed with a minimum age: a manifest still being written is not read.
        from("file:" + inbox + "?include=.*\\.manifest&noop=true&idempotent=false"
                + "&readLock=changed&readLockMinAge=" + properties.getManifestMinAge().toMillis()
                + "&readLockCheckInterval=250&readLockTimeout=5000"
                + "&sortBy=file:modified&delay=" + delay)
                .routeId(routeId)
                .process(exchange -> prepare(exchange, routeId, ackEndpoint)).id(routeId + "-read")
                .filter(body().isNotNull())
                    .to(BatchIntakeRoute.ENDPOINT).id(routeId + "-submit")
                    .process(exchange -> file(exchange, archive, quarantine)).id(routeId + "-file")
                .end();

        from(ackEndpoint).routeId(routeId + "-ack")
                .setHeader(Exchange.FILE_NAME, header("hubAckRef"))
                // written under a temporary name, then renamed: the gate never carries half an ACK
                .to("file:" + outbox + "?tempPrefix=.writing-&fileExist=Override&charset=utf-8")
                    .id(routeId + "-write-ack");
    }

    static String required(String id, String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("hub.ferry.sources." + id + "." + name + " is not set");
        }
        return value;
    }

    private void prepare(Exchange exchange, String routeId, String ackEndpoint) throws Exception {
        Path manifest = exchange.getMessage().getBody(File.class).toPath();
        exchange.setProperty(MANIFEST_PATH, manifest);
        BatchSubmission submission = packages.prepare(manifest, routeId, ackEndpoint).orElse(null);
        exchange.getMessage().setBody(submission);
    }

    private void file(Exchange exchange, Path archive, Path quarantine) throws Exception {
        packages.file(exchange.getProperty(MANIFEST_PATH, Path.class),
                exchange.getMessage().getBody(IntakeOutcome.class), archive, quarantine);
    }
}

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
 * staged or refused the batch, so a crash at any point leaves them to be read again.
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
        // noop + no idempotent repository: a package that is not complete yet is looked at again on the
        // next poll; a finished one is gone from the inbox (archived or quarantined) by then.
        // readLock=changed with a minimum age: a manifest still being written is not read.
        from("file:" + properties.getInbox() + "?include=.*\\.manifest&noop=true&idempotent=false"
                + "&readLock=changed&readLockMinAge=" + properties.getManifestMinAge().toMillis()
                + "&readLockCheckInterval=250&readLockTimeout=5000"
                + "&sortBy=file:modified&delay=" + properties.getPollInterval().toMillis())
                .routeId(ROUTE_ID)
                .process(this::prepare).id("ferry-inbox-read")
                .filter(body().isNotNull())
                    .to(BatchIntakeRoute.ENDPOINT).id("ferry-inbox-submit")
                    .process(this::file).id("ferry-inbox-file")
                .end();

        from(ACK_ENDPOINT).routeId(ROUTE_ID + "-ack")
                .setHeader(Exchange.FILE_NAME, header("hubAckRef"))
                // written under a temporary name, then renamed: the gate never carries half an ACK
                .to("file:" + properties.getOutbox() + "?tempPrefix=.writing-&fileExist=Override&charset=utf-8")
                    .id("ferry-inbox-write-ack");
    }

    private void prepare(Exchange exchange) throws Exception {
        Path manifest = exchange.getMessage().getBody(File.class).toPath();
        exchange.setProperty(MANIFEST_PATH, manifest);
        BatchSubmission submission = packages.prepare(manifest, ROUTE_ID, ACK_ENDPOINT).orElse(null);
        exchange.getMessage().setBody(submission);
    }

    private void file(Exchange exchange) throws Exception {
        packages.file(exchange.getProperty(MANIFEST_PATH, Path.class),
                exchange.getMessage().getBody(IntakeOutcome.class));
    }
}

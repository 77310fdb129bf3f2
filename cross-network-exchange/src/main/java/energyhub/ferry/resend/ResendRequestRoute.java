package energyhub.ferry.resend;

import energyhub.ferry.FerryProperties;
import energyhub.routing.quality.QualityProperties;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * 补传 requests into the ferry outbox (docs/resend-request.md). {@code direct:quality-resend-requests}
 * (route {@code quality-resend-requests-write}) writes one package per sender with holes and answers a
 * {@link ResendRequests.Summary}; the operator API calls it on demand. Route {@code quality-resend-requests}
 * runs it on {@code hub.quality.resend-cron} through Quartz's clustered JDBC job store, so that one hub of a
 * cluster writes them; with an empty cron there is no such route.
 */
@Component
public class ResendRequestRoute extends RouteBuilder {

    public static final String ROUTE_ID = "quality-resend-requests";
    public static final String ENDPOINT = "direct:" + ROUTE_ID;
    public static final String WRITE_ROUTE_ID = ROUTE_ID + "-write";

    private final ResendRequests requests;
    private final QualityProperties quality;
    private final FerryProperties ferry;

    public ResendRequestRoute(ResendRequests requests, QualityProperties quality, FerryProperties ferry) {
        this.requests = requests;
        this.quality = quality;
        this.ferry = ferry;
    }

    @Override
    public void configure() {
        String cron = quality.getResendCron();
        if (cron != null && !cron.isBlank()) {
            from("quartz://quality/resend-requests?cron=" + cron.trim().replaceAll("\\s+", "+") + "&stateful=true")
                    .routeId(ROUTE_ID)
                    .routeConfigurationId(ResendFailurePolicy.SCHEDULED)
                    .setHeader(ResendRequests.REQUESTED_BY, constant("schedule"))
                    .to(ENDPOINT).id("quality-resend-scheduled-run");
        }

        // each file under a temporary name, then renamed (the gate never carries half a file); the data file
        // before its manifest; a name already in the outbox is never overwritten
        String outbox = "file:" + ferry.getOutbox() + "?tempPrefix=.writing-&fileExist=Fail";
        from(ENDPOINT).routeId(WRITE_ROUTE_ID)
                .routeConfigurationId(ResendFailurePolicy.WRITE)
                .bean(requests, "plan").id("quality-resend-plan")
                .split(method(requests, "packages")).stopOnException().id("quality-resend-each-package")
                    .setProperty(ResendRequests.PACKAGE, body())
                    .bean(requests, "dataFile").id("quality-resend-data-file")
                    .to(outbox).id("quality-resend-write-data")
                    .bean(requests, "manifestFile").id("quality-resend-manifest-file")
                    .to(outbox).id("quality-resend-write-manifest")
                    .bean(requests, "written").id("quality-resend-record")
                .end()
                .bean(requests, "summary").id("quality-resend-summary");
    }
}

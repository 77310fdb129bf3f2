package energyhub.ferry.resend;

import energyhub.routing.quality.ResendLog;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import org.apache.camel.ProducerTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * 补传 requests on demand (operator) and the list of those written (viewer): the cockpit's web security
 * guards {@code /api/operator/**} (GET for viewers, anything else for operators); this controller checks nothing.
 */
@RestController
@RequestMapping(path = "/api/operator/quality/resend-requests", produces = "application/json")
public class ResendRequestController {

    private final ProducerTemplate camel;
    private final ResendLog ledger;

    public ResendRequestController(ProducerTemplate camel, ResendLog ledger) {
        this.camel = camel;
        this.ledger = ledger;
    }

    /** Writes the 补传 requests due now (as the scheduled run does) and answers what was written. */
    @PostMapping
    public ResendRequests.Summary request(Principal principal) {
        return camel.requestBodyAndHeader(ResendRequestRoute.ENDPOINT, null, ResendRequests.REQUESTED_BY,
                principal == null ? "operator-api" : "operator:" + principal.getName(), ResendRequests.Summary.class);
    }

    /** The requests written, newest first. */
    @GetMapping
    public List<Map<String, Object>> list(@RequestParam(defaultValue = "100") int limit) {
        return ledger.requests(Math.max(1, Math.min(limit, 1000)));
    }
}

package energyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import energyhub.e2e.support.FerryPackage;
import energyhub.e2e.support.HubTest;
import energyhub.routing.BatchIntakeRoute;
import energyhub.routing.BatchSubmission;
import energyhub.routing.IntakeOutcome;
import energyhub.routing.NumberedLine;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The routing core's entry as an intake other than a file uses it: request-reply, its own ACK endpoint. */
class BatchIntakeApiTest extends HubTest {

    @Autowired
    ProducerTemplate producer;

    @Test
    void requestReplySubmissionIsDeliveredToBothQueuesAndAnsweredOnItsAckEndpoint() throws Exception {
        String batchId = UUID.randomUUID().toString();
        MockEndpoint ack = camel.getEndpoint("mock:api-ack", MockEndpoint.class);
        ack.expectedMessageCount(1);
        ack.expectedHeaderReceived("hubAckRef", "client-7");
        BatchSubmission submission = new BatchSubmission(batchId, "api-test", null, null, null, null, null,
                () -> Stream.of(new NumberedLine(1, FerryPackage.record(FerryPackage.ENTERPRISE, 1, "1.5")),
                        new NumberedLine(2, "[]")),
                "mock:api-ack", "client-7", null);

        IntakeOutcome outcome = producer.requestBody(BatchIntakeRoute.ENDPOINT, submission, IntakeOutcome.class);

        assertThat(outcome.disposition()).isEqualTo(IntakeOutcome.Disposition.STAGED);
        ack.assertIsSatisfied();
        JsonNode answer = JSON.readTree(ack.getReceivedExchanges().get(0).getMessage().getBody(String.class));
        assertThat(answer.get("status").asText()).isEqualTo("PARTIAL");
        assertThat(answer.get("errors").get(0).get("line").asInt()).isEqualTo(2);
        // the answer came after both copies were stored
        assertThat(national.browse(batchId)).hasSize(1).allMatch(m -> m.records() == 1 && m.source().equals("api-test"));
        assertThat(provincial.browse(batchId)).hasSize(1);
    }
}

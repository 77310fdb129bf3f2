package energyhub.supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A heat API that cannot be reached is reported with what happened, not the JDK's "ConnectException: null". */
class HeatUnreachableTest {

    @Test
    void aRefusedConnectionIsNamedAsSuch() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + closedPort + "/api/v1/heat-usage"))
                .timeout(Duration.ofSeconds(5)).build();
        ConnectException refused = catchThrowableOfType(ConnectException.class,
                () -> HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()));
        assertThat(refused.getMessage()).as("what the JDK says by itself").isNull();
        assertThat(HeatPull.unreachable(refused)).isEqualTo("no connection (refused or unreachable) (ConnectException)");
    }

    @Test
    void aMessageTheExceptionHasIsKept() {
        assertThat(HeatPull.unreachable(new IOException("Connection reset")))
                .isEqualTo("the connection failed (IOException: Connection reset)");
    }
}

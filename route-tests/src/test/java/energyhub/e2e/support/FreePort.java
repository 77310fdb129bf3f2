package energyhub.e2e.support;

import java.io.IOException;
import java.net.ServerSocket;

public final class FreePort {
    private FreePort() {
    }

    public static int next() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

package energyhub.monitoring.security;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Bounds on what reaches Jolokia, whichever path leads there: a POST body of at most {@value #MAX_BODY}
 * bytes (Jolokia would read any size into memory), and no proxy request (a {@code target} anywhere in
 * the body: the hub offers no JSR-160 proxy, whose service is not in the build, and says so instead of
 * answering from its own JVM). Who may do what is not decided here but by {@link CockpitJolokiaRestrictor},
 * on the request as Jolokia parsed it.
 */
final class JolokiaRequestLimits extends OncePerRequestFilter {

    static final int MAX_BODY = 2 * 1024 * 1024;
    private static final JsonFactory JSON = new JsonFactory();

    private final BiConsumer<HttpServletRequest, String> refused;

    JolokiaRequestLimits(BiConsumer<HttpServletRequest, String> refused) {
        this.refused = refused;
    }

    /** The three ways into the one Jolokia servlet: its own path, Hawtio's and the Artemis console's forwards. */
    static final java.util.List<String> PATHS = java.util.List.of("/actuator/jolokia", "/actuator/hawtio/jolokia",
            "/artemis-console/jolokia");

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return PATHS.stream().noneMatch(p -> path.equals(p) || path.startsWith(p + "/"));
    }

    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return true;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!"POST".equalsIgnoreCase(request.getMethod())) {
            chain.doFilter(request, response);
            return;
        }
        byte[] body = request.getInputStream().readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            refused.accept(request, "jolokia request over " + MAX_BODY + " bytes");
            response.sendError(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
                    "a Jolokia request may have at most " + MAX_BODY + " bytes");
            return;
        }
        if (namesATarget(body)) {
            refused.accept(request, "jolokia proxy request (target)");
            response.sendError(HttpServletResponse.SC_FORBIDDEN, "this hub is no JMX proxy: 'target' is refused");
            return;
        }
        chain.doFilter(new CachedBody(request, body), response);
    }

    /** Whether any object in the JSON has a "target" member (at any depth; unparsable JSON is left to Jolokia). */
    static boolean namesATarget(byte[] body) {
        try (JsonParser parser = JSON.createParser(body)) {
            for (JsonToken t = parser.nextToken(); t != null; t = parser.nextToken()) {
                if (t == JsonToken.FIELD_NAME && "target".equals(parser.currentName())) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false; // Jolokia answers the malformed request itself
        }
    }

    /** The request with its body read once here and replayed to Jolokia. */
    private static final class CachedBody extends HttpServletRequestWrapper {
        private final byte[] body;

        CachedBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException();
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            String enc = getCharacterEncoding();
            return new BufferedReader(new InputStreamReader(getInputStream(),
                    enc == null ? StandardCharsets.UTF_8 : java.nio.charset.Charset.forName(enc)));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}

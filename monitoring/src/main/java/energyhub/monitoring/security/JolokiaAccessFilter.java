package energyhub.monitoring.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Read-only Jolokia for viewers: a viewer's request (GET path or POST body, single or bulk) may only
 * read, search, list and ask the version, and exec only operations that report (dump..., get...,
 * list..., browse..., count..., can..., is...) or Hawtio's own security MBeans (the console asks them
 * which operations the user may invoke). Writes and other operations get 403, audited.
 * Operators pass unchanged.
 */
public class JolokiaAccessFilter extends OncePerRequestFilter {

    static final String PATH = "/actuator/jolokia";
    private static final Set<String> READ_TYPES = Set.of("read", "search", "list", "version");
    /**
     * Operations that only report (by the JMX naming convention Camel and Artemis follow): the console
     * needs them to show route diagrams, statistics and message lists.
     */
    private static final Pattern READ_ONLY_OPERATION =
            Pattern.compile("(dump|get|list|browse|count|can)[A-Za-z0-9]*(\\(.*\\))?|is[A-Z][A-Za-z0-9]*(\\(.*\\))?");
    private static final int MAX_BODY = 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BiConsumer<HttpServletRequest, String> denied;

    /**
     * Whether a viewer may invoke this operation (a name, with or without its signature) of this MBean:
     * a reporting operation, or any of Hawtio's own MBeans. HubJmxSecurity tells the console the same.
     */
    static boolean viewerMayInvoke(String mbean, String operation) {
        return mbean.startsWith("hawtio:") || READ_ONLY_OPERATION.matcher(operation).matches();
    }

    /** @param denied told the request and why, so the refusal is audited */
    public JolokiaAccessFilter(BiConsumer<HttpServletRequest, String> denied) {
        this.denied = denied;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return !(path.equals(PATH) || path.startsWith(PATH + "/"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        boolean operator = auth != null && auth.getAuthorities().stream()
                .anyMatch(a -> a.getAuthority().equals("ROLE_" + Roles.OPERATOR));
        if (operator) {
            chain.doFilter(request, response);
            return;
        }
        List<String[]> calls = new ArrayList<>(); // {type, mbean, operation or attribute}
        HttpServletRequest forward = request;
        if ("POST".equalsIgnoreCase(request.getMethod())) {
            byte[] body = request.getInputStream().readNBytes(MAX_BODY + 1);
            if (body.length > MAX_BODY) {
                response.sendError(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE);
                return;
            }
            JsonNode json;
            try {
                json = JSON.readTree(body);
            } catch (IOException e) {
                response.sendError(HttpServletResponse.SC_BAD_REQUEST, "not a Jolokia request");
                return;
            }
            for (JsonNode call : json != null && json.isArray() ? json : List.of(json == null ? JSON.nullNode() : json)) {
                calls.add(new String[] {call.path("type").asText(""), call.path("mbean").asText(""),
                        call.path("operation").asText(call.path("attribute").asText(""))});
            }
            forward = new CachedBody(request, body);
        } else {
            String p = request.getParameter("p");
            String rest = p != null ? p : request.getRequestURI().substring(request.getContextPath().length()
                    + PATH.length());
            String[] parts = rest.replaceFirst("^/+", "").split("/", 3);
            String type = parts[0].isEmpty() ? "version" : parts[0];
            String[] more = parts.length > 2 ? parts[2].split("/", 2) : new String[] {""};
            calls.add(new String[] {type, parts.length > 1 ? java.net.URLDecoder.decode(parts[1],
                    StandardCharsets.UTF_8) : "", more[0]});
        }
        for (String[] call : calls) {
            String type = call[0].toLowerCase();
            boolean allowed = READ_TYPES.contains(type) || ("exec".equals(type) && viewerMayInvoke(call[1], call[2]));
            if (!allowed) {
                denied.accept(request, "jolokia " + type + " " + call[1] + " " + call[2]);
                response.sendError(HttpServletResponse.SC_FORBIDDEN, "viewers may only read: " + type
                        + " needs the operator role");
                return;
            }
        }
        chain.doFilter(forward, response);
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
                public int read() throws IOException {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
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
            String enc = getCharacterEncoding() == null ? "UTF-8" : getCharacterEncoding();
            return new BufferedReader(new InputStreamReader(getInputStream(), java.nio.charset.Charset.forName(enc)));
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

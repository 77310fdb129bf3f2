package energyhub.monitoring.console;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Serves Artemis's own console (a Hawtio app with the Artemis plugin, unpacked from the
 * artemis-console war into static/artemis-console) at {@value #PATH}/, behind the cockpit's login.
 * The app asks its Hawtio back end relative to its base URL; those calls are forwarded to the hub's
 * Hawtio endpoint and Jolokia, so it sees the embedded broker through the same read-only-for-viewers
 * Jolokia as Hawtio. Its page routes get its index page (base URL rewritten to where it is served);
 * its scripts, styles and images are plain static files.
 */
final class ArtemisConsoleFilter extends OncePerRequestFilter {

    static final String PATH = "/artemis-console";
    /** What a Hawtio app asks its back end: the user, login/logout, plugins, the proxy switch. */
    private static final Pattern HAWTIO_BACKEND = Pattern.compile("/(user|refresh|plugin|auth/.+|keycloak/.+|proxy/.+)");
    private static final Pattern JOLOKIA = Pattern.compile("/jolokia(/.*)?");
    private static final Pattern BASE_TAG = Pattern.compile("<base href=\"[^\"]*\"\\s*/?>");

    private final String hawtioPath;
    private final String jolokiaPath;
    /** The console's index page, or null when the build left the console out. */
    private final String indexPage;

    ArtemisConsoleFilter(String hawtioPath, String jolokiaPath, String indexPage) {
        this.hawtioPath = hawtioPath;
        this.jolokiaPath = jolokiaPath;
        this.indexPage = indexPage;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = path(request);
        return !(path.equals(PATH) || path.startsWith(PATH + "/"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String rest = path(request).substring(PATH.length());
        if (rest.isEmpty()) {
            response.sendRedirect(request.getContextPath() + PATH + "/");
            return;
        }
        Matcher jolokia = JOLOKIA.matcher(rest);
        if (jolokia.matches()) {
            forward(request, response, jolokiaPath + (jolokia.group(1) == null ? "" : jolokia.group(1)));
        } else if (HAWTIO_BACKEND.matcher(rest).matches()) {
            forward(request, response, hawtioPath + rest);
        } else if (isPage(rest)) {
            if (indexPage == null) {
                response.sendError(HttpServletResponse.SC_NOT_FOUND, "this build has no Artemis console");
                return;
            }
            response.setContentType("text/html;charset=UTF-8");
            response.setHeader("Cache-Control", "no-store");
            String base = request.getContextPath() + PATH + "/";
            String page = BASE_TAG.matcher(indexPage)
                    .replaceFirst(Matcher.quoteReplacement("<base href=\"" + base + "\"/>"));
            response.getWriter().write(withWayBack(page, request.getContextPath() + hawtioPath + "/camel/routes"));
        } else {
            chain.doFilter(request, response);
        }
    }

    /**
     * The console loads no plugins but its own, so its navigation cannot name the hub's Camel routes:
     * a link of the hub's, pinned to the foot of the page, leads back to them in Hawtio.
     */
    static String withWayBack(String page, String camelRoutes) {
        String link = "<a id=\"hub-camel-routes\" href=\"" + camelRoutes + "\" style=\"position:fixed;left:1rem;"
                + "bottom:1rem;z-index:10000;padding:.4rem .8rem;border-radius:3px;background:#0066cc;color:#fff;"
                + "font:14px RedHatText,sans-serif;text-decoration:none\">&larr; Camel routes (hub console)</a>";
        int end = page.lastIndexOf("</body>");
        return end < 0 ? page + link : page.substring(0, end) + link + page.substring(end);
    }

    /** The app's own routes (no file extension) and its index page; everything else is a file. */
    private static boolean isPage(String rest) {
        String last = rest.substring(rest.lastIndexOf('/') + 1);
        return last.isEmpty() || last.equals("index.html") || last.indexOf('.') < 0;
    }

    private static void forward(HttpServletRequest request, HttpServletResponse response, String target)
            throws ServletException, IOException {
        String query = request.getQueryString();
        request.getRequestDispatcher(query == null ? target : target + "?" + query).forward(request, response);
    }

    private static String path(HttpServletRequest request) {
        return request.getRequestURI().substring(request.getContextPath().length());
    }
}

package energyhub.monitoring.security;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.Locale;
import java.util.function.BiConsumer;
import javax.management.ObjectName;
import org.jolokia.server.core.service.api.Restrictor;
import org.jolokia.server.core.util.HttpMethod;
import org.jolokia.server.core.util.RequestType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Jolokia's own access check for the cockpit (a Spring bean, which Jolokia's Spring Boot support hands
 * to its servlet). Jolokia calls it after it has parsed a request, whichever form the request came in
 * (path, {@code ?p=}, POST body, bulk) and through whichever entry point ({@code /actuator/jolokia},
 * Hawtio's {@code /actuator/hawtio/jolokia}, the Artemis console's {@code /artemis-console/jolokia}
 * all end in the one Jolokia servlet), so the decision is made about the request that runs.
 *
 * <p>It runs on the request's thread, behind Spring Security: the user comes from the security
 * context, the HTTP method and the page's origin from the request. The rule is {@link CockpitJmxPolicy}.
 * {@code exec} and {@code write} need a POST (which the CSRF check covers), {@code write} the operator role;
 * notifications (listeners registered on the hub's behalf) are nobody's. A browser page of another
 * origin is not answered, and its origin is never reflected in CORS headers. Each refusal is audited.
 */
public class CockpitJolokiaRestrictor implements Restrictor {

    private static final Logger log = LoggerFactory.getLogger(CockpitJolokiaRestrictor.class);

    /** Told the user and what was refused, for the audit trail. */
    private final BiConsumer<String, String> denied;

    public CockpitJolokiaRestrictor(BiConsumer<String, String> denied) {
        this.denied = denied;
    }

    @Override
    public boolean isHttpMethodAllowed(HttpMethod method) {
        return method == HttpMethod.GET || method == HttpMethod.POST;
    }

    /** Jolokia asks this of list and search only; exec and write are judged per MBean below. */
    @Override
    public boolean isTypeAllowed(RequestType type) {
        boolean allowed = switch (type) {
            case READ, LIST, SEARCH, VERSION, EXEC, WRITE -> true;
            default -> false; // notifications, config: not offered over the cockpit
        };
        return refuseUnless(allowed, type.getName(), "", "");
    }

    @Override
    public boolean isAttributeReadAllowed(ObjectName mbean, String attribute) {
        return refuseUnless(CockpitJmxPolicy.mayRead(mbean, attribute, operator()), "read", mbean, attribute);
    }

    @Override
    public boolean isAttributeWriteAllowed(ObjectName mbean, String attribute) {
        return refuseUnless(post() && CockpitJmxPolicy.mayWrite(mbean, attribute, operator()), "write", mbean,
                attribute);
    }

    @Override
    public boolean isOperationAllowed(ObjectName mbean, String operation) {
        return refuseUnless(post() && CockpitJmxPolicy.mayInvoke(mbean, operation, operator()), "exec", mbean,
                operation);
    }

    /** Actions come by POST only, which the CSRF check covers; a GET (a link, an image) never acts. */
    private static boolean post() {
        return "POST".equals(method());
    }

    /** The cockpit is reached directly: Jolokia's own host check stays open, Spring Security guards it. */
    @Override
    public boolean isRemoteAccessAllowed(String... hostOrAddress) {
        return true;
    }

    /**
     * Only the hub's own pages: a request without an Origin (a script, a same-origin GET) passes, a request
     * whose Origin is not the host it was sent to does not, and no foreign origin is ever echoed in CORS headers.
     */
    @Override
    public boolean isOriginAllowed(String origin, boolean onlyWhenStrictCheckingIsEnabled) {
        if (origin == null || origin.isBlank()) {
            return true;
        }
        HttpServletRequest request = request();
        boolean same = request != null && sameOrigin(origin, request);
        if (!same) {
            refuseUnless(false, "origin", origin, "");
        }
        return same;
    }

    /** Hidden from list and search: what nobody may touch over HTTP. */
    @Override
    public boolean isObjectNameHidden(ObjectName name) {
        return CockpitJmxPolicy.closed(name);
    }

    static boolean sameOrigin(String origin, HttpServletRequest request) {
        String host = request.getHeader("Host");
        if (host == null || "null".equals(origin)) {
            return false;
        }
        try {
            URI o = URI.create(origin.trim());
            String authority = o.getRawAuthority();
            return authority != null && authority.toLowerCase(Locale.ROOT).equals(host.trim().toLowerCase(Locale.ROOT))
                    && o.getScheme() != null && o.getScheme().equalsIgnoreCase(request.getScheme());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private boolean refuseUnless(boolean allowed, String what, Object mbean, String detail) {
        if (!allowed) {
            String user = user();
            String subject = ("jolokia " + what + " " + mbean + " " + detail).trim();
            log.info("cockpit: refused to {} ({} {}): {}", user, method(), role(), subject);
            denied.accept(user, subject);
        }
        return allowed;
    }

    private static boolean operator() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        return auth != null && !(auth instanceof AnonymousAuthenticationToken) && auth.isAuthenticated()
                && auth.getAuthorities().stream().anyMatch(a -> a.getAuthority().equals("ROLE_" + Roles.OPERATOR));
    }

    private static String role() {
        return operator() ? Roles.OPERATOR : Roles.VIEWER;
    }

    private static String user() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        return auth == null ? "anonymous" : auth.getName();
    }

    private static String method() {
        HttpServletRequest request = request();
        return request == null ? "" : request.getMethod();
    }

    private static HttpServletRequest request() {
        return RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes a ? a.getRequest() : null;
    }
}

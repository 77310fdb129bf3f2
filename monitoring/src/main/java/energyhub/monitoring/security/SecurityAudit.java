package energyhub.monitoring.security;

import energyhub.monitoring.AuditTrail;
import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.event.AbstractAuthenticationFailureEvent;
import org.springframework.security.authentication.event.InteractiveAuthenticationSuccessEvent;
import org.springframework.security.authentication.event.LogoutSuccessEvent;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.stereotype.Component;

/** Logins into the cockpit in the audit trail: every failure, every form login and logout. */
@Component
public class SecurityAudit {

    private final AuditTrail audit;

    public SecurityAudit(AuditTrail audit) {
        this.audit = audit;
    }

    @EventListener
    public void failed(AbstractAuthenticationFailureEvent event) {
        audit.append(event.getAuthentication().getName(), "LOGIN_FAILED", event.getAuthentication().getName(),
                "DENIED", address(event.getAuthentication().getDetails()) + ": " + event.getException().getMessage());
    }

    /** Form logins only: a script's HTTP Basic authenticates every request and would flood the trail. */
    @EventListener
    public void loggedIn(InteractiveAuthenticationSuccessEvent event) {
        audit.append(event.getAuthentication().getName(), "LOGIN", event.getAuthentication().getName(), "OK",
                address(event.getAuthentication().getDetails()));
    }

    @EventListener
    public void loggedOut(LogoutSuccessEvent event) {
        audit.append(event.getAuthentication().getName(), "LOGOUT", event.getAuthentication().getName(), "OK",
                address(event.getAuthentication().getDetails()));
    }

    private static String address(Object details) {
        return details instanceof WebAuthenticationDetails d ? "from " + d.getRemoteAddress() : "";
    }
}

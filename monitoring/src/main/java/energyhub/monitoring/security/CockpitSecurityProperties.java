package energyhub.monitoring.security;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code hub.security.*}: who may log into the cockpit (Hawtio, Jolokia, actuator, operator API). */
@ConfigurationProperties("hub.security")
public class CockpitSecurityProperties {

    /** Users given in configuration: name to bcrypt hash and roles. */
    private Map<String, User> users = new LinkedHashMap<>();
    /** An external users file ({@code name=bcrypt-hash,role[,role]} per line); empty: none. */
    private String usersFile = "";
    /** Failed logins of one user (or from one address) before it is locked out for a while. */
    private int maxFailures = 5;
    /** How long a user or address stays locked out after too many failures. */
    private Duration lockout = Duration.ofMinutes(15);

    public static class User {
        /** bcrypt hash of the password ({@code $2a$...}, {@code $2b$...}, {@code $2y$...}). */
        private String passwordHash;
        /** viewer and/or operator. */
        private List<String> roles = List.of();

        public String getPasswordHash() { return passwordHash; }
        public void setPasswordHash(String v) { this.passwordHash = v; }
        public List<String> getRoles() { return roles; }
        public void setRoles(List<String> v) { this.roles = v; }
    }

    public Map<String, User> getUsers() { return users; }
    public void setUsers(Map<String, User> v) { this.users = v; }
    public String getUsersFile() { return usersFile; }
    public void setUsersFile(String v) { this.usersFile = v; }
    public int getMaxFailures() { return maxFailures; }
    public void setMaxFailures(int v) { this.maxFailures = v; }
    public Duration getLockout() { return lockout; }
    public void setLockout(Duration v) { this.lockout = v; }
}

package energyhub.monitoring.security;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;

/** Reads the cockpit's users from configuration and the external users file; refuses anything but bcrypt hashes. */
final class CockpitUsers {

    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]?\\$\\d\\d\\$[./A-Za-z0-9]{53}");

    private CockpitUsers() {
    }

    static List<UserDetails> load(CockpitSecurityProperties properties) throws IOException {
        Map<String, CockpitSecurityProperties.User> all = new LinkedHashMap<>(properties.getUsers());
        if (properties.getUsersFile() != null && !properties.getUsersFile().isBlank()) {
            Properties file = new Properties();
            try (Reader in = Files.newBufferedReader(Path.of(properties.getUsersFile()), StandardCharsets.UTF_8)) {
                file.load(in);
            }
            for (String name : file.stringPropertyNames()) {
                String[] parts = file.getProperty(name).split(",");
                CockpitSecurityProperties.User u = new CockpitSecurityProperties.User();
                u.setPasswordHash(parts[0].trim());
                u.setRoles(Arrays.stream(parts).skip(1).map(String::trim).toList());
                all.put(name, u);
            }
        }
        List<UserDetails> users = new ArrayList<>();
        all.forEach((name, u) -> {
            String hash = u.getPasswordHash() == null ? "" : u.getPasswordHash().trim();
            if (!BCRYPT.matcher(hash).matches()) {
                throw new IllegalStateException("cockpit user " + name + ": the password must be given as a bcrypt "
                        + "hash ($2a$/$2b$/$2y$...), never in clear; see docs/operator-api.md");
            }
            for (String role : u.getRoles()) {
                if (!Roles.VIEWER.equals(role) && !Roles.OPERATOR.equals(role)) {
                    throw new IllegalStateException("cockpit user " + name + ": unknown role " + role
                            + " (viewer or operator)");
                }
            }
            // an operator also views
            List<String> roles = new ArrayList<>(u.getRoles());
            if (roles.contains(Roles.OPERATOR) && !roles.contains(Roles.VIEWER)) {
                roles.add(Roles.VIEWER);
            }
            users.add(User.withUsername(name).password(hash).roles(roles.toArray(String[]::new)).build());
        });
        return users;
    }
}

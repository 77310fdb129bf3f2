package energyhub.monitoring.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    private Instant now = Instant.parse("2026-11-24T02:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    @Test
    void locksAUserAfterMaxFailuresUntilTheLockoutHasPassed() {
        CockpitSecurityProperties p = new CockpitSecurityProperties();
        p.setMaxFailures(3);
        p.setLockout(Duration.ofMinutes(15));
        LoginThrottle throttle = new LoginThrottle(p, clock);
        for (int i = 0; i < 3; i++) {
            assertThat(throttle.locked("li.na", "10.0.0.1")).isFalse();
            throttle.failed("li.na", "10.0.0.1");
        }
        assertThat(throttle.locked("li.na", "10.0.0.1")).isTrue();
        assertThat(throttle.locked("li.na", "10.0.0.2")).as("the user, from anywhere").isTrue();
        assertThat(throttle.locked("zhang.wei", "10.0.0.1")).as("another user from that address").isFalse();
        now = now.plus(Duration.ofMinutes(16));
        assertThat(throttle.locked("li.na", "10.0.0.1")).isFalse();
    }

    @Test
    void locksAnAddressGuessingThroughManyNames() {
        CockpitSecurityProperties p = new CockpitSecurityProperties();
        p.setMaxFailures(2);
        LoginThrottle throttle = new LoginThrottle(p, clock);
        for (int i = 0; i < 8; i++) {
            throttle.failed("user" + i, "10.9.9.9");
        }
        assertThat(throttle.locked("someone-new", "10.9.9.9")).isTrue();
        assertThat(throttle.locked("someone-new", "10.0.0.1")).isFalse();
    }

    @Test
    void usersMustHaveBcryptHashesAndKnownRoles() throws Exception {
        CockpitSecurityProperties p = new CockpitSecurityProperties();
        CockpitSecurityProperties.User clear = new CockpitSecurityProperties.User();
        clear.setPasswordHash("operator-password");
        clear.setRoles(List.of("operator"));
        p.setUsers(Map.of("op", clear));
        assertThatThrownBy(() -> CockpitUsers.load(p)).hasMessageContaining("bcrypt");

        CockpitSecurityProperties.User admin = new CockpitSecurityProperties.User();
        admin.setPasswordHash("$2a$10$ZQF19gUYCz2HgwJIDKzyaeQ71HQasQgd92dJE9nY6YqQCGUcLKE6e");
        admin.setRoles(List.of("admin"));
        p.setUsers(Map.of("root", admin));
        assertThatThrownBy(() -> CockpitUsers.load(p)).hasMessageContaining("unknown role admin");

        admin.setRoles(List.of("operator"));
        assertThat(CockpitUsers.load(p).get(0).getAuthorities()).extracting(Object::toString)
                .containsExactlyInAnyOrder("ROLE_operator", "ROLE_viewer");
    }
}

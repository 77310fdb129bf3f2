package energyhub.monitoring.security;

import static org.springframework.security.config.Customizer.withDefaults;

import energyhub.monitoring.AuditTrail;
import io.hawt.springboot.EndpointPathResolver;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.AuthenticationEventPublisher;
import org.springframework.security.authentication.InsufficientAuthenticationException;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandlerImpl;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.DelegatingAuthenticationEntryPoint;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.security.web.csrf.CsrfTokenRequestHandler;
import org.springframework.security.web.csrf.XorCsrfTokenRequestAttributeHandler;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;
import org.springframework.security.web.util.matcher.RequestHeaderRequestMatcher;
import org.springframework.util.StringUtils;
import org.springframework.web.accept.HeaderContentNegotiationStrategy;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Who may see and do what in the cockpit. Open: liveness and readiness (for service managers and
 * load balancers; status only), and the login page. Viewers: Hawtio, read-only Jolokia,
 * the actuator and the operator API's reads. Operators: everything, including the operator API's
 * actions and Jolokia operations. Browsers log in with a form (session cookie, CSRF on); scripts
 * and Prometheus send HTTP Basic on each request (no cookie, so CSRF does not apply to them).
 * Passwords are bcrypt hashes from configuration or an external file; failed logins are throttled
 * and every failure is audited.
 */
@Configuration
@EnableWebSecurity
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(CockpitSecurityProperties.class)
public class CockpitSecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(CockpitSecurityConfiguration.class);

    @Bean
    UserDetailsService cockpitUsers(CockpitSecurityProperties properties) throws IOException {
        List<UserDetails> users = CockpitUsers.load(properties);
        if (users.isEmpty()) {
            log.warn("no cockpit users configured (hub.security.users or hub.security.users-file): Hawtio, "
                    + "Jolokia, the actuator and the operator API refuse everyone; the intakes run as usual");
        }
        return new InMemoryUserDetailsManager(users);
    }

    @Bean
    HubJmxSecurity hubJmxSecurity() throws javax.management.JMException {
        return new HubJmxSecurity();
    }

    /** Jolokia's Spring Boot support hands every Restrictor bean to its servlet: this one decides every request. */
    @Bean
    CockpitJolokiaRestrictor cockpitJolokiaRestrictor(AuditTrail audit) {
        return new CockpitJolokiaRestrictor((user, what) -> audit.append(user, "ACCESS_DENIED", what, "DENIED",
                "jolokia"));
    }

    /** Hawtio's user endpoint (also reached by forward from the Artemis console) names the cockpit's user. */
    @Bean
    FilterRegistrationBean<HawtioUserFilter> hawtioUserFilter(
            EndpointPathResolver paths) {
        var filter = new FilterRegistrationBean<>(new HawtioUserFilter());
        filter.addUrlPatterns(paths.resolve("hawtio") + "/user", paths.resolve("hawtio") + "/user/*");
        filter.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.FORWARD);
        filter.setOrder(Ordered.LOWEST_PRECEDENCE - 10); // after Spring Security
        return filter;
    }

    @Bean
    LoginThrottle loginThrottle(CockpitSecurityProperties properties, Clock clock) {
        return new LoginThrottle(properties, clock);
    }

    @Bean
    AuthenticationManager cockpitAuthenticationManager(UserDetailsService users, LoginThrottle throttle,
            AuthenticationEventPublisher events) {
        DaoAuthenticationProvider dao = new DaoAuthenticationProvider(users);
        dao.setPasswordEncoder(new BCryptPasswordEncoder());
        AuthenticationProvider throttled = new AuthenticationProvider() {
            @Override
            public Authentication authenticate(Authentication auth) throws AuthenticationException {
                String address = auth.getDetails() instanceof WebAuthenticationDetails d ? d.getRemoteAddress() : "";
                if (throttle.locked(auth.getName(), address)) {
                    throw new LockedException("too many failed logins: locked out for a while");
                }
                try {
                    Authentication done = dao.authenticate(auth);
                    throttle.succeeded(auth.getName());
                    return done;
                } catch (AuthenticationException e) {
                    throttle.failed(auth.getName(), address);
                    throw e;
                }
            }

            @Override
            public boolean supports(Class<?> type) {
                return dao.supports(type);
            }
        };
        ProviderManager manager = new ProviderManager(throttled);
        manager.setAuthenticationEventPublisher(events);
        return manager;
    }

    @Bean
    SecurityFilterChain cockpitFilterChain(HttpSecurity http, AuthenticationManager manager, AuditTrail audit)
            throws Exception {
        AuthenticationEntryPoint entryPoint = entryPoint();
        String viewer = Roles.VIEWER;
        String operator = Roles.OPERATOR;
        http.authenticationManager(manager)
                .authorizeHttpRequests(a -> a
                        .requestMatchers("/actuator/health/liveness", "/actuator/health/readiness").permitAll()
                        .requestMatchers("/login", "/error", "/favicon.ico").permitAll()
                        .requestMatchers(HttpMethod.GET, "/api/operator/**").hasRole(viewer)
                        .requestMatchers("/api/operator/**").hasRole(operator)
                        .requestMatchers("/actuator/hawtio/**", "/actuator/jolokia/**").hasRole(viewer)
                        .requestMatchers(HttpMethod.GET, "/actuator/**").hasRole(viewer)
                        .requestMatchers("/actuator/**").hasRole(operator)
                        .anyRequest().hasRole(viewer))
                .formLogin(f -> f.loginPage("/login").defaultSuccessUrl("/actuator/hawtio/", false).permitAll())
                .httpBasic(b -> b.realmName("exchange-hub"))
                .logout(withDefaults())
                .exceptionHandling(e -> e
                        .authenticationEntryPoint(entryPoint)
                        .accessDeniedHandler((request, response, denied) -> {
                            Authentication who = SecurityContextHolder.getContext().getAuthentication();
                            if (who == null || who instanceof AnonymousAuthenticationToken) {
                                // an anonymous POST fails the CSRF check first: it is still "log in first"
                                entryPoint.commence(request, response,
                                        new InsufficientAuthenticationException(denied.getMessage()));
                                return;
                            }
                            audit(audit, request, "ACCESS_DENIED", request.getMethod() + " " + request.getRequestURI());
                            new AccessDeniedHandlerImpl().handle(request, response, denied);
                        }))
                .csrf(c -> c
                        .csrfTokenRepository(CookieCsrfTokenRepository.withHttpOnlyFalse())
                        .csrfTokenRequestHandler(new SpaCsrfTokenRequestHandler())
                        // a script authenticating each request with Basic has no session a forged page could ride on
                        .ignoringRequestMatchers(CockpitSecurityConfiguration::basicFromAScript))
                .addFilterAfter(new CsrfCookieFilter(), BasicAuthenticationFilter.class)
                .addFilterAfter(new JolokiaRequestLimits((request, what) -> audit(audit, request, "ACCESS_DENIED", what)),
                        AuthorizationFilter.class)
                .sessionManagement(s -> s.sessionFixation().changeSessionId());
        return http.build();
    }

    /**
     * Exempt from the CSRF check: a request that carries HTTP Basic credentials and nothing of a browser page's,
     * no session cookie and no Origin or Sec-Fetch-Site of another site (a browser may add Basic credentials it
     * remembers to a forged cross-site request; it cannot leave out the Origin of the page that sends it). Any
     * other Authorization ("Bearer anything") exempts nothing.
     */
    static boolean basicFromAScript(HttpServletRequest request) {
        String authorization = request.getHeader("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        if (request.getRequestedSessionId() != null) {
            return false;
        }
        String origin = request.getHeader("Origin");
        if (origin != null && !CockpitJolokiaRestrictor.sameOrigin(origin, request)) {
            return false;
        }
        String site = request.getHeader("Sec-Fetch-Site");
        return site == null || site.equals("same-origin") || site.equals("none");
    }

    private static void audit(AuditTrail audit, HttpServletRequest request, String action, String what) {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        audit.append(auth == null ? "anonymous" : auth.getName(), action, what, "DENIED",
                "from " + request.getRemoteAddr());
    }

    /** Browsers are sent to the login form; everything else gets 401 (with a Basic challenge unless it is an XHR). */
    private static AuthenticationEntryPoint entryPoint() {
        MediaTypeRequestMatcher html = new MediaTypeRequestMatcher(new HeaderContentNegotiationStrategy(),
                MediaType.TEXT_HTML);
        html.setIgnoredMediaTypes(java.util.Set.of(MediaType.ALL));
        var entries = new java.util.LinkedHashMap<org.springframework.security.web.util.matcher.RequestMatcher,
                AuthenticationEntryPoint>();
        entries.put(html, new LoginUrlAuthenticationEntryPoint("/login"));
        entries.put(new RequestHeaderRequestMatcher("X-Requested-With"),
                (request, response, e) -> response.sendError(HttpServletResponse.SC_UNAUTHORIZED));
        DelegatingAuthenticationEntryPoint delegating = new DelegatingAuthenticationEntryPoint(entries);
        delegating.setDefaultEntryPoint((request, response, e) -> {
            response.setHeader("WWW-Authenticate", "Basic realm=\"exchange-hub\"");
            response.sendError(HttpServletResponse.SC_UNAUTHORIZED);
        });
        return delegating;
    }

    /** CSRF for a single-page console: the token comes in a cookie and goes back in a header (Hawtio does this). */
    static final class SpaCsrfTokenRequestHandler extends CsrfTokenRequestAttributeHandler {
        private final CsrfTokenRequestHandler xor = new XorCsrfTokenRequestAttributeHandler();

        @Override
        public void handle(HttpServletRequest request, HttpServletResponse response, Supplier<CsrfToken> token) {
            xor.handle(request, response, token);
        }

        @Override
        public String resolveCsrfTokenValue(HttpServletRequest request, CsrfToken token) {
            if (StringUtils.hasText(request.getHeader(token.getHeaderName()))) {
                return super.resolveCsrfTokenValue(request, token);
            }
            return xor.resolveCsrfTokenValue(request, token);
        }
    }

    /** Makes sure the CSRF cookie is written on every page, so the console always has a token. */
    static final class CsrfCookieFilter extends OncePerRequestFilter {
        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            CsrfToken token = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
            if (token != null) {
                token.getToken();
            }
            chain.doFilter(request, response);
        }
    }
}

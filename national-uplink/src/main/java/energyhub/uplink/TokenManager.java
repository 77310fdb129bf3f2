package energyhub.uplink;

import io.micrometer.core.instrument.Counter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * The AK token: requested at start, again before it expires ({@code akExpiresIn} minus a skew) and when the platform
 * answers 401; one refresh at a time (the others wait for it and use its token).
 */
public class TokenManager {

    /** A token and when it stops being used. */
    public record Token(String value, Instant refreshAt) {
    }

    /** The platform did not give a token. */
    public static class TokenException extends Exception {
        final PlatformClient.Answer answer;

        TokenException(String message, PlatformClient.Answer answer) {
            super(message);
            this.answer = answer;
        }
    }

    static final DateTimeFormatter AK_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss SSS");

    private final PlatformClient client;
    private final UplinkProperties props;
    private final PinBlock pin;
    private final ZoneId zone;
    private final Counter refreshes;
    private final Clock clock = Clock.systemUTC();
    private volatile Token token;

    public TokenManager(PlatformClient client, UplinkProperties props, Counter refreshes) {
        this.client = client;
        this.props = props;
        this.pin = new PinBlock(props.getProfile().isUpperHex(), props.getProfile().isUpperPin());
        this.zone = ZoneId.of(props.getProfile().getTimeZone());
        this.refreshes = refreshes;
    }

    /** A token valid now: the current one, or a fresh one when it is due for refresh. */
    public Token current() throws TokenException {
        Token t = token;
        if (t != null && clock.instant().isBefore(t.refreshAt())) {
            return t;
        }
        return refresh(t);
    }

    /** The platform refused {@code stale}: a new token, unless another thread already replaced it. */
    public synchronized Token refresh(Token stale) throws TokenException {
        Token t = token;
        if (t != null && t != stale && clock.instant().isBefore(t.refreshAt())) {
            return t;
        }
        String body;
        try {
            body = PlatformClient.JSON.writeValueAsString(Map.of("enterpriseCode", props.getEnterpriseCode(),
                    "password", pin.password(props.getSecretKey(), props.getEnterpriseCode(), props.getPin())));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        PlatformClient.Answer a = client.post(props.getProfile().getRequestAkPath(), body, null);
        if (a.transportFailed()) {
            throw new TokenException("requestAK: " + a.failure(), a);
        }
        if (a.httpStatus() != 200 || a.bodyCode() == null || a.bodyCode() != 200 || a.data() == null
                || a.data().path("token").asText("").isEmpty()) {
            throw new TokenException("requestAK refused: HTTP " + a.httpStatus() + ", responseCode " + a.bodyCode()
                    + ", " + a.message(), a);
        }
        Instant now = clock.instant();
        Instant expires = parse(a.data().path("akExpiresIn").asText(""), now.plus(Duration.ofMinutes(5)));
        Instant valid = parse(a.data().path("akValidAt").asText(""), now);
        Duration life = Duration.between(valid.isAfter(now) ? now : valid, expires);
        // the skew never eats more than a quarter of a short token's life (else every call would refresh)
        Duration skew = props.getTokenSkew().compareTo(life.dividedBy(4)) > 0 ? life.dividedBy(4) : props.getTokenSkew();
        token = new Token(a.data().get("token").asText(), expires.minus(skew));
        refreshes.increment();
        return token;
    }

    private Instant parse(String s, Instant fallback) {
        try {
            return LocalDateTime.parse(s, AK_TIME).atZone(zone).toInstant();
        } catch (RuntimeException e) {
            return fallback;
        }
    }
}

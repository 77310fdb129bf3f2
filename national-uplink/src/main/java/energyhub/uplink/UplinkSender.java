package energyhub.uplink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Sends claimed rows to the platform, one record per request (or a JSON array of up to {@code batch-size}), and files
 * each answer in its outcome class: ACKED; token refresh and the same request once; retry later with capped
 * exponential back-off and jitter; REJECTED; version change (pause, checkVersion, base data, resume). An open circuit
 * claims nothing, so it costs no attempts. The loops are Camel routes ({@link UplinkRoutes}): {@code concurrency}
 * senders each run {@link #claim()} then {@link #send(Claim)}, and {@code uplink-housekeeping} the rest.
 */
public class UplinkSender implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(UplinkSender.class);

    enum Outcome { ACK, AUTH, RETRY, REJECT, VERSION }

    private final UplinkProperties props;
    private final DeliveryStore store;
    private final PlatformClient client;
    private final TokenManager tokens;
    private final CircuitBreaker breaker;
    private final LinkMonitor link;
    private final Counter acks;
    private final Object versionLock = new Object();
    private final AtomicInteger versionGeneration = new AtomicInteger();
    private volatile boolean running;
    private volatile boolean paused;
    private volatile String dicVersion;
    private volatile String regVersion;

    public UplinkSender(UplinkProperties props, DeliveryStore store, PlatformClient client, TokenManager tokens,
            CircuitBreaker breaker, LinkMonitor link, Counter acks) {
        this.props = props;
        this.store = store;
        this.client = client;
        this.tokens = tokens;
        this.breaker = breaker;
        this.link = link;
        this.acks = acks;
    }

    /** A sender's claim: the rows it holds (SENDING), the token to send them with, and when the call began. */
    public record Claim(List<DeliveryStore.Row> rows, TokenManager.Token token, long t0) {
        @Override
        public String toString() {
            return rows.size() + " claimed rows"; // what Hawtio's message views show, never the records
        }
    }

    @Override
    public void start() {
        dicVersion = store.storedDicVersion();
        paused = true; // until the first checkVersion (uplink-housekeeping)
        running = true;
    }

    /**
     * Stops claiming: the sending routes finish the request each has in flight, give the rest of their claim back,
     * and claim nothing more (this phase stops before Camel's, which then waits for those rounds).
     */
    @Override
    public void stop() {
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 200; // starts after Camel's routes and stops before them, after the database's
    }

    // ---- uplink-send: one round of one sender -------------------------------------------------------------------

    /**
     * Claims due rows for one sender (step {@code uplink-claim}), or null when there is nothing to do now: stopped,
     * paused for a version change, circuit open (an open circuit claims nothing, so it costs no attempts), no token,
     * or no due row.
     */
    public Claim claim() {
        if (!running || paused) {
            return null;
        }
        if (!breaker.tryAcquirePermission()) {
            return null;
        }
        long t0 = System.nanoTime();
        TokenManager.Token token;
        try {
            token = tokens.current();
        } catch (TokenManager.TokenException e) {
            failed(t0, e.getMessage());
            return null;
        }
        List<DeliveryStore.Row> rows = store.claim(claimSize(), props.getLease());
        if (rows.isEmpty()) {
            breaker.releasePermission();
            return null;
        }
        return new Claim(rows, token, t0);
    }

    /** Rows a sender claims at once: claim-size rounded down to whole requests of batch-size, at least one request. */
    int claimSize() {
        int batch = Math.max(1, props.getBatchSize());
        return batch * Math.max(1, props.getClaimSize() / batch);
    }

    /** Sends a claim's rows and files each answer in its outcome class (step {@code uplink-post}). */
    public void send(Claim claim) {
        sendAll(claim.rows(), claim.token(), claim.t0());
    }

    // ---- uplink-housekeeping and its timers -------------------------------------------------------------------

    /** Rows left SENDING by a stopped hub (lease over) return to PENDING; the count. */
    public int releaseExpiredLeases() {
        if (!running) {
            return 0;
        }
        int back = store.releaseExpiredLeases();
        if (back > 0) {
            log.info("national uplink: {} records left SENDING by a stopped hub (lease over) are PENDING again", back);
        }
        return back;
    }

    /** While paused (at start, or after a version code): checkVersion, the base data, and sending resumes. */
    public void resumeIfPaused() {
        if (running && paused) {
            refreshVersion(versionGeneration.get());
        }
    }

    /** ACKED rows older than acked-retention deleted; the count. */
    public int purgeAcked() {
        if (!running) {
            return 0;
        }
        int purged = store.purgeAcked(props.getAckedRetention());
        if (purged > 0) {
            log.info("national uplink: {} ACKED records older than {} deleted", purged, props.getAckedRetention());
        }
        return purged;
    }

    /** The platform's versions polled while sending, not only learnt from a refused upload. */
    public void checkVersion() {
        if (running && !paused) {
            pollVersion();
        }
    }

    private void failed(long t0, String why) {
        if (!running) {
            return; // a call cut short by the hub's stop says nothing about the platform
        }
        breaker.onError(System.nanoTime() - t0, TimeUnit.NANOSECONDS, new IOException(why));
        link.unreachable(why);
    }

    /** ACKs gathered over one claim and written in one statement. */
    private final class Acks {
        final List<DeliveryStore.Row> rows = new java.util.ArrayList<>();
        final List<String> times = new java.util.ArrayList<>();
        int httpStatus = 200;

        void flush() {
            store.ackedAll(rows, times, httpStatus);
            rows.clear();
            times.clear();
        }
    }

    /** The claimed rows, one request per batch-size; on a failure or pause the rest go back unsent. */
    private void sendAll(List<DeliveryStore.Row> rows, TokenManager.Token token, long t0) {
        int size = Math.max(1, props.getBatchSize());
        long claimedAt = t0;
        // the rest of a claim goes back once half its lease is gone: a slow platform must never let the lease of rows
        // still to be sent lapse, or another sender (of this hub or another) would send them too
        long leaseHalf = props.getLease().toNanos() / 2;
        Acks acks = new Acks();
        try {
            for (int i = 0; i < rows.size(); i += size) {
                List<DeliveryStore.Row> group = rows.subList(i, Math.min(rows.size(), i + size));
                if (i > 0) {
                    t0 = System.nanoTime();
                    boolean go = running && !paused && t0 - claimedAt < leaseHalf && breaker.tryAcquirePermission();
                    if (go) {
                        try {
                            token = tokens.current();
                        } catch (TokenManager.TokenException e) {
                            failed(t0, e.getMessage());
                            go = false;
                        }
                    }
                    if (!go) {
                        store.release(rows.subList(i, rows.size()));
                        return;
                    }
                }
                Outcome o = send(group, token, t0, acks);
                if (o == Outcome.RETRY || o == Outcome.VERSION) {
                    store.release(rows.subList(i + group.size(), rows.size()));
                    return;
                }
            }
        } finally {
            acks.flush();
        }
    }

    private Outcome send(List<DeliveryStore.Row> rows, TokenManager.Token token, long t0, Acks acks) {
        int generation = versionGeneration.get();
        String body = body(rows);
        PlatformClient.Answer a = client.post(props.getProfile().getUploadPath(), body, token.value());
        Outcome o = classify(a);
        if (o == Outcome.AUTH) {
            try {
                token = tokens.refresh(token);
            } catch (TokenManager.TokenException e) {
                failed(t0, e.getMessage());
                rows.forEach(r -> store.retryLater(r, backoff(r.attempts()), e.answer.httpStatus(), e.answer.bodyCode(),
                        e.getMessage(), false));
                return Outcome.RETRY;
            }
            a = client.post(props.getProfile().getUploadPath(), body, token.value());
            o = classify(a);
            if (o == Outcome.AUTH) {
                o = Outcome.RETRY; // refused twice with a fresh token: the platform's problem, retried later
            }
        }
        final PlatformClient.Answer a2 = a;
        final TokenManager.Token tok = token;
        return settle(rows, tok, t0, o, a2, generation, acks);
    }

    private Outcome settle(List<DeliveryStore.Row> rows, TokenManager.Token token, long t0, Outcome o,
            PlatformClient.Answer a, int generation, Acks acks) {
        switch (o) {
            case ACK -> {
                breaker.onSuccess(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
                link.up();
                String platformTime = a.data() == null ? null : a.data().path("platformTime").asText(null);
                for (DeliveryStore.Row r : rows) {
                    acks.rows.add(r);
                    acks.times.add(platformTime);
                }
                acks.httpStatus = a.httpStatus();
                this.acks.increment(rows.size());
            }
            case REJECT -> {
                breaker.onSuccess(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
                link.up();
                if (rows.size() > 1) {
                    // which record of the array is bad is not said: each is sent alone
                    for (int i = 0; i < rows.size(); i++) {
                        Outcome single = send(List.of(rows.get(i)), token, System.nanoTime(), acks);
                        if (single == Outcome.RETRY || single == Outcome.VERSION) {
                            store.release(rows.subList(i + 1, rows.size()));
                            return single;
                        }
                    }
                    return Outcome.REJECT;
                }
                String msg = a.message() != null ? a.message() : "HTTP " + a.httpStatus();
                store.rejected(rows.get(0), a.httpStatus(), a.bodyCode(), msg);
            }
            case VERSION -> {
                breaker.onSuccess(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
                rows.forEach(r -> store.retryLater(r, Duration.ZERO, a.httpStatus(), a.bodyCode(), a.message(), false));
                pauseForVersion(generation, "the platform answered " + (a.bodyCode() != null ? "responseCode "
                        + a.bodyCode() : "HTTP " + a.httpStatus()) + " (" + a.message() + ")");
            }
            default -> {
                String why = a.transportFailed() ? a.failure()
                        : "HTTP " + a.httpStatus() + (a.bodyCode() != null ? ", responseCode " + a.bodyCode() : "")
                                + (a.message() != null ? ", " + a.message() : "");
                failed(t0, why);
                rows.forEach(r -> store.retryLater(r, backoff(r.attempts()),
                        a.transportFailed() ? null : a.httpStatus(), a.bodyCode(), why, true));
            }
        }
        return o;
    }

    Outcome classify(PlatformClient.Answer a) {
        UplinkProperties.Profile p = props.getProfile();
        if (a.transportFailed()) {
            return Outcome.RETRY;
        }
        int s = a.httpStatus();
        if (s == 401) {
            return Outcome.AUTH;
        }
        if (p.getVersionCodes().contains(s)) {
            return Outcome.VERSION;
        }
        if (s == 408 || s == 429 || s >= 500 || p.getRetryCodes().contains(s)) {
            return Outcome.RETRY;
        }
        if (s >= 300) {
            return Outcome.REJECT;
        }
        Integer c = a.bodyCode();
        if (c == null) {
            return Outcome.RETRY; // 2xx without an envelope: not an acknowledgement
        }
        if (c == 200) {
            return Outcome.ACK;
        }
        if (c == 401) {
            return Outcome.AUTH;
        }
        if (p.getVersionCodes().contains(c)) {
            return Outcome.VERSION;
        }
        if (p.getRetryCodes().contains(c)) {
            return Outcome.RETRY;
        }
        return Outcome.REJECT;
    }

    /** Capped exponential back-off with jitter (half to full of the step). */
    Duration backoff(int attempts) {
        long base = props.getRetryInitialDelay().toMillis();
        long cap = props.getRetryMaxDelay().toMillis();
        long step = base << Math.min(20, Math.max(0, attempts - 1));
        step = Math.min(cap, step <= 0 ? cap : step);
        return Duration.ofMillis(step / 2 + ThreadLocalRandom.current().nextLong(step / 2 + 1));
    }

    private String body(List<DeliveryStore.Row> rows) {
        if (rows.size() == 1 && props.getBatchSize() <= 1) {
            return stamped(rows.get(0)).toString();
        }
        ArrayNode array = PlatformClient.JSON.createArrayNode();
        rows.forEach(r -> array.add(stamped(r)));
        return array.toString();
    }

    /** The record as stored, with the platform's current versions. */
    private ObjectNode stamped(DeliveryStore.Row r) {
        try {
            ObjectNode n = (ObjectNode) PlatformClient.JSON.readTree(r.payload());
            if (dicVersion != null) {
                n.put("dicVersion", dicVersion);
            }
            if (regVersion != null) {
                n.put("regVersion", regVersion);
            }
            return n;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void pauseForVersion(int generation, String why) {
        if (versionGeneration.get() == generation && !paused) {
            paused = true;
            link.paused(why + "; checking the platform's version and base data");
        }
        refreshVersion(generation);
    }

    /** checkVersion, and the base data when dicVersion changed; once per generation (single flight). */
    private void refreshVersion(int generation) {
        synchronized (versionLock) {
            if (versionGeneration.get() != generation || !paused) {
                return;
            }
            try {
                TokenManager.Token token = tokens.current();
                PlatformClient.Answer v = client.post(props.getProfile().getCheckVersionPath(),
                        json(Map.of("enterpriseCode", props.getEnterpriseCode())), token.value());
                if (v.httpStatus() == 401 || Integer.valueOf(401).equals(v.bodyCode())) {
                    tokens.refresh(token);
                    return; // next round
                }
                if (!running) {
                    return;
                }
                if (v.transportFailed() || v.bodyCode() == null || v.bodyCode() != 200 || v.data() == null) {
                    link.unreachable("checkVersion: " + (v.transportFailed() ? v.failure()
                            : "HTTP " + v.httpStatus() + ", responseCode " + v.bodyCode() + ", " + v.message()));
                    return;
                }
                String dic = v.data().path("dicVersion").asText(null);
                String reg = v.data().path("regVersion").asText(null);
                String description = v.data().path("modifyDescription").asText(null);
                String baseData = null;
                if (dic != null && !dic.equals(dicVersion)) {
                    PlatformClient.Answer d = client.post(props.getProfile().getDataDownloadPath(),
                            json(Map.of("enterpriseCode", props.getEnterpriseCode(),
                                    "itemIndex", props.getProfile().getItemIndex())), token.value());
                    if (d.transportFailed() || d.bodyCode() == null || d.bodyCode() != 200) {
                        link.unreachable("dataDownload: " + (d.transportFailed() ? d.failure()
                                : "HTTP " + d.httpStatus() + ", responseCode " + d.bodyCode() + ", " + d.message()));
                        return;
                    }
                    baseData = d.data() == null ? "null" : d.data().toString();
                }
                store.saveVersion(dic, reg, description, baseData);
                log.info("national platform versions: dicVersion {} (was {}), regVersion {}{}{}; sending resumes", dic,
                        dicVersion, reg, baseData != null ? ", base data downloaded (" + baseData.length() + " chars)" : "",
                        description != null ? ", " + description : "");
                dicVersion = dic;
                regVersion = reg;
                versionGeneration.incrementAndGet();
                paused = false;
                link.up();
            } catch (TokenManager.TokenException e) {
                if (running) {
                    link.unreachable(e.getMessage());
                }
            }
        }
    }

    /** One checkVersion while sending; a changed dicVersion pauses sending as a refused upload would. */
    private void pollVersion() {
        int generation = versionGeneration.get();
        try {
            PlatformClient.Answer v = client.post(props.getProfile().getCheckVersionPath(),
                    json(Map.of("enterpriseCode", props.getEnterpriseCode())), tokens.current().value());
            String dic = v.data() == null ? null : v.data().path("dicVersion").asText(null);
            String reg = v.data() == null ? null : v.data().path("regVersion").asText(null);
            if (Integer.valueOf(200).equals(v.bodyCode()) && dic != null
                    && (!dic.equals(dicVersion) || (reg != null && !reg.equals(regVersion)))) {
                pauseForVersion(generation, "checkVersion answered dicVersion " + dic + ", regVersion " + reg);
            }
        } catch (TokenManager.TokenException e) {
            // the senders see the same failure and report it
        }
    }

    private static String json(Object o) {
        try {
            return PlatformClient.JSON.writeValueAsString(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public boolean paused() {
        return paused;
    }

    public String dicVersion() {
        return dicVersion;
    }
}

package energyhub.uplink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import energyhub.api.OperatorInput;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLException;

/**
 * HTTPS calls to the national platform (JDK HttpClient: HTTP/1.1 keep-alive, connect and read timeouts, mutual TLS).
 * Each call ends in one {@link Answer}: the HTTP status and the body's envelope, or the transport failure.
 */
public class PlatformClient {

    /** What came back: {@code failure} set when nothing did (refused, reset, timeout, TLS). */
    public record Answer(int httpStatus, Integer bodyCode, String message, JsonNode data, String failure) {
        boolean transportFailed() {
            return failure != null;
        }
    }

    static final ObjectMapper JSON = new ObjectMapper();
    /** {@code hub.uplink.max-answer-bytes}' default: 1 MiB. */
    public static final int DEFAULT_MAX_ANSWER_BYTES = 1 << 20;

    private final HttpClient http;
    private final String baseUrl;
    private final Duration readTimeout;
    private final PlatformTls tls;
    private final int maxAnswerBytes;

    public PlatformClient(String baseUrl, PlatformTls tls, Duration connectTimeout, Duration readTimeout, int concurrency) {
        this(baseUrl, tls, connectTimeout, readTimeout, concurrency, DEFAULT_MAX_ANSWER_BYTES);
    }

    /** {@code maxAnswerBytes}: an answer's body longer than this is cut off while it arrives (a transport failure). */
    public PlatformClient(String baseUrl, PlatformTls tls, Duration connectTimeout, Duration readTimeout, int concurrency,
            int maxAnswerBytes) {
        this.maxAnswerBytes = Math.max(1024, maxAnswerBytes);
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.readTimeout = readTimeout;
        this.tls = tls;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(tls.context())
                .connectTimeout(connectTimeout).executor(Executors.newFixedThreadPool(Math.max(2, concurrency),
                        r -> {
                            Thread t = new Thread(r, "uplink-http");
                            t.setDaemon(true);
                            return t;
                        }))
                .build();
    }

    public Answer post(String path, String body, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(readTimeout)
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        // the request's timeout covers the answer's headers only: a platform that stalls in the body would hold
        // the sender for ever (seen in CI: every sender parked in HttpClient.send). So the body has a deadline of its
        // own (BoundedBody), after which the connection is closed and the call counts as no answer (retried like a
        // timeout). The blocking send, not sendAsync: sendAsync hands every answer over to the common fork-join pool
        // (so that no caller's code runs on the client's threads), which on two cores doubled the CPU of a request
        // (docs/benchmarks.md, "The national uplink").
        HttpResponse<byte[]> r;
        String[] badLength = new String[1]; // the answer's Content-Length when it is not a number
        try {
            r = http.send(b.build(), info -> {
                String length = info.headers().firstValue("Content-Length").orElse(null);
                long declared = -1;
                if (length != null) {
                    try {
                        declared = Long.parseLong(length.trim());
                    } catch (NumberFormatException e) {
                        badLength[0] = length; // the client fails the call right after (IllegalArgumentException)
                    }
                }
                return new BoundedBody(maxAnswerBytes, declared, bodyDeadline().toMillis());
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(0, null, null, null, "interrupted");
        } catch (IOException | RuntimeException e) {
            if (badLength[0] != null) {
                return new Answer(0, null, null, null, "the answer to " + path + " has a Content-Length that is not a "
                        + "number (" + OperatorInput.shown(badLength[0]) + "): cut off unread and retried like no answer");
            }
            AnswerTooLarge tooLarge = cause(e, AnswerTooLarge.class);
            if (tooLarge != null) {
                return new Answer(0, null, null, null, "the answer to " + path + " " + tooLarge.getMessage()
                        + " (hub.uplink.max-answer-bytes): cut off unread and retried like no answer");
            }
            if (cause(e, java.util.concurrent.TimeoutException.class) != null) {
                return new Answer(0, null, null, null, "no whole answer within " + deadline().toMillis()
                        + " ms: its body stalled, the connection is closed");
            }
            return failed(e);
        }
        return answer(r);
    }

    /** How long one exchange may take as a whole: the headers within the read timeout, then the body's deadline. */
    private Duration deadline() {
        return readTimeout.plus(bodyDeadline());
    }

    /** How long an answer's body may take once its headers are in. */
    private Duration bodyDeadline() {
        return readTimeout.plusSeconds(1);
    }

    private Answer failed(Throwable failure) {
        try {
            throw failure;
        } catch (HttpTimeoutException e) {
            return new Answer(0, null, null, null, "no answer within " + readTimeout.toMillis() + " ms (" + e.getMessage() + ")");
        } catch (SSLException e) {
            return new Answer(0, null, null, null, "TLS: " + tlsCause(e));
        } catch (IOException e) {
            String refused = tls.lastRefusal();
            String own = tls.clientCertificateProblem();
            return new Answer(0, null, null, null, refused != null || own != null ? "TLS: " + tlsCause(e) : rootMessage(e));
        } catch (Throwable e) {
            return new Answer(0, null, null, null, rootMessage(e));
        }
    }

    private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /** An answer's body longer than hub.uplink.max-answer-bytes. */
    static final class AnswerTooLarge extends IOException {
        AnswerTooLarge(String message) {
            super(message);
        }
    }

    /**
     * The answer's body, bounded while it arrives: more than {@code max} bytes (or a Content-Length saying so) cancels
     * the subscription, which closes the connection, and fails the call with {@link AnswerTooLarge}. Nothing past the
     * bound is kept in memory. A body not whole within {@code deadlineMillis} of its headers is cut off the same way
     * and fails the call with a {@link java.util.concurrent.TimeoutException}.
     */
    static final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final java.util.concurrent.CompletableFuture<byte[]> body = new java.util.concurrent.CompletableFuture<>();
        private final int max;
        private final long declared;
        private final long deadlineMillis;
        private java.io.ByteArrayOutputStream out;
        private java.util.concurrent.Flow.Subscription subscription;

        BoundedBody(int max, long declared, long deadlineMillis) {
            this.max = max;
            this.declared = declared;
            this.deadlineMillis = deadlineMillis;
        }

        @Override
        public java.util.concurrent.CompletionStage<byte[]> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
            subscription = s;
            if (declared > max) {
                s.cancel();
                body.completeExceptionally(new AnswerTooLarge("declares " + declared + " bytes, over " + max));
                return;
            }
            out = new java.io.ByteArrayOutputStream(declared > 0 ? (int) declared : 1024);
            // the deadline's timer is dropped as soon as the body completes (CompletableFuture.orTimeout)
            body.orTimeout(deadlineMillis, java.util.concurrent.TimeUnit.MILLISECONDS).whenComplete((whole, failure) -> {
                if (failure instanceof java.util.concurrent.TimeoutException) {
                    s.cancel();
                }
            });
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(java.util.List<java.nio.ByteBuffer> items) {
            if (body.isDone()) {
                return;
            }
            for (java.nio.ByteBuffer b : items) {
                if ((long) out.size() + b.remaining() > max) {
                    subscription.cancel();
                    out = null;
                    body.completeExceptionally(new AnswerTooLarge("is over " + max + " bytes"));
                    return;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                out.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable t) {
            body.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            if (!body.isDone()) {
                body.complete(out.toByteArray());
            }
        }
    }

    private Answer answer(HttpResponse<byte[]> r) {
        byte[] raw = r.body();
        String text = new String(raw, StandardCharsets.UTF_8);
        Integer code = null;
        String message = null;
        JsonNode data = null;
        try {
            JsonNode env = JSON.readTree(text);
            if (env != null && env.isObject()) {
                JsonNode c = env.get("responseCode");
                if (c != null && !c.isNull()) {
                    code = c.asInt();
                }
                message = env.path("responseMessage").asText(null);
                data = env.get("data");
            }
        } catch (IOException e) {
            message = text.length() > 300 ? text.substring(0, 300) : text;
        }
        return new Answer(r.statusCode(), code, message, data, null);
    }

    /** The platform's certificate we refused, or our own certificate the platform refused, or the bare cause. */
    private String tlsCause(Throwable e) {
        String refused = tls.lastRefusal();
        if (refused != null) {
            return refused;
        }
        String own = tls.clientCertificateProblem();
        return own != null ? own + ": refused by the platform (" + rootMessage(e) + ")" : rootMessage(e);
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}

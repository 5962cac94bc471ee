package dev.waystation.relay.admission;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * derper's admission webhook ({@code -verify-client-url}): {@code POST <url>} with
 * {@code {"NodePublic":"nodekey:<hex>","Source":"<ip>"}}, answer {@code {"Allow":bool}}. The same
 * JSON as Tailscale's {@code tailcfg.DERPAdmitClientRequest/Response}, so headscale's {@code /verify}
 * and existing derper webhooks work unchanged.
 *
 * <p>A dedicated client, bounded everywhere: calls wait for one of a few connections in a bounded
 * queue ({@link WebhookSlots}); each call has an absolute deadline from its start to the answer's
 * last byte (a webhook that trickles bytes still times out); at most {@link #MAX_RESPONSE_BYTES} of
 * an answer are ever held, a longer one is refused. Redirects are not followed: a 3xx is a non-200
 * status. Only a genuine outage of the webhook (refused, reset, deadline passed) is a
 * {@link Outcome#TRANSPORT_ERROR}, the one outcome fail-open may admit.
 */
public final class VerifyWebhook {

    /** derper decodes at most this much of the answer; Waystation refuses a longer one. */
    static final int MAX_RESPONSE_BYTES = 4 << 10;

    /**
     * The webhook's JSON mapper, made on the first call (a holder class): most relays never call a
     * webhook, and building a mapper costs start-up time. Duplicate field names are refused: Go
     * assigns them in order, a tree would keep only the last.
     */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }

    /** What the webhook said. */
    public enum Outcome {
        ALLOWED,
        DENIED,
        /** Answered with a status other than 200. */
        BAD_STATUS,
        /** Answered 200 with a body that is not the expected JSON. */
        BAD_RESPONSE,
        /** Answered with more than {@link #MAX_RESPONSE_BYTES}; the rest was not read. */
        ANSWER_TOO_LARGE,
        /** The URL cannot be called at all. */
        INVALID_URL,
        /** The relay's own queue for webhook calls is full or waited too long: not the webhook's fault. */
        OVERLOADED,
        /** Unreachable, refused, reset or past its deadline: the only outcome fail-open admits. */
        TRANSPORT_ERROR
    }

    private final Vertx vertx;
    private final HttpClient client;
    private final WebhookSlots slots;
    private final long timeoutMillis;

    VerifyWebhook(Vertx vertx, HttpClient client, WebhookSlots slots, long timeoutMillis) {
        this.vertx = vertx;
        this.client = client;
        this.slots = slots;
        this.timeoutMillis = timeoutMillis;
    }

    /** A webhook client with its own connection pool, sized and bounded by {@code config}. */
    static VerifyWebhook create(Vertx vertx, AdmissionConfig.Webhook config) {
        int timeout = (int) Math.min(Integer.MAX_VALUE, config.timeout().toMillis());
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(timeout)
                .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(config.maxConnections())
                // WebhookSlots admits no more calls than connections; this only covers a connection
                // still closing when its slot is already handed on.
                .setMaxWaitQueueSize(config.maxConnections()));
        return new VerifyWebhook(vertx, client,
                new WebhookSlots(vertx, config.maxConnections(), config.maxQueued(), config.queueTimeout().toMillis()),
                config.timeout().toMillis());
    }

    WebhookSlots slots() {
        return slots;
    }

    public Future<Outcome> verify(String url, String nodePublic, String sourceIp) {
        RequestOptions options;
        try {
            options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url);
        } catch (RuntimeException badUrl) {
            return Future.succeededFuture(Outcome.INVALID_URL);
        }
        Buffer body = Buffer.buffer(Json.MAPPER.createObjectNode().put("NodePublic", nodePublic).put("Source", sourceIp)
                .toString());
        return slots.acquire().compose(held -> {
            if (!held) {
                return Future.succeededFuture(Outcome.OVERLOADED);
            }
            return call(options, body).onComplete(done -> slots.release());
        });
    }

    private Future<Outcome> call(RequestOptions options, Buffer body) {
        Promise<Outcome> result = Promise.promise();
        AtomicReference<HttpClientRequest> open = new AtomicReference<>();
        long deadline = vertx.setTimer(timeoutMillis, id -> {
            if (result.tryComplete(Outcome.TRANSPORT_ERROR)) {
                abort(open.get());
            }
        });
        client.request(options).onComplete(created -> {
            if (created.failed()) {
                // The pool's own queue being full is the relay's overload, never the webhook's outage.
                result.tryComplete(created.cause() instanceof ConnectionPoolTooBusyException ? Outcome.OVERLOADED
                        : Outcome.TRANSPORT_ERROR);
                return;
            }
            HttpClientRequest request = created.result();
            open.set(request);
            if (result.future().isComplete()) {
                abort(request);
                return;
            }
            request.send(body).onComplete(sent -> {
                if (sent.failed()) {
                    result.tryComplete(Outcome.TRANSPORT_ERROR);
                } else {
                    readAnswer(sent.result(), result);
                }
            });
        });
        return result.future().onComplete(done -> vertx.cancelTimer(deadline));
    }

    /** Reads at most {@link #MAX_RESPONSE_BYTES} of a 200 answer; anything else ends the call early. */
    private static void readAnswer(HttpClientResponse response, Promise<Outcome> result) {
        // Also hears the reset of an abandoned answer, which is no news once the outcome is known.
        response.exceptionHandler(error -> result.tryComplete(Outcome.TRANSPORT_ERROR));
        if (response.statusCode() != 200) {
            result.tryComplete(Outcome.BAD_STATUS);
            abort(response.request());
            return;
        }
        String length = response.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && !fits(length.trim())) {
            result.tryComplete(Outcome.ANSWER_TOO_LARGE);
            abort(response.request());
            return;
        }
        Buffer answer = Buffer.buffer();
        response.handler(chunk -> {
            if (result.future().isComplete()) {
                return;
            }
            if (answer.length() + chunk.length() > MAX_RESPONSE_BYTES) {
                result.tryComplete(Outcome.ANSWER_TOO_LARGE);
                abort(response.request());
                return;
            }
            answer.appendBuffer(chunk);
        });
        response.endHandler(end -> result.tryComplete(parse(answer)));
    }

    /** A declared length within the cap; a malformed one is left to the byte count. */
    private static boolean fits(String contentLength) {
        if (contentLength.isEmpty() || !contentLength.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return true;
        }
        return contentLength.length() <= 9 && Integer.parseInt(contentLength) <= MAX_RESPONSE_BYTES;
    }

    /** Closes the call's connection so nothing more of the answer is read or buffered. */
    private static void abort(HttpClientRequest request) {
        if (request != null) {
            request.reset();
        }
    }

    /**
     * As derper's Go decoding into {@code struct{ Allow bool }}: field names match case-insensitively and
     * every match is assigned in order (the last one wins), {@code null} changes nothing, a value of any
     * other type is an error; a missing {@code Allow} means false.
     */
    static Outcome parse(Buffer answer) {
        JsonNode node;
        try {
            // Decoded first, as Go does: invalid UTF-8 becomes U+FFFD. Jackson's byte parser read the
            // field name "allo\xffw" as "allow" (found by fuzzing), admitting where derper denies.
            node = Json.MAPPER.readTree(answer.toString(StandardCharsets.UTF_8));
        } catch (Exception e) {
            return Outcome.BAD_RESPONSE;
        }
        if (node == null || !node.isObject()) {
            return Outcome.BAD_RESPONSE;
        }
        Outcome outcome = Outcome.DENIED;
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equalsIgnoreCase("Allow")) {
                if (field.getValue().isBoolean()) {
                    outcome = field.getValue().booleanValue() ? Outcome.ALLOWED : Outcome.DENIED;
                } else if (!field.getValue().isNull()) {
                    return Outcome.BAD_RESPONSE;
                }
            }
        }
        return outcome;
    }
}

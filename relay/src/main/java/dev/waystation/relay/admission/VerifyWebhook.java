package dev.waystation.relay.admission;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * derper's admission webhook ({@code -verify-client-url}): {@code POST <url>} with
 * {@code {"NodePublic":"nodekey:<hex>","Source":"<ip>"}}, answer {@code {"Allow":bool}}. The same
 * JSON as Tailscale's {@code tailcfg.DERPAdmitClientRequest/Response}, so headscale's {@code /verify}
 * and existing derper webhooks work unchanged.
 *
 * <p>Unlike Go's default client, redirects are not followed: a 3xx answer is a non-200 status and
 * rejects. The outcome separates transport errors (the only case fail-open may admit) from every other
 * failure, which always rejects.
 */
public final class VerifyWebhook {

    /** derper's overall budget for one admission call. */
    static final long TIMEOUT_MILLIS = TimeUnit.SECONDS.toMillis(5);
    /** derper decodes at most this much of the answer. */
    static final int MAX_RESPONSE_BYTES = 4 << 10;

    /** Duplicate field names are refused: Go assigns them in order, a tree would keep only the last. */
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** What the webhook said. */
    public enum Outcome {
        ALLOWED,
        DENIED,
        /** Answered with a status other than 200. */
        BAD_STATUS,
        /** Answered 200 with a body that is not the expected JSON. */
        BAD_RESPONSE,
        /** Unreachable, refused, reset or timed out: the only outcome fail-open admits. */
        TRANSPORT_ERROR
    }

    private final HttpClient client;

    public VerifyWebhook(HttpClient client) {
        this.client = client;
    }

    public Future<Outcome> verify(String url, String nodePublic, String sourceIp) {
        ObjectNode body = JSON.createObjectNode().put("NodePublic", nodePublic).put("Source", sourceIp);
        RequestOptions options;
        try {
            options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
                    .setTimeout(TIMEOUT_MILLIS);
        } catch (RuntimeException badUrl) {
            return Future.succeededFuture(Outcome.TRANSPORT_ERROR);
        }
        return client.request(options)
                .compose(request -> request.send(Buffer.buffer(body.toString())))
                .transform(sent -> sent.failed()
                        ? Future.succeededFuture(Outcome.TRANSPORT_ERROR)
                        : readAnswer(sent.result()));
    }

    private static Future<Outcome> readAnswer(HttpClientResponse response) {
        if (response.statusCode() != 200) {
            response.request().reset();
            return Future.succeededFuture(Outcome.BAD_STATUS);
        }
        return response.body().transform(read -> Future.succeededFuture(read.failed()
                ? Outcome.BAD_RESPONSE
                : parse(read.result().length() <= MAX_RESPONSE_BYTES
                        ? read.result()
                        : read.result().slice(0, MAX_RESPONSE_BYTES))));
    }

    /**
     * As derper's Go decoding into {@code struct{ Allow bool }}: field names match case-insensitively and
     * every match is assigned in order (the last one wins), {@code null} changes nothing, a value of any
     * other type is an error; a missing {@code Allow} means false.
     */
    static Outcome parse(Buffer answer) {
        JsonNode node;
        try {
            node = JSON.readTree(answer.getBytes());
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

package dev.waystation.relay.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.awaitility.Awaitility;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.waystation.relay.admission.VerifyWebhook.Outcome;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * The webhook client against a webhook server written here, one path per behaviour, including the
 * hostile ones: an answer of 300 MB, an answer trickled byte by byte, and more checks than the
 * client's bounded pool and queue take.
 */
class VerifyWebhookTest {

    private static final String KEY = "nodekey:" + "ab".repeat(32);
    private static final long HUGE = 300L << 20;
    /** The production bounds. */
    private static final Settings DEFAULTS = new Settings(16, 512, Duration.ofSeconds(5), Duration.ofSeconds(5), 4);

    record Settings(int maxConnections, int maxQueued, Duration queueTimeout, Duration timeout,
            int reverifyConcurrency) implements AdmissionConfig.Webhook {
    }

    private static Vertx vertx;
    private static HttpServer server;
    private static final CopyOnWriteArrayList<JsonObject> requests = new CopyOnWriteArrayList<>();
    private static final AtomicLong hugeBytesWritten = new AtomicLong();
    private static final CompletableFuture<Void> hugeStreamCut = new CompletableFuture<>();
    private static final CopyOnWriteArrayList<HttpServerRequest> held = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startWebhook() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
            requests.add(body.toJsonObject());
            switch (req.path()) {
                case "/allow" -> req.response().end("{\"Allow\":true}");
                case "/deny" -> req.response().end("{\"Allow\":false}");
                case "/lowercase" -> req.response().end("{\"allow\":true}");
                case "/missing" -> req.response().end("{}");
                case "/garbage" -> req.response().end("<html>");
                case "/wrong-type" -> req.response().end("{\"Allow\":\"yes\"}");
                case "/status" -> req.response().setStatusCode(503).end("{\"Allow\":true}");
                case "/redirect" -> req.response().setStatusCode(307).putHeader("Location", "/allow").end();
                case "/hang" -> { /* never answers: the client's timeout decides */ }
                case "/held" -> held.add(req);
                case "/huge" -> streamHuge(req.response());
                case "/huge-declared" -> req.response().putHeader("Content-Length", Long.toString(HUGE))
                        .write("{\"Allow\":true}");
                case "/trickle" -> trickle(req.response().setChunked(true));
                default -> req.response().setStatusCode(404).end();
            }
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** 300 MB of JSON whitespace after a valid answer, written as fast as the client takes it. */
    private static void streamHuge(HttpServerResponse response) {
        response.putHeader("Content-Length", Long.toString(HUGE));
        response.closeHandler(closed -> hugeStreamCut.complete(null));
        response.exceptionHandler(error -> hugeStreamCut.complete(null));
        Buffer chunk = Buffer.buffer(" ".repeat(64 << 10));
        response.write("{\"Allow\":true}");
        hugeBytesWritten.addAndGet(14);
        Runnable[] pump = new Runnable[1];
        pump[0] = () -> {
            while (!response.writeQueueFull() && !response.closed() && hugeBytesWritten.get() + chunk.length() <= HUGE) {
                response.write(chunk);
                hugeBytesWritten.addAndGet(chunk.length());
            }
            if (!response.closed() && hugeBytesWritten.get() + chunk.length() <= HUGE) {
                response.drainHandler(drained -> pump[0].run());
            }
        };
        pump[0].run();
    }

    /** One byte of a valid answer every 100 ms, then spaces for ever: never idle, never finished. */
    private static void trickle(HttpServerResponse response) {
        String answer = "{\"Allow\":true}";
        long[] sent = {0};
        long timer = vertx.setPeriodic(100, id -> {
            if (!response.closed()) {
                int i = (int) sent[0]++;
                response.write(i < answer.length() - 1 ? answer.substring(i, i + 1) : " ");
            }
        });
        response.closeHandler(closed -> vertx.cancelTimer(timer));
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static Outcome verify(String url) throws Exception {
        return await(VerifyWebhook.create(vertx, DEFAULTS).verify(url, KEY, "192.0.2.7"));
    }

    private static Outcome await(Future<Outcome> outcome) throws Exception {
        return outcome.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + server.actualPort() + path;
    }

    @Test
    void sendsDerpersRequestBody() throws Exception {
        requests.clear();
        assertThat(verify(url("/allow"))).isEqualTo(Outcome.ALLOWED);
        assertThat(requests).singleElement().satisfies(body -> {
            assertThat(body.getString("NodePublic")).isEqualTo(KEY);
            assertThat(body.getString("Source")).isEqualTo("192.0.2.7");
        });
    }

    @Test
    void readsTheAnswerLikeGosJsonDecoder() throws Exception {
        assertThat(verify(url("/deny"))).isEqualTo(Outcome.DENIED);
        assertThat(verify(url("/lowercase"))).isEqualTo(Outcome.ALLOWED);
        assertThat(verify(url("/missing"))).isEqualTo(Outcome.DENIED);
        assertThat(verify(url("/garbage"))).isEqualTo(Outcome.BAD_RESPONSE);
        assertThat(verify(url("/wrong-type"))).isEqualTo(Outcome.BAD_RESPONSE);
    }

    @Test
    void anyStatusButOkIsABadStatusEvenWithAllowTrue() throws Exception {
        assertThat(verify(url("/status"))).isEqualTo(Outcome.BAD_STATUS);
        assertThat(verify(url("/nothing-here"))).isEqualTo(Outcome.BAD_STATUS);
    }

    @Test
    void redirectsAreNotFollowedAndReject() throws Exception {
        assertThat(verify(url("/redirect"))).isEqualTo(Outcome.BAD_STATUS);
    }

    @Test
    void refusedAndTimedOutAreTransportErrors() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        assertThat(verify("http://127.0.0.1:" + closedPort + "/allow")).isEqualTo(Outcome.TRANSPORT_ERROR);
        assertThat(verify(url("/hang"))).isEqualTo(Outcome.TRANSPORT_ERROR);
        assertThat(verify("not a url")).as("not an outage: never fail-open").isEqualTo(Outcome.INVALID_URL);
    }

    @Test
    void aHugeAnswerIsRefusedAfterTheCapAndTheStreamIsCut() throws Exception {
        assertThat(verify(url("/huge"))).isEqualTo(Outcome.ANSWER_TOO_LARGE);
        hugeStreamCut.get(20, TimeUnit.SECONDS);
        assertThat(hugeBytesWritten.get()).as("bytes the webhook got out before the client hung up")
                .isLessThan(HUGE);
        assertThat(verify(url("/huge-declared"))).as("refused on the declared length").isEqualTo(Outcome.ANSWER_TOO_LARGE);
        assertThat(verify(url("/allow"))).as("a healthy webhook afterwards").isEqualTo(Outcome.ALLOWED);
    }

    @Test
    void aTricklingAnswerMeetsTheAbsoluteDeadline() throws Exception {
        // Bytes arrive every 100 ms, well inside any idle timeout: only an absolute deadline ends it
        // (1 s here, so the case ends quickly; an idle timeout would let it run past the 20 s wait).
        VerifyWebhook webhook = VerifyWebhook.create(vertx,
                new Settings(16, 512, Duration.ofSeconds(5), Duration.ofSeconds(1), 4));
        assertThat(await(webhook.verify(url("/trickle"), KEY, ""))).isEqualTo(Outcome.TRANSPORT_ERROR);
    }

    @Test
    void aFullQueueIsLocalOverloadNotAnOutage() throws Exception {
        VerifyWebhook webhook = VerifyWebhook.create(vertx,
                new Settings(1, 1, Duration.ofMinutes(1), Duration.ofMinutes(1), 1));
        Future<Outcome> first = holdTheOnlyConnection(webhook);
        Future<Outcome> queued = webhook.verify(url("/allow"), KEY, "");
        assertThat(webhook.slots().queued()).isEqualTo(1);
        assertThat(await(webhook.verify(url("/allow"), KEY, ""))).as("pool and queue full")
                .isEqualTo(Outcome.OVERLOADED);

        held.get(0).response().end("{\"Allow\":false}");
        assertThat(await(first)).isEqualTo(Outcome.DENIED);
        assertThat(await(queued)).as("the queued check ran once a connection was free").isEqualTo(Outcome.ALLOWED);
        assertThat(webhook.slots().inFlight()).isZero();
    }

    @Test
    void waitingTooLongForAConnectionIsLocalOverloadNotAnOutage() throws Exception {
        VerifyWebhook webhook = VerifyWebhook.create(vertx,
                new Settings(1, 4, Duration.ofMillis(200), Duration.ofMinutes(1), 1));
        Future<Outcome> first = holdTheOnlyConnection(webhook);
        assertThat(await(webhook.verify(url("/allow"), KEY, ""))).isEqualTo(Outcome.OVERLOADED);
        held.get(0).response().end("{\"Allow\":true}");
        assertThat(await(first)).isEqualTo(Outcome.ALLOWED);
    }

    /** A call the webhook holds until the test answers it, occupying a one-connection pool. */
    private static Future<Outcome> holdTheOnlyConnection(VerifyWebhook webhook) {
        held.clear();
        Future<Outcome> call = webhook.verify(url("/held"), KEY, "");
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> held.size() == 1);
        return call;
    }

    @Test
    void failOpenAdmitsOnlyTransportErrors() {
        for (Outcome outcome : Outcome.values()) {
            AdmissionReason open = AdmissionReason.of(outcome, true);
            AdmissionReason closed = AdmissionReason.of(outcome, false);
            assertThat(open.admitted()).as("fail-open, %s (only a genuine outage)", outcome)
                    .isEqualTo(outcome == Outcome.ALLOWED || outcome == Outcome.TRANSPORT_ERROR);
            assertThat(closed.admitted()).as("fail-closed, %s", outcome).isEqualTo(outcome == Outcome.ALLOWED);
        }
    }
}

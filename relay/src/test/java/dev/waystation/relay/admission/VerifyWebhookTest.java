package dev.waystation.relay.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.waystation.relay.admission.VerifyWebhook.Outcome;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;

/** The webhook client against a webhook server written here, one path per behaviour. */
class VerifyWebhookTest {

    private static final String KEY = "nodekey:" + "ab".repeat(32);

    private static Vertx vertx;
    private static HttpServer server;
    private static final CopyOnWriteArrayList<JsonObject> requests = new CopyOnWriteArrayList<>();

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
                default -> req.response().setStatusCode(404).end();
            }
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static Outcome verify(String url) throws Exception {
        VerifyWebhook webhook = new VerifyWebhook(vertx.createHttpClient());
        return webhook.verify(url, KEY, "192.0.2.7").toCompletionStage().toCompletableFuture()
                .get(20, TimeUnit.SECONDS);
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
        assertThat(verify("not a url")).isEqualTo(Outcome.TRANSPORT_ERROR);
    }

    @Test
    void failOpenAdmitsOnlyTransportErrors() {
        for (Outcome outcome : Outcome.values()) {
            AdmissionReason open = AdmissionReason.of(outcome, true);
            AdmissionReason closed = AdmissionReason.of(outcome, false);
            assertThat(open.admitted()).as("fail-open, %s", outcome)
                    .isEqualTo(outcome == Outcome.ALLOWED || outcome == Outcome.TRANSPORT_ERROR);
            assertThat(closed.admitted()).as("fail-closed, %s", outcome).isEqualTo(outcome == Outcome.ALLOWED);
        }
    }
}

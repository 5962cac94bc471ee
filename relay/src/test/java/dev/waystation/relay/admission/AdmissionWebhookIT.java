package dev.waystation.relay.admission;

import static dev.waystation.relay.testing.PolicyDocs.document;
import static dev.waystation.relay.testing.PolicyDocs.source;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.sun.net.httpserver.HttpServer;

import dev.waystation.relay.testing.PolicyFileRelay;

/**
 * The admission webhook outcome table, with fail-open on and off, against a webhook server written
 * here and clients built on Tailscale's {@code derphttp}. Only transport errors (timeout, refused)
 * may be admitted, and only with fail-open; a non-200 or {@code Allow:false} always rejects.
 */
class AdmissionWebhookIT {

    private static final String REGION = "Profile(default)";

    private static HttpServer webhook;
    private static PolicyFileRelay relay;
    private static int refusedPort;

    @BeforeAll
    static void start() throws Exception {
        webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.setExecutor(Executors.newCachedThreadPool());
        webhook.createContext("/allow", exchange -> answer(exchange, 200, "{\"Allow\":true}"));
        webhook.createContext("/deny", exchange -> answer(exchange, 200, "{\"Allow\":false}"));
        webhook.createContext("/error", exchange -> answer(exchange, 500, "{\"Allow\":true}"));
        webhook.createContext("/timeout", exchange -> {
            try {
                Thread.sleep(8000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(exchange, 200, "{\"Allow\":true}");
        });
        webhook.start();
        try (ServerSocket socket = new ServerSocket(0)) {
            refusedPort = socket.getLocalPort();
        }
        relay = PolicyFileRelay.start(document(source("webhook", "Device", "STUN.Enabled: true")), Map.of());
    }

    private static void answer(com.sun.net.httpserver.HttpExchange exchange, int status, String body)
            throws IOException {
        exchange.getRequestBody().readAllBytes();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @AfterAll
    static void stop() {
        if (relay != null) {
            relay.close();
        }
        if (webhook != null) {
            webhook.stop(0);
        }
    }

    private static String url(String behaviour) {
        return "refused".equals(behaviour) ? "http://127.0.0.1:" + refusedPort + "/allow"
                : "http://127.0.0.1:" + webhook.getAddress().getPort() + "/" + behaviour;
    }

    @ParameterizedTest(name = "webhook {0}, fail-open {1}: admitted {2}")
    @CsvSource({
        "allow,   false, true",
        "allow,   true,  true",
        "deny,    false, false",
        "deny,    true,  false",
        "error,   false, false",
        "error,   true,  false",
        "timeout, false, false",
        "timeout, true,  true",
        "refused, false, false",
        "refused, true,  true",
    })
    void outcomeTable(String behaviour, boolean failOpen, boolean admitted) {
        relay.writePolicy(document(source("webhook", "Device", "Admission.VerifyURL: '" + url(behaviour) + "'",
                "Admission.VerifyURLFailOpen: " + failOpen)));
        relay.awaitSetting(REGION, "Admission.VerifyURL", "\"" + url(behaviour) + "\"");
        relay.awaitSetting(REGION, "Admission.VerifyURLFailOpen", Boolean.toString(failOpen));

        String key = PolicyFileRelay.newKeyPair().get(0);
        assertThat(relay.tryConnect(key)).as("admitted with webhook %s, fail-open %s", behaviour, failOpen)
                .isEqualTo(admitted);
    }
}

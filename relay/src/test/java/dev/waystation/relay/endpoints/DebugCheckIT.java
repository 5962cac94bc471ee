package dev.waystation.relay.endpoints;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.waystation.testing.GoCheck;
import dev.waystation.testing.GoHarness;
import dev.waystation.testing.LoopbackPorts;
import dev.waystation.testing.RelayProcess;

/**
 * {@code /debug/check} on the DERP port answers as Tailscale's derper v1.102.3 does (built from the
 * Go module and started here): from loopback, status 200 and derper's okay text with a client
 * connected; never Waystation's home page.
 */
class DebugCheckIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void answersLikeDerper() throws Exception {
        Path derper = GoHarness.build("derper", "tailscale.com/cmd/derper");
        Path work = Files.createTempDirectory("debug-check");
        int port = LoopbackPorts.free();
        int stun = LoopbackPorts.freeUdp(List.of(InetAddress.getLoopbackAddress()));
        String derperBase = "http://127.0.0.1:" + port;
        try (GoCheck.Running derperProcess = GoCheck.start(derper, Map.of(), "-a", "127.0.0.1:" + port, "-c",
                work.resolve("derper.key").toString(), "-http-port", "-1", "-stun-port", Integer.toString(stun));
                RelayProcess relay = RelayProcess.start()) {
            Awaitility.await("derper serving").atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> get(derperBase + "/generate_204").statusCode() == 204
                            || !derperProcess.process().isAlive());
            String relayBase = "http://127.0.0.1:" + relay.derpPort();
            var pair = GoCheck.newNodeKeyPair();
            try (GoCheck.Running client = GoCheck.holdConnection(relay.derpUrl(), pair.get(0), 60);
                    GoCheck.Running derperClient = GoCheck.holdConnection(derperBase + "/derp", pair.get(0), 60)) {
                Awaitility.await("clients connected").atMost(Duration.ofSeconds(30))
                        .until(() -> client.said("CONNECTED") && derperClient.said("CONNECTED"));

                HttpResponse<String> theirs = get(derperBase + "/debug/check");
                HttpResponse<String> ours = get(relayBase + "/debug/check");

                assertThat(theirs.statusCode()).as("derper's status (body %s)", theirs.body()).isEqualTo(200);
                assertThat(ours.statusCode()).as("status, body %s", ours.body()).isEqualTo(theirs.statusCode());
                assertThat(ours.body()).isEqualTo(theirs.body());
                assertThat(ours.headers().firstValue("Content-Type"))
                        .isEqualTo(theirs.headers().firstValue("Content-Type"));
            }
        }
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}

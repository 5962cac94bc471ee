package dev.waystation.relay.admission;

import static dev.waystation.relay.testing.PolicyDocs.document;
import static dev.waystation.relay.testing.PolicyDocs.source;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.waystation.relay.testing.PolicyFileRelay;

/**
 * {@code /debug/*} on the management port answers 127.0.0.1, ::1 and {@code Debug.AllowedCIDRs}
 * only; probes and Prometheus ({@code /q/health}, {@code /q/metrics}) stay open. The other caller
 * is a second loopback address, 127.0.0.2.
 */
class DebugAccessIT {

    @Test
    void debugAnswersOnlyAllowedAddressesWhileProbesStayOpen() throws Exception {
        try (PolicyFileRelay relay = PolicyFileRelay.start(document(source("debug", "Device", "STUN.Enabled: true")),
                Map.of())) {
            assertThat(statusFrom("127.0.0.2", relay, "/debug/policy")).isEqualTo(403);
            assertThat(statusFrom("127.0.0.1", relay, "/debug/policy")).isEqualTo(200);
            assertThat(statusFrom("127.0.0.2", relay, "/q/health/ready")).isEqualTo(200);
            assertThat(statusFrom("127.0.0.2", relay, "/q/metrics")).isEqualTo(200);

            relay.writePolicy(document(source("debug", "Device", "Debug.AllowedCIDRs: ['127.0.0.2/32']")));
            relay.awaitSetting("Profile(default)", "Debug.AllowedCIDRs", "[\"127.0.0.2/32\"]");
            // The typed view behind the filter hears of the change just after /debug/policy shows it.
            Awaitility.await("127.0.0.2 admitted to /debug").atMost(Duration.ofSeconds(5))
                    .until(() -> statusFrom("127.0.0.2", relay, "/debug/policy") == 200);
            assertThat(statusFrom("127.0.0.3", relay, "/debug/policy")).isEqualTo(403);
        }
    }

    /** The status of a GET sent from {@code localAddress}: the JDK's HTTP client cannot pick its source address. */
    private static int statusFrom(String localAddress, PolicyFileRelay relay, String path) throws IOException {
        URI base = URI.create(relay.relay.managementUrl("/"));
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: relay\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String statusLine = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            if (!statusLine.startsWith("HTTP/1.1 ")) {
                throw new IOException("not an HTTP response: " + statusLine);
            }
            return Integer.parseInt(statusLine.substring(9, 12));
        }
    }
}

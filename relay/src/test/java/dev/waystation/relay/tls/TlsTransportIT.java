package dev.waystation.relay.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.waystation.testing.RelayProcess;
import dev.waystation.testing.TrustEveryCertificate;

/**
 * The TLS listener under attack, on the JDK engine (the one that would otherwise accept it): a
 * client's TLS 1.2 renegotiation is refused, and a TLS session that never sends a request is closed
 * by the head timer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsTransportIT {

    private static final String HOSTNAME = "localhost";
    private static final byte[] REQUEST = "GET /generate_204 HTTP/1.1\r\nHost: localhost\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    private RelayProcess relay;

    @BeforeAll
    void startRelay() throws Exception {
        Path dir = Files.createTempDirectory("waystation-tls-transport-it");
        TestPki pki = new TestPki("Waystation test CA");
        PemFiles.write(pki.issue(HOSTNAME, HOSTNAME), dir.resolve("tls.crt"), dir.resolve("tls.key"));
        Map<String, String> config = ProductionRelayConfig.of(dir, HOSTNAME, -1);
        config.put("waystation.relay.tls.engine", "jdk");
        config.put("waystation.relay.head-timeout", "2s");
        relay = RelayProcess.start(config);
    }

    @AfterAll
    void stopRelay() {
        if (relay != null) {
            relay.close();
        }
    }

    @Test
    void clientRenegotiationIsRefused() throws Exception {
        try (SSLSocket socket = connect("TLSv1.2")) {
            socket.startHandshake();
            socket.getOutputStream().write(REQUEST);
            assertThat(readAnswer(socket.getInputStream())).startsWith("HTTP/1.1 204");
            // A second handshake on a TLS 1.2 session is a renegotiation the client starts.
            socket.startHandshake();
            socket.getOutputStream().write(REQUEST);
            Throwable refused = catchThrowable(() -> readAnswer(socket.getInputStream()));
            assertThat(refused).as("the request after the renegotiation was answered").isInstanceOf(IOException.class);
        }
        assertThat(relay.logText()).contains("DERP TLS runs on the JDK engine");
    }

    @Test
    void tlsSessionWithoutARequestIsClosed() throws Exception {
        double timeouts = relay.metric("waystation_http_head_timeouts_total");
        try (SSLSocket socket = connect("TLSv1.3")) {
            socket.startHandshake();
            assertThat(socket.getInputStream().read()).as("closed by the relay").isEqualTo(-1);
        }
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> relay.metric("waystation_http_head_timeouts_total") > timeouts);
    }

    private SSLSocket connect(String protocol) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new TrustEveryCertificate()}, new SecureRandom());
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket();
        socket.connect(new InetSocketAddress("127.0.0.1", relay.derpPort()), 10_000);
        socket.setSoTimeout(15_000);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setProtocols(new String[] {protocol});
        // Java sends no SNI when dialing an IP address; the relay answers only its own names.
        parameters.setServerNames(List.of(new SNIHostName(HOSTNAME)));
        socket.setSSLParameters(parameters);
        return socket;
    }

    /** Reads one short answer (up to the end of its head). */
    private static String readAnswer(InputStream in) throws IOException {
        StringBuilder answer = new StringBuilder();
        while (!answer.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + answer);
            }
            answer.append((char) b);
        }
        return answer.toString();
    }
}

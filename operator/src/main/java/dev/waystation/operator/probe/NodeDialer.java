package dev.waystation.operator.probe;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/** Opens the TLS connection a client would: TCP to the map's address and DERP port, then the handshake. */
final class NodeDialer {

    private final NodeTrust trust;

    NodeDialer(NodeTrust trust) {
        this.trust = trust;
    }

    /** A handshaken TLS socket whose reads time out at {@code deadlineNanos}' remaining time. */
    SSLSocket dial(ProbeTarget target, long deadlineNanos) throws IOException {
        Socket tcp = new Socket();
        try {
            tcp.connect(target.derpAddress(), remainingMillis(deadlineNanos));
            tcp.setTcpNoDelay(true);
            String serverName = target.serverName();
            SSLSocket tls = (SSLSocket) trust.contextFor(target).getSocketFactory()
                    .createSocket(tcp, serverName, target.derpPort(), true);
            SSLParameters parameters = tls.getSSLParameters();
            if (NodeTrust.verifiesName(target)) {
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
            }
            if (!isIpLiteral(serverName)) {
                parameters.setServerNames(List.of(new SNIHostName(serverName)));
            }
            tls.setSSLParameters(parameters);
            tls.setSoTimeout(remainingMillis(deadlineNanos));
            tls.startHandshake();
            return tls;
        } catch (IOException | RuntimeException e) {
            tcp.close();
            throw e;
        }
    }

    static X509Certificate leaf(SSLSocket socket) throws IOException {
        return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }

    /** Milliseconds left until the deadline, at least 1 (0 would mean "no timeout" to sockets). */
    static int remainingMillis(long deadlineNanos) throws SocketTimeoutException {
        long left = Duration.ofNanos(deadlineNanos - System.nanoTime()).toMillis();
        if (left <= 0) {
            throw new SocketTimeoutException("probe timed out");
        }
        return (int) Math.min(Integer.MAX_VALUE, left);
    }

    private static boolean isIpLiteral(String host) {
        return host.contains(":") || host.matches("[0-9.]+");
    }
}

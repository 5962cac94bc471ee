package dev.waystation.operator.probe;

import java.io.IOException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import javax.net.ssl.SSLSocket;

import dev.waystation.relay.derp.NodeKey;

/** The four checks, each against one node, each within the probe timeout. */
final class NodeProbes {

    /** derpprobe sends 8 random bytes per mesh probe. */
    static final int PACKET_SIZE = 8;
    /**
     * A packet to a client on another node is lost if it arrives before that node told this one the
     * client exists (derpprobe waits 100 ms once); the probe sends again at this pace until the timeout.
     */
    static final Duration RESEND_INTERVAL = Duration.ofMillis(100);

    private final NodeDialer dialer;
    private final SecureRandom random = new SecureRandom();
    private final Duration timeout;
    private final Duration certificateMinLifetime;

    NodeProbes(NodeDialer dialer, Duration timeout, Duration certificateMinLifetime) {
        this.dialer = dialer;
        this.timeout = timeout;
        this.certificateMinLifetime = certificateMinLifetime;
    }

    /** Runs one probe; an exception becomes a failed outcome with its message. */
    ProbeOutcome run(ProbeKind kind, ProbeTarget target, List<ProbeTarget> regionNodes) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        try {
            ProbeOutcome outcome = switch (kind) {
                case TLS -> tls(target, deadline, start);
                case STUN -> stun(target, deadline, start);
                case DERP -> roundTrip(target, target, deadline, start);
                case MESH -> mesh(target, regionNodes, deadline, start);
            };
            return outcome;
        } catch (IOException | RuntimeException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return ProbeOutcome.fail(kind, Duration.ofNanos(System.nanoTime() - start), message);
        }
    }

    private ProbeOutcome tls(ProbeTarget target, long deadline, long start) throws IOException {
        try (SSLSocket socket = dialer.dial(target, deadline)) {
            X509Certificate leaf = NodeDialer.leaf(socket);
            Duration latency = Duration.ofNanos(System.nanoTime() - start);
            Instant notAfter = leaf.getNotAfter().toInstant();
            if (notAfter.isBefore(Instant.now().plus(certificateMinLifetime))) {
                return ProbeOutcome.fail(ProbeKind.TLS, latency, "certificate expires at " + notAfter
                        + ", within " + certificateMinLifetime.toDays() + " days").withCertificateNotAfter(notAfter);
            }
            return ProbeOutcome.pass(ProbeKind.TLS, latency).withCertificateNotAfter(notAfter);
        }
    }

    private ProbeOutcome stun(ProbeTarget target, long deadline, long start) throws IOException {
        if (!target.stunEnabled()) {
            return ProbeOutcome.pass(ProbeKind.STUN, Duration.ZERO);
        }
        StunProbe.run(target, random, deadline);
        return ProbeOutcome.pass(ProbeKind.STUN, Duration.ofNanos(System.nanoTime() - start));
    }

    /** From a client on this node to a client on every other node of the region; the first failure decides. */
    private ProbeOutcome mesh(ProbeTarget target, List<ProbeTarget> regionNodes, long deadline, long start)
            throws IOException {
        for (ProbeTarget other : regionNodes) {
            if (!other.nodeName().equals(target.nodeName())) {
                try {
                    roundTrip(target, other, deadline, start);
                } catch (IOException e) {
                    throw new IOException(target.nodeName() + " -> " + other.nodeName() + ": " + e.getMessage(), e);
                }
            }
        }
        return ProbeOutcome.pass(ProbeKind.MESH, Duration.ofNanos(System.nanoTime() - start));
    }

    /** A client on {@code from} sends a random packet to a client on {@code to} (the same node: the DERP probe). */
    private ProbeOutcome roundTrip(ProbeTarget from, ProbeTarget to, long deadline, long start) throws IOException {
        boolean sameNode = from.nodeName().equals(to.nodeName());
        try (DerpProbeClient sender = DerpProbeClient.connect(dialer, from, random, deadline);
                DerpProbeClient receiver = sameNode ? null : DerpProbeClient.connect(dialer, to, random, deadline)) {
            DerpProbeClient destination = sameNode ? sender : receiver;
            NodeKey destinationKey = destination.publicKey();
            byte[] packet = new byte[PACKET_SIZE];
            random.nextBytes(packet);
            while (true) {
                sender.send(destinationKey, packet);
                byte[] received = destination.receiveFrom(sender.publicKey(),
                        System.nanoTime() + RESEND_INTERVAL.toNanos());
                if (received != null) {
                    if (!java.util.Arrays.equals(received, packet)) {
                        throw new IOException("received a packet other than the one sent");
                    }
                    return ProbeOutcome.pass(sameNode ? ProbeKind.DERP : ProbeKind.MESH,
                            Duration.ofNanos(System.nanoTime() - start));
                }
                if (System.nanoTime() >= deadline) {
                    throw new IOException("the packet did not arrive within " + timeout.toMillis() + " ms");
                }
            }
        }
    }
}

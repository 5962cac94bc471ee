package dev.waystation.operator.probe;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

import javax.net.ssl.SSLSocket;

import dev.waystation.relay.derp.FrameType;
import dev.waystation.relay.derp.NaclBox;
import dev.waystation.relay.derp.NodeKey;
import dev.waystation.relay.derp.NodePrivateKey;
import dev.waystation.relay.derp.Protocol;

/**
 * A blocking DERP client for one probe: TLS, the HTTP upgrade, the key exchange as a prober
 * ({@code IsProber} in ClientInfo, so the relay does not log it as a peer), then packets to and from
 * other clients. One thread uses it; every read is bounded by the probe's deadline.
 */
final class DerpProbeClient implements AutoCloseable {

    /** ClientInfo as Tailscale's prober sends it. */
    private static final byte[] CLIENT_INFO = ("{\"version\":" + Protocol.VERSION + ",\"IsProber\":true}")
            .getBytes(StandardCharsets.UTF_8);
    /** The HTTP response head is a status line and a few headers; anything longer is not a DERP server. */
    private static final int MAX_RESPONSE_HEAD = 8 * 1024;
    private static final int SWITCHING_PROTOCOLS = 101;

    private final SSLSocket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final NodePrivateKey key;
    private final long deadlineNanos;

    private DerpProbeClient(SSLSocket socket, NodePrivateKey key, long deadlineNanos) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        this.out = new DataOutputStream(socket.getOutputStream());
        this.key = key;
        this.deadlineNanos = deadlineNanos;
    }

    /** Connects to the node and completes the DERP handshake, all before {@code deadlineNanos}. */
    static DerpProbeClient connect(NodeDialer dialer, ProbeTarget target, SecureRandom random, long deadlineNanos)
            throws IOException {
        SSLSocket socket = dialer.dial(target, deadlineNanos);
        DerpProbeClient client = null;
        try {
            client = new DerpProbeClient(socket, NodePrivateKey.generate(random), deadlineNanos);
            client.upgrade(target);
            client.handshake(random);
            return client;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    NodeKey publicKey() {
        return key.publicKey();
    }

    private void upgrade(ProbeTarget target) throws IOException {
        String request = "GET " + Protocol.DERP_PATH + " HTTP/1.1\r\nHost: " + target.node().getHostName()
                + "\r\nUpgrade: DERP\r\nConnection: Upgrade\r\n\r\n";
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String head = readResponseHead();
        String statusLine = head.lines().findFirst().orElse("");
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[1].equals(Integer.toString(SWITCHING_PROTOCOLS))) {
            throw new IOException("the DERP upgrade was answered '" + statusLine + "', not 101 Switching Protocols");
        }
    }

    private String readResponseHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < end.length) {
            int b = read();
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == end[0] ? 1 : 0);
            if (head.size() > MAX_RESPONSE_HEAD) {
                throw new IOException("HTTP response head longer than " + MAX_RESPONSE_HEAD + " bytes");
            }
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private void handshake(SecureRandom random) throws IOException {
        byte[] serverKeyFrame = expectFrame(FrameType.SERVER_KEY);
        int keyOffset = Protocol.MAGIC.length;
        if (serverKeyFrame.length < keyOffset + Protocol.KEY_LENGTH
                || !Arrays.equals(serverKeyFrame, 0, keyOffset, Protocol.MAGIC, 0, keyOffset)) {
            throw new IOException("the first frame is not a DERP ServerKey");
        }
        NodeKey serverKey = NodeKey.fromBytes(Arrays.copyOfRange(serverKeyFrame, keyOffset, keyOffset + Protocol.KEY_LENGTH));
        byte[] box = NaclBox.seal(key, serverKey, CLIENT_INFO, random);
        byte[] payload = new byte[Protocol.KEY_LENGTH + box.length];
        System.arraycopy(key.publicKey().toBytes(), 0, payload, 0, Protocol.KEY_LENGTH);
        System.arraycopy(box, 0, payload, Protocol.KEY_LENGTH, box.length);
        writeFrame(FrameType.CLIENT_INFO, payload);
        // ServerInfo says the relay admitted us; its content (rate hints) does not matter to a probe.
        expectFrame(FrameType.SERVER_INFO);
    }

    /** Sends {@code packet} to the client holding {@code destination}. */
    void send(NodeKey destination, byte[] packet) throws IOException {
        byte[] payload = new byte[Protocol.KEY_LENGTH + packet.length];
        System.arraycopy(destination.toBytes(), 0, payload, 0, Protocol.KEY_LENGTH);
        System.arraycopy(packet, 0, payload, Protocol.KEY_LENGTH, packet.length);
        writeFrame(FrameType.SEND_PACKET, payload);
    }

    /**
     * Waits for a packet from {@code source} until {@code untilNanos} (never past the probe's deadline):
     * its bytes, or null when none came in time. Other frames are skipped; a Ping is answered.
     */
    byte[] receiveFrom(NodeKey source, long untilNanos) throws IOException {
        long until = Math.min(untilNanos, deadlineNanos);
        while (true) {
            int left = (int) Math.max(1, (until - System.nanoTime()) / 1_000_000);
            if (System.nanoTime() >= until) {
                return null;
            }
            socket.setSoTimeout(left);
            int type;
            try {
                type = in.readUnsignedByte();
            } catch (SocketTimeoutException e) {
                return null;
            }
            socket.setSoTimeout(NodeDialer.remainingMillis(deadlineNanos));
            byte[] payload = readPayload();
            if (type == FrameType.RECV_PACKET && payload.length >= Protocol.KEY_LENGTH
                    && NodeKey.fromBytes(Arrays.copyOf(payload, Protocol.KEY_LENGTH)).equals(source)) {
                return Arrays.copyOfRange(payload, Protocol.KEY_LENGTH, payload.length);
            }
            if (type == FrameType.PING) {
                writeFrame(FrameType.PONG, payload);
            }
        }
    }

    private byte[] expectFrame(byte wanted) throws IOException {
        socket.setSoTimeout(NodeDialer.remainingMillis(deadlineNanos));
        int type = read();
        byte[] payload = readPayload();
        if (type != wanted) {
            throw new IOException("expected DERP frame type " + wanted + ", got " + type);
        }
        return payload;
    }

    private byte[] readPayload() throws IOException {
        long length = in.readInt() & 0xFFFFFFFFL;
        if (length > Protocol.KEY_LENGTH + Protocol.MAX_PACKET_SIZE) {
            throw new IOException("DERP frame of " + length + " bytes is larger than any frame a client receives");
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        return payload;
    }

    private int read() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("the relay closed the connection");
        }
        return b;
    }

    private void writeFrame(byte type, byte[] payload) throws IOException {
        out.writeByte(type);
        out.writeInt(payload.length);
        out.write(payload);
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

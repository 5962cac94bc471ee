package dev.waystation.relay.derp;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * A hand-driven client for what Tailscale's client never sends (malformed input, unknown frames):
 * raw bytes on a plain socket, with just enough protocol to get through the handshake.
 */
final class RawDerpClient implements AutoCloseable {

    /** One frame as read off the wire. */
    record Frame(byte type, byte[] payload) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    final Socket socket = new Socket();
    final OutputStream out;
    final DataInputStream in;

    RawDerpClient(int port) throws IOException {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(15_000);
        out = socket.getOutputStream();
        in = new DataInputStream(socket.getInputStream());
    }

    /** The DERP upgrade request for {@code /derp}. */
    static final byte[] UPGRADE_REQUEST = "GET /derp HTTP/1.1\r\nHost: relay\r\nUpgrade: DERP\r\nConnection: Upgrade\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    /** Sends the upgrade request, reads the 101 head and the ServerKey frame; returns the server key. */
    NodeKey upgrade() throws IOException {
        send(UPGRADE_REQUEST);
        return readUpgradeAnswer(in);
    }

    /** Reads the 101 head and the ServerKey frame that answer {@link #UPGRADE_REQUEST}; returns the server key. */
    static NodeKey readUpgradeAnswer(DataInputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed inside the response head: " + head);
            }
            head.append((char) b);
        }
        if (!head.toString().startsWith("HTTP/1.1 101 ")) {
            throw new IOException("not a 101: " + head);
        }
        byte type = in.readByte();
        int length = in.readInt();
        byte[] payload = new byte[length];
        in.readFully(payload);
        if (type != FrameType.SERVER_KEY || length < 40) {
            throw new IOException("first frame is not ServerKey");
        }
        byte[] key = new byte[Protocol.KEY_LENGTH];
        System.arraycopy(payload, Protocol.MAGIC.length, key, 0, Protocol.KEY_LENGTH);
        return NodeKey.fromBytes(key);
    }

    /** Upgrades, sends a sealed ClientInfo for a fresh key and reads frames up to ServerInfo; returns the key. */
    NodePrivateKey handshake() throws IOException {
        NodeKey server = upgrade();
        NodePrivateKey me = NodePrivateKey.generate(RANDOM);
        send(frame(FrameType.CLIENT_INFO, sealedClientInfo(me, server)));
        readUntil(FrameType.SERVER_INFO);
        return me;
    }

    /** A ClientInfo payload: our public key, then the sealed JSON. */
    static byte[] sealedClientInfo(NodePrivateKey me, NodeKey server) {
        byte[] box = NaclBox.seal(me, server, "{\"version\":2,\"CanAckPings\":true}".getBytes(StandardCharsets.UTF_8),
                RANDOM);
        return ByteBuffer.allocate(Protocol.KEY_LENGTH + box.length).put(me.publicKey().toBytes()).put(box).array();
    }

    /** Reads the next frame, waiting at most the socket timeout. */
    Frame readFrame() throws IOException {
        byte type = in.readByte();
        byte[] payload = new byte[in.readInt()];
        in.readFully(payload);
        return new Frame(type, payload);
    }

    /** Reads frames until one of {@code type} (skipping KeepAlives and the like) and returns it. */
    Frame readUntil(byte type) throws IOException {
        while (true) {
            Frame frame = readFrame();
            if (frame.type() == type) {
                return frame;
            }
        }
    }

    void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    static byte[] frame(byte type, byte[] payload) {
        return ByteBuffer.allocate(Protocol.FRAME_HEADER_LENGTH + payload.length).put(type).putInt(payload.length)
                .put(payload).array();
    }

    /** Reads until the server closes the connection; true if it did within the socket timeout. */
    boolean closedByServer() {
        return closedByServer(socket);
    }

    /** Reads {@code socket} until the server closes it; true if it did within the socket timeout. */
    static boolean closedByServer(Socket socket) {
        byte[] sink = new byte[4096];
        try {
            InputStream stream = socket.getInputStream();
            while (stream.read(sink) >= 0) {
                // discard whatever the server still sends (a 400 response, ServerInfo, ...)
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

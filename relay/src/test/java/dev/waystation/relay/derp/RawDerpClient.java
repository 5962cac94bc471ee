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

/** A hand-driven client for feeding the relay malformed input: raw bytes on a plain socket. */
final class RawDerpClient implements AutoCloseable {

    final Socket socket = new Socket();
    final OutputStream out;
    final DataInputStream in;

    RawDerpClient(int port) throws IOException {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(15_000);
        out = socket.getOutputStream();
        in = new DataInputStream(socket.getInputStream());
    }

    /** Sends the upgrade request, reads the 101 head and the ServerKey frame; returns the server key. */
    NodeKey upgrade() throws IOException {
        send(("GET /derp HTTP/1.1\r\nHost: relay\r\nUpgrade: DERP\r\nConnection: Upgrade\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
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

    void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    static byte[] frame(byte type, byte[] payload) {
        return ByteBuffer.allocate(Protocol.FRAME_HEADER_LENGTH + payload.length).put(type).putInt(payload.length)
                .put(payload).array();
    }

    /** Reads until the server closes the connection; true if it did within the socket timeout. */
    boolean closedByServer() throws IOException {
        InputStream stream = socket.getInputStream();
        byte[] sink = new byte[4096];
        try {
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

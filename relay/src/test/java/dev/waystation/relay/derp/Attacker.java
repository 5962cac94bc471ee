package dev.waystation.relay.derp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The attacking side of {@code AdversarialIT}: raw loopback sockets that send what an attacker
 * sends and read nothing unless told to. Every loop is bounded by a byte or connection count, and
 * every wait by a deadline.
 */
final class Attacker {

    /** How long a write may make no progress before the peer counts as no longer reading. */
    private static final long STALL_MILLIS = 3000;

    private Attacker() {
    }

    /**
     * Writes {@code unit} over and over on a non-blocking channel until {@code maxBytes} are written
     * or the relay stops taking bytes (no progress for a few seconds). Returns the bytes written.
     */
    static long writeUntilStalled(SocketChannel channel, byte[] unit, long maxBytes) throws IOException {
        channel.configureBlocking(false);
        ByteBuffer chunk = repeated(unit, 64 * 1024);
        long written = 0;
        try (Selector selector = Selector.open()) {
            channel.register(selector, SelectionKey.OP_WRITE);
            while (written < maxBytes) {
                if (!chunk.hasRemaining()) {
                    chunk.rewind();
                }
                int n;
                try {
                    n = channel.write(chunk);
                } catch (IOException closedByRelay) {
                    return written;
                }
                written += n;
                if (n == 0) {
                    selector.selectedKeys().clear();
                    if (selector.select(STALL_MILLIS) == 0) {
                        return written;
                    }
                }
            }
        }
        return written;
    }

    private static ByteBuffer repeated(byte[] unit, int about) {
        int copies = Math.max(1, about / unit.length);
        ByteBuffer buffer = ByteBuffer.allocate(copies * unit.length);
        for (int i = 0; i < copies; i++) {
            buffer.put(unit);
        }
        return buffer.flip();
    }

    /**
     * A connected channel that reads nothing: its receive buffer is made small before connecting, so
     * the relay's outbound side fills after a few KiB instead of the megabytes loopback would absorb.
     */
    static SocketChannel nonReading(int port) throws IOException {
        SocketChannel channel = SocketChannel.open();
        channel.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
        channel.connect(new InetSocketAddress("127.0.0.1", port));
        return channel;
    }

    /** Opens {@code count} plain sockets to the port, each having sent {@code prefix} (may be empty). */
    static List<Socket> open(int port, int count, byte[] prefix) throws IOException {
        List<Socket> sockets = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(30_000);
            if (prefix.length > 0) {
                socket.getOutputStream().write(prefix);
                socket.getOutputStream().flush();
            }
            sockets.add(socket);
        }
        return sockets;
    }

    static void closeAll(List<Socket> sockets) {
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
    }

    /** A DERP-over-WebSocket upgrade request for {@code /derp}. */
    static byte[] webSocketUpgrade() {
        return ("GET /derp HTTP/1.1\r\nHost: relay\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Protocol: derp\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** A masked client ping with the largest payload a control frame may carry (125 bytes), so each pong costs the relay as much. */
    static byte[] webSocketPing() {
        byte[] frame = new byte[2 + 4 + 125];
        frame[0] = (byte) 0x89;
        frame[1] = (byte) (0x80 | 125);
        return frame;
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}

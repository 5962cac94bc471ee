package dev.waystation.operator.probe;

import static dev.waystation.relay.stun.StunWire.ATTRIBUTE_HEADER_LENGTH;
import static dev.waystation.relay.stun.StunWire.ATTR_FINGERPRINT;
import static dev.waystation.relay.stun.StunWire.ATTR_SOFTWARE;
import static dev.waystation.relay.stun.StunWire.BINDING_REQUEST;
import static dev.waystation.relay.stun.StunWire.BINDING_SUCCESS;
import static dev.waystation.relay.stun.StunWire.FINGERPRINT_ATTRIBUTE_LENGTH;
import static dev.waystation.relay.stun.StunWire.FINGERPRINT_XOR;
import static dev.waystation.relay.stun.StunWire.HEADER_LENGTH;
import static dev.waystation.relay.stun.StunWire.MAGIC_COOKIE;
import static dev.waystation.relay.stun.StunWire.MAGIC_COOKIE_OFFSET;
import static dev.waystation.relay.stun.StunWire.TAILSCALE_SOFTWARE;
import static dev.waystation.relay.stun.StunWire.TAILSCALE_SOFTWARE_LENGTH;
import static dev.waystation.relay.stun.StunWire.TRANSACTION_ID_LENGTH;
import static dev.waystation.relay.stun.StunWire.TRANSACTION_ID_OFFSET;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * derpprobe's UDP check: a Binding Request as Tailscale clients send it (SOFTWARE "tailnode" and a
 * FINGERPRINT, which derper requires) to the map's address and STUN port, answered by a Binding
 * Success carrying the same transaction id. Each wait for an answer lasts at most 2 s; a lost
 * datagram is sent again until the probe's deadline.
 */
final class StunProbe {

    /** derpprobe's read deadline per attempt. */
    static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(2);
    /** A response is at most a path MTU; derpprobe reads into a jumbo-frame buffer. */
    private static final int RECEIVE_BUFFER = 9000;
    private static final int ATTRIBUTES_LENGTH = ATTRIBUTE_HEADER_LENGTH + TAILSCALE_SOFTWARE_LENGTH
            + FINGERPRINT_ATTRIBUTE_LENGTH;

    private StunProbe() {
    }

    /** Passes on the first matching answer; throws with the reason otherwise. */
    static void run(ProbeTarget target, SecureRandom random, long deadlineNanos) throws IOException {
        byte[] transaction = new byte[TRANSACTION_ID_LENGTH];
        random.nextBytes(transaction);
        byte[] request = request(transaction);
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(target.stunAddress());
            byte[] buffer = new byte[RECEIVE_BUFFER];
            while (true) {
                int left = NodeDialer.remainingMillis(deadlineNanos);
                socket.send(new DatagramPacket(request, request.length));
                socket.setSoTimeout((int) Math.min(left, ATTEMPT_TIMEOUT.toMillis()));
                DatagramPacket answer = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(answer);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                check(Arrays.copyOf(buffer, answer.getLength()), transaction);
                return;
            }
        } catch (SocketTimeoutException e) {
            throw new SocketTimeoutException("no STUN answer from " + target.stunAddress() + " before the probe's timeout");
        }
    }

    static byte[] request(byte[] transaction) {
        ByteBuffer message = ByteBuffer.allocate(HEADER_LENGTH + ATTRIBUTES_LENGTH);
        message.putShort((short) BINDING_REQUEST).putShort((short) ATTRIBUTES_LENGTH).putInt(MAGIC_COOKIE)
                .put(transaction);
        message.putShort((short) ATTR_SOFTWARE).putShort((short) TAILSCALE_SOFTWARE_LENGTH).putLong(TAILSCALE_SOFTWARE);
        CRC32 crc = new CRC32();
        crc.update(message.array(), 0, message.position());
        message.putShort((short) ATTR_FINGERPRINT).putShort((short) (FINGERPRINT_ATTRIBUTE_LENGTH - ATTRIBUTE_HEADER_LENGTH))
                .putInt((int) crc.getValue() ^ FINGERPRINT_XOR);
        return message.array();
    }

    private static void check(byte[] answer, byte[] transaction) throws IOException {
        if (answer.length < HEADER_LENGTH) {
            throw new IOException("STUN answer of " + answer.length + " bytes is shorter than a header");
        }
        ByteBuffer header = ByteBuffer.wrap(answer);
        int type = header.getShort(0) & 0xFFFF;
        if (type != BINDING_SUCCESS || header.getInt(MAGIC_COOKIE_OFFSET) != MAGIC_COOKIE) {
            throw new IOException(String.format("STUN answer is type 0x%04x, not a Binding Success", type));
        }
        if (!Arrays.equals(answer, TRANSACTION_ID_OFFSET, TRANSACTION_ID_OFFSET + TRANSACTION_ID_LENGTH,
                transaction, 0, TRANSACTION_ID_LENGTH)) {
            throw new IOException("STUN answer carries another transaction id");
        }
    }
}

package dev.waystation.relay.stun;

import static dev.waystation.relay.stun.StunWire.ATTRIBUTE_HEADER_LENGTH;
import static dev.waystation.relay.stun.StunWire.ATTR_XOR_MAPPED_ADDRESS;
import static dev.waystation.relay.stun.StunWire.BINDING_SUCCESS;
import static dev.waystation.relay.stun.StunWire.FAMILY_IPV4;
import static dev.waystation.relay.stun.StunWire.FAMILY_IPV6;
import static dev.waystation.relay.stun.StunWire.HEADER_LENGTH;
import static dev.waystation.relay.stun.StunWire.IPV4_LENGTH;
import static dev.waystation.relay.stun.StunWire.IPV6_LENGTH;
import static dev.waystation.relay.stun.StunWire.LENGTH_OFFSET;
import static dev.waystation.relay.stun.StunWire.MAGIC_COOKIE;
import static dev.waystation.relay.stun.StunWire.MAPPED_ADDRESS_PREFIX_LENGTH;
import static dev.waystation.relay.stun.StunWire.PORT_XOR;
import static dev.waystation.relay.stun.StunWire.TRANSACTION_ID_OFFSET;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import io.netty.buffer.ByteBuf;

/**
 * Writes derper's Binding Success Response: header plus one XOR-MAPPED-ADDRESS, nothing else
 * (no SOFTWARE, no FINGERPRINT), 32 bytes for IPv4 clients and 44 for IPv6 clients. IPv4 clients,
 * including ones seen as {@code ::ffff:a.b.c.d} on a dual-stack socket, always get family IPv4
 * with the plain 4-byte address.
 *
 * <p>The response overwrites the request in its own buffer: the magic cookie and transaction id
 * already sit where the response needs them, so only the type, the length and the attribute are
 * written. Every reply is at most the request's 20-byte header plus the mapped-address attribute.
 */
final class BindingResponse {

    private static final int IPV4_MAPPED_PREFIX_ZEROS = 10;
    private static final int IPV4_MAPPED_MARKER = 0xFFFF;

    private BindingResponse() {
    }

    /** Length of the response for {@code client}. */
    static int length(InetAddress client) {
        return HEADER_LENGTH + ATTRIBUTE_HEADER_LENGTH + MAPPED_ADDRESS_PREFIX_LENGTH
                + (isIpv4(client) ? IPV4_LENGTH : IPV6_LENGTH);
    }

    /** True for IPv4 senders, plain or IPv4-mapped; what derper counts as family {@code ipv4}. */
    static boolean isIpv4(InetAddress client) {
        if (client instanceof Inet4Address) {
            return true;
        }
        byte[] address = client.getAddress();
        for (int i = 0; i < IPV4_MAPPED_PREFIX_ZEROS; i++) {
            if (address[i] != 0) {
                return false;
            }
        }
        return ((address[IPV4_MAPPED_PREFIX_ZEROS] & 0xFF) << 8 | (address[IPV4_MAPPED_PREFIX_ZEROS + 1] & 0xFF))
                == IPV4_MAPPED_MARKER;
    }

    /**
     * Turns the request header at {@code buf.readerIndex()} into the response for {@code client}:
     * the buffer must hold the request's 20-byte header there and have room for
     * {@link #length(InetAddress)} bytes; its writer index ends after the response.
     */
    static void writeInPlace(ByteBuf buf, InetSocketAddress client) {
        int start = buf.readerIndex();
        InetAddress address = client.getAddress();
        boolean ipv4 = isIpv4(address);
        int addressLength = ipv4 ? IPV4_LENGTH : IPV6_LENGTH;
        int valueLength = MAPPED_ADDRESS_PREFIX_LENGTH + addressLength;

        buf.setShort(start, BINDING_SUCCESS);
        buf.setShort(start + LENGTH_OFFSET, ATTRIBUTE_HEADER_LENGTH + valueLength);
        int attribute = start + HEADER_LENGTH;
        buf.setShort(attribute, ATTR_XOR_MAPPED_ADDRESS);
        buf.setShort(attribute + 2, valueLength);
        buf.setByte(attribute + 4, 0);
        buf.setByte(attribute + 5, ipv4 ? FAMILY_IPV4 : FAMILY_IPV6);
        buf.setShort(attribute + 6, client.getPort() ^ PORT_XOR);
        int xored = attribute + 8;
        byte[] raw = address.getAddress();
        int rawOffset = raw.length - addressLength;
        // The first four address bytes are XORed with the magic cookie, the rest with the transaction id.
        buf.setInt(xored, readInt(raw, rawOffset) ^ MAGIC_COOKIE);
        for (int i = IPV4_LENGTH; i < addressLength; i++) {
            buf.setByte(xored + i, raw[rawOffset + i] ^ buf.getByte(start + TRANSACTION_ID_OFFSET + i - IPV4_LENGTH));
        }
        buf.writerIndex(xored + addressLength);
    }

    private static int readInt(byte[] bytes, int offset) {
        return (bytes[offset] & 0xFF) << 24 | (bytes[offset + 1] & 0xFF) << 16
                | (bytes[offset + 2] & 0xFF) << 8 | (bytes[offset + 3] & 0xFF);
    }
}

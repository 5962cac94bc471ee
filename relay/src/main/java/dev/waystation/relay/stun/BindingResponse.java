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
    /**
     * {@code Inet4Address.hashCode()} is the address as an int in every OpenJDK, which reads it without
     * the array copy {@code getAddress()} makes. Checked once here; if a JDK ever differs, the copy is used.
     */
    private static final boolean IPV4_HASH_IS_ADDRESS = ipv4HashIsAddress();

    private BindingResponse() {
    }

    /** True for IPv4 senders, plain or IPv4-mapped; what derper counts as family {@code ipv4}. */
    static boolean isIpv4(InetAddress client) {
        return client instanceof Inet4Address || isIpv4Mapped(client.getAddress());
    }

    private static boolean isIpv4Mapped(byte[] address) {
        if (address.length != IPV6_LENGTH) {
            return false;
        }
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
     * {@link StunWire#MAX_RESPONSE_LENGTH} bytes; its writer index ends after the response.
     * Allocates nothing for IPv4 clients; for IPv6 ones the JDK's copy of the 16 address bytes is
     * the only way to read them.
     *
     * @return whether the client got the IPv4 form (for the address-family counter)
     */
    static boolean writeInPlace(ByteBuf buf, InetSocketAddress client) {
        InetAddress address = client.getAddress();
        if (address instanceof Inet4Address ipv4) {
            writeMapped(buf, client.getPort(), FAMILY_IPV4, IPV4_LENGTH,
                    IPV4_HASH_IS_ADDRESS ? ipv4.hashCode() : readInt(ipv4.getAddress(), 0), null);
            return true;
        }
        byte[] raw = address.getAddress();
        if (isIpv4Mapped(raw)) {
            writeMapped(buf, client.getPort(), FAMILY_IPV4, IPV4_LENGTH, readInt(raw, IPV6_LENGTH - IPV4_LENGTH), null);
            return true;
        }
        writeMapped(buf, client.getPort(), FAMILY_IPV6, IPV6_LENGTH, readInt(raw, 0), raw);
        return false;
    }

    /**
     * Writes header type and length plus XOR-MAPPED-ADDRESS. The first four address bytes
     * ({@code firstWord}) are XORed with the magic cookie; for IPv6 the other twelve ({@code ipv6})
     * are XORed with the transaction id, which is still in place from the request.
     */
    private static void writeMapped(ByteBuf buf, int port, int family, int addressLength, int firstWord, byte[] ipv6) {
        int start = buf.readerIndex();
        int valueLength = MAPPED_ADDRESS_PREFIX_LENGTH + addressLength;
        buf.setShort(start, BINDING_SUCCESS);
        buf.setShort(start + LENGTH_OFFSET, ATTRIBUTE_HEADER_LENGTH + valueLength);
        int attribute = start + HEADER_LENGTH;
        buf.setShort(attribute, ATTR_XOR_MAPPED_ADDRESS);
        buf.setShort(attribute + 2, valueLength);
        buf.setByte(attribute + 4, 0);
        buf.setByte(attribute + 5, family);
        buf.setShort(attribute + 6, port ^ PORT_XOR);
        int xored = attribute + 8;
        buf.setInt(xored, firstWord ^ MAGIC_COOKIE);
        for (int i = IPV4_LENGTH; i < addressLength; i++) {
            buf.setByte(xored + i, ipv6[i] ^ buf.getByte(start + TRANSACTION_ID_OFFSET + i - IPV4_LENGTH));
        }
        buf.writerIndex(xored + addressLength);
    }

    private static boolean ipv4HashIsAddress() {
        try {
            InetAddress probe = InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, (byte) 201});
            return probe.hashCode() == readInt(probe.getAddress(), 0);
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static int readInt(byte[] bytes, int offset) {
        return (bytes[offset] & 0xFF) << 24 | (bytes[offset + 1] & 0xFF) << 16
                | (bytes[offset + 2] & 0xFF) << 8 | (bytes[offset + 3] & 0xFF);
    }
}

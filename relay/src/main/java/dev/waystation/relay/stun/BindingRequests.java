package dev.waystation.relay.stun;

import static dev.waystation.relay.stun.StunWire.ATTRIBUTE_HEADER_LENGTH;
import static dev.waystation.relay.stun.StunWire.ATTR_FINGERPRINT;
import static dev.waystation.relay.stun.StunWire.ATTR_SOFTWARE;
import static dev.waystation.relay.stun.StunWire.BINDING_REQUEST;
import static dev.waystation.relay.stun.StunWire.COMPREHENSION_OPTIONAL_MIN;
import static dev.waystation.relay.stun.StunWire.FINGERPRINT_ATTRIBUTE_LENGTH;
import static dev.waystation.relay.stun.StunWire.FINGERPRINT_VALUE_LENGTH;
import static dev.waystation.relay.stun.StunWire.FINGERPRINT_XOR;
import static dev.waystation.relay.stun.StunWire.HEADER_LENGTH;
import static dev.waystation.relay.stun.StunWire.LENGTH_OFFSET;
import static dev.waystation.relay.stun.StunWire.MAGIC_COOKIE;
import static dev.waystation.relay.stun.StunWire.MAGIC_COOKIE_OFFSET;
import static dev.waystation.relay.stun.StunWire.TAILSCALE_SOFTWARE;
import static dev.waystation.relay.stun.StunWire.TAILSCALE_SOFTWARE_LENGTH;
import static dev.waystation.relay.stun.StunWire.TOP_BITS_MASK;

import io.netty.buffer.ByteBuf;

/**
 * Classifies a received datagram in place (absolute reads, no copies, no allocation).
 *
 * <p>Tailscale clients are answered exactly when derper answers them: a
 * Binding Request whose attributes, walked over every byte after the header (derper ignores the
 * header's length field), are well formed, include {@code SOFTWARE="tailnode"} and end with a
 * FINGERPRINT equal to CRC-32 of everything before it XOR "STUN".
 *
 * <p>With {@code answerAllClients}, any plain RFC 5389/8489 Binding Request is answered as well,
 * provided it is strictly valid: the header length matches the datagram, a FINGERPRINT (optional
 * there) is last and correct, and it carries no comprehension-required attribute. Such attributes
 * (USERNAME, MESSAGE-INTEGRITY, CHANGE-REQUEST...) ask for authentication or RFC 5780 behaviour
 * this server does not offer; the RFC reply would be an error response, and this server sends
 * nothing but binding successes.
 */
final class BindingRequests {

    /**
     * Largest datagram considered. The receive buffer is one byte larger, so a datagram that filled
     * it may have been truncated by the kernel and is never taken for a valid request.
     */
    static final int MAX_REQUEST_LENGTH = 2047;

    private BindingRequests() {
    }

    /**
     * Verdict for the readable bytes of {@code datagram}; its indices are left unchanged.
     * {@code responseLength} is what the answer would take: other clients' requests must be at least
     * that long (Tailscale's are answered as derper answers them).
     */
    static Verdict classify(ByteBuf datagram, boolean answerAllClients, int responseLength) {
        int start = datagram.readerIndex();
        int length = datagram.readableBytes();
        if (length < HEADER_LENGTH
                || (datagram.getByte(start) & TOP_BITS_MASK) != 0
                || datagram.getInt(start + MAGIC_COOKIE_OFFSET) != MAGIC_COOKIE) {
            return Verdict.NOT_STUN;
        }
        if (datagram.getUnsignedShort(start) != BINDING_REQUEST) {
            return Verdict.WRONG_TYPE;
        }
        if (length > MAX_REQUEST_LENGTH) {
            return Verdict.MALFORMED;
        }

        int end = start + length;
        boolean tailscaleSoftware = false;
        boolean fingerprintSeen = false;
        boolean comprehensionRequired = false;
        int lastType = -1;
        int lastStart = -1;
        int lastLength = -1;
        int position = start + HEADER_LENGTH;
        while (position < end) {
            if (end - position < ATTRIBUTE_HEADER_LENGTH) {
                return Verdict.MALFORMED;
            }
            int type = datagram.getUnsignedShort(position);
            int valueLength = datagram.getUnsignedShort(position + 2);
            int padded = (valueLength + 3) & ~3;
            int value = position + ATTRIBUTE_HEADER_LENGTH;
            if (padded > end - value) {
                return Verdict.MALFORMED;
            }
            if (type == ATTR_SOFTWARE && valueLength == TAILSCALE_SOFTWARE_LENGTH
                    && datagram.getLong(value) == TAILSCALE_SOFTWARE) {
                tailscaleSoftware = true;
            } else if (type == ATTR_FINGERPRINT) {
                fingerprintSeen = true;
            } else if (type < COMPREHENSION_OPTIONAL_MIN) {
                comprehensionRequired = true;
            }
            lastType = type;
            lastStart = position;
            lastLength = valueLength;
            position = value + padded;
        }

        boolean fingerprintValid = lastType == ATTR_FINGERPRINT
                && lastLength == FINGERPRINT_VALUE_LENGTH
                && lastStart == end - FINGERPRINT_ATTRIBUTE_LENGTH
                && (StunCrc32.checksum(datagram, start, lastStart - start) ^ FINGERPRINT_XOR)
                        == datagram.getInt(end - FINGERPRINT_VALUE_LENGTH);
        if (tailscaleSoftware && fingerprintValid) {
            return Verdict.ANSWER;
        }
        if (!answerAllClients) {
            return tailscaleSoftware ? Verdict.BAD_FINGERPRINT : Verdict.NOT_TAILSCALE;
        }
        if (datagram.getUnsignedShort(start + LENGTH_OFFSET) != length - HEADER_LENGTH) {
            return Verdict.MALFORMED;
        }
        if (fingerprintSeen && !fingerprintValid) {
            return Verdict.BAD_FINGERPRINT;
        }
        if (comprehensionRequired) {
            return Verdict.UNSUPPORTED_ATTRIBUTE;
        }
        return length < responseLength ? Verdict.AMPLIFICATION : Verdict.ANSWER;
    }
}

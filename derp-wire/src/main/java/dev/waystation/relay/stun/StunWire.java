package dev.waystation.relay.stun;

/**
 * STUN wire constants (RFC 8489 sections 5 and 14, as Tailscale's STUN client and derper use them).
 * Every message starts with a 20-byte header:
 * <pre>
 * 0-1   message type (top two bits zero)
 * 2-3   length of the attributes that follow the header
 * 4-7   magic cookie 0x2112A442
 * 8-19  transaction id, copied into the response
 * </pre>
 * Attributes are type(2) | length(2) | value padded to a multiple of 4 bytes. Public: the relay's STUN
 * server and the operator's STUN probe (another jar) both speak it.
 */
public final class StunWire {

    /** Header length: type, length, magic cookie, transaction id. */
    public static final int HEADER_LENGTH = 20;
    public static final int MAGIC_COOKIE = 0x2112A442;
    public static final int MAGIC_COOKIE_OFFSET = 4;
    public static final int TRANSACTION_ID_OFFSET = 8;
    public static final int TRANSACTION_ID_LENGTH = 12;
    public static final int LENGTH_OFFSET = 2;
    /** The two most significant bits of every STUN message are zero (RFC 8489 section 5). */
    public static final int TOP_BITS_MASK = 0xC0;

    /** Binding Request: the only message this server answers. */
    public static final int BINDING_REQUEST = 0x0001;
    /** Binding Success Response: the only message this server sends. */
    public static final int BINDING_SUCCESS = 0x0101;

    public static final int ATTRIBUTE_HEADER_LENGTH = 4;
    /** XOR-MAPPED-ADDRESS: reserved byte, family, port XOR 0x2112, address XOR (cookie | txid). */
    public static final int ATTR_XOR_MAPPED_ADDRESS = 0x0020;
    /** SOFTWARE: free text; Tailscale clients send exactly {@code tailnode}. */
    public static final int ATTR_SOFTWARE = 0x8022;
    /** FINGERPRINT: CRC-32 (IEEE) of the message before it, XOR {@link #FINGERPRINT_XOR}; always last. */
    public static final int ATTR_FINGERPRINT = 0x8028;
    /** Attribute types below this must be understood by the receiver (comprehension-required range). */
    public static final int COMPREHENSION_OPTIONAL_MIN = 0x8000;

    public static final int FINGERPRINT_VALUE_LENGTH = 4;
    /** A whole FINGERPRINT attribute: header plus the 4-byte CRC. */
    public static final int FINGERPRINT_ATTRIBUTE_LENGTH = ATTRIBUTE_HEADER_LENGTH + FINGERPRINT_VALUE_LENGTH;
    /** ASCII "STUN", XORed into the CRC so that FINGERPRINT differs from CRCs of other protocols. */
    public static final int FINGERPRINT_XOR = 0x5354554E;

    /** {@code "tailnode"} as a big-endian long: the SOFTWARE value every Tailscale client sends (8 bytes, no padding). */
    public static final long TAILSCALE_SOFTWARE = 0x7461696c6e6f6465L;
    public static final int TAILSCALE_SOFTWARE_LENGTH = 8;

    public static final int FAMILY_IPV4 = 0x01;
    public static final int FAMILY_IPV6 = 0x02;
    public static final int IPV4_LENGTH = 4;
    public static final int IPV6_LENGTH = 16;
    /** XOR-MAPPED-ADDRESS value before the address: reserved byte, family byte, port. */
    public static final int MAPPED_ADDRESS_PREFIX_LENGTH = 4;
    /** Port is XORed with the high 16 bits of the magic cookie. */
    public static final int PORT_XOR = MAGIC_COOKIE >>> 16;

    /** Reply to an IPv4 client: header plus an IPv4 XOR-MAPPED-ADDRESS (32 bytes). */
    public static final int IPV4_RESPONSE_LENGTH =
            HEADER_LENGTH + ATTRIBUTE_HEADER_LENGTH + MAPPED_ADDRESS_PREFIX_LENGTH + IPV4_LENGTH;
    /** Largest reply: header plus an IPv6 XOR-MAPPED-ADDRESS (44 bytes). */
    public static final int MAX_RESPONSE_LENGTH =
            HEADER_LENGTH + ATTRIBUTE_HEADER_LENGTH + MAPPED_ADDRESS_PREFIX_LENGTH + IPV6_LENGTH;

    private StunWire() {
    }
}

package dev.waystation.relay.tls.acme;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.netty.buffer.ByteBuf;

/**
 * What a TLS ClientHello asks for, read from the first TLS record a client sends before the TLS engine
 * sees it: the SNI host name and the ALPN protocols offered. BoringSSL picks the server certificate
 * before it negotiates ALPN, so the OpenSSL engine cannot tell a TLS-ALPN-01 validation (which offers
 * {@code acme-tls/1}) from a DERP client by the negotiated protocol; the offer itself tells.
 *
 * <p>Only a ClientHello that fits in its first record is read (a validator's is a few hundred bytes);
 * anything else reads as {@link #NONE}, and the handshake goes on untouched.
 */
record ClientHelloOffer(Optional<String> serverName, List<String> protocols) {

    /** No offer recognised: not a ClientHello, malformed, or spread over several records. */
    static final ClientHelloOffer NONE = new ClientHelloOffer(Optional.empty(), List.of());

    // TLS record header: content type (1), legacy version (2), length (2).
    private static final int RECORD_HEADER = 5;
    private static final int CONTENT_TYPE_HANDSHAKE = 22;
    /** Largest plaintext record (2^14) plus the expansion TLS allows; larger is not TLS. */
    private static final int MAX_RECORD_LENGTH = 16_384 + 2_048;
    // Handshake header: message type (1), length (3).
    private static final int HANDSHAKE_HEADER = 4;
    private static final int HANDSHAKE_CLIENT_HELLO = 1;
    // legacy_version (2) and random (32) open the ClientHello body.
    private static final int VERSION_AND_RANDOM = 34;
    private static final int EXTENSION_SERVER_NAME = 0;
    private static final int EXTENSION_ALPN = 16;
    private static final int SERVER_NAME_TYPE_HOST = 0;

    /** Whether {@code protocol} is among the offered ALPN protocols. */
    boolean offers(String protocol) {
        return protocols.contains(protocol);
    }

    /** Bytes still missing before the first record is complete (0 when it is, or can never be a ClientHello). */
    static int missingBytes(ByteBuf in) {
        int readable = in.readableBytes();
        if (readable < RECORD_HEADER) {
            return RECORD_HEADER - readable;
        }
        int start = in.readerIndex();
        if (in.getUnsignedByte(start) != CONTENT_TYPE_HANDSHAKE) {
            return 0;
        }
        int recordLength = in.getUnsignedShort(start + 3);
        if (recordLength > MAX_RECORD_LENGTH) {
            return 0;
        }
        return Math.max(0, RECORD_HEADER + recordLength - readable);
    }

    /** The offer in the first record of {@code in} (not consumed), or {@link #NONE}. */
    static ClientHelloOffer read(ByteBuf in) {
        if (missingBytes(in) > 0) {
            return NONE;
        }
        try {
            return parse(in);
        } catch (IndexOutOfBoundsException malformed) {
            return NONE; // lengths that point past their container: the TLS engine will reject it
        }
    }

    private static ClientHelloOffer parse(ByteBuf in) {
        int start = in.readerIndex();
        if (in.getUnsignedByte(start) != CONTENT_TYPE_HANDSHAKE) {
            return NONE;
        }
        int recordLength = in.getUnsignedShort(start + 3);
        if (recordLength > MAX_RECORD_LENGTH) {
            return NONE;
        }
        int recordEnd = start + RECORD_HEADER + recordLength;
        int message = start + RECORD_HEADER;
        if (in.getUnsignedByte(message) != HANDSHAKE_CLIENT_HELLO) {
            return NONE;
        }
        int bodyEnd = message + HANDSHAKE_HEADER + in.getUnsignedMedium(message + 1);
        if (bodyEnd > recordEnd) {
            return NONE;
        }
        Cursor body = new Cursor(in, message + HANDSHAKE_HEADER, bodyEnd);
        body.skip(VERSION_AND_RANDOM);
        body.skip(body.u8()); // session id
        body.skip(body.u16()); // cipher suites
        body.skip(body.u8()); // compression methods
        if (body.atEnd()) {
            return NONE; // no extensions at all
        }
        Cursor extensions = body.slice(body.u16());
        Optional<String> serverName = Optional.empty();
        List<String> protocols = List.of();
        while (!extensions.atEnd()) {
            int type = extensions.u16();
            Cursor data = extensions.slice(extensions.u16());
            if (type == EXTENSION_SERVER_NAME) {
                serverName = hostName(data.slice(data.u16()));
            } else if (type == EXTENSION_ALPN) {
                protocols = protocolNames(data.slice(data.u16()));
            }
        }
        return new ClientHelloOffer(serverName, protocols);
    }

    private static Optional<String> hostName(Cursor names) {
        while (!names.atEnd()) {
            int type = names.u8();
            String name = names.string(names.u16());
            if (type == SERVER_NAME_TYPE_HOST) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }

    private static List<String> protocolNames(Cursor list) {
        List<String> names = new ArrayList<>();
        while (!list.atEnd()) {
            names.add(list.string(list.u8()));
        }
        return List.copyOf(names);
    }

    /** Reads forward within [position, end); any read past the end throws IndexOutOfBoundsException. */
    private static final class Cursor {
        private final ByteBuf buffer;
        private final int end;
        private int position;

        Cursor(ByteBuf buffer, int position, int end) {
            this.buffer = buffer;
            this.position = position;
            this.end = end;
        }

        private int advance(int length) {
            if (length < 0 || position + length > end) {
                throw new IndexOutOfBoundsException("ClientHello field of " + length + " bytes overruns its container");
            }
            int at = position;
            position += length;
            return at;
        }

        int u8() {
            return buffer.getUnsignedByte(advance(1));
        }

        int u16() {
            return buffer.getUnsignedShort(advance(2));
        }

        void skip(int length) {
            advance(length);
        }

        String string(int length) {
            return buffer.toString(advance(length), length, StandardCharsets.US_ASCII);
        }

        Cursor slice(int length) {
            int at = advance(length);
            return new Cursor(buffer, at, at + length);
        }

        boolean atEnd() {
            return position >= end;
        }
    }
}

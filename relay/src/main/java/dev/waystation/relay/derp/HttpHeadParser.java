package dev.waystation.relay.derp;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.vertx.core.MultiMap;

/**
 * Accumulates bytes until one HTTP/1.x request head is complete and parses it, keeping whatever
 * follows the blank line (a fast-start client's ClientInfo frame, a pipelined request) for the next
 * stage. Not thread-safe.
 */
final class HttpHeadParser {

    /** Largest request head accepted; Go clients send a few hundred bytes. */
    static final int MAX_HEAD_LENGTH = 16 * 1024;
    /** Unused room an incomplete head may keep before it is copied into a buffer of its own size. */
    private static final int COMPACT_SLACK = 1024;
    private static final char DEL = 0x7F;

    /** Longest method accepted, checked early and on the whole head alike, so reads never change the outcome. */
    private static final int MAX_METHOD_LENGTH = 15;

    /** A request head that cannot be parsed; answered with 400 and the connection closed. */
    static final class MalformedRequestException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedRequestException(String message) {
            super(message, null, false, false);
        }
    }

    /** A complete head and the bytes after it (owned by the caller, possibly empty). */
    record Result(HttpRequestHead head, ByteBuf rest) {
    }

    private final ByteBufAllocator alloc;
    private final String listener;
    private final boolean tls;
    private ByteBuf buffered;
    /** Where the search for the blank line resumes, so bytes dripped in are each scanned once. */
    private int scanFrom;

    HttpHeadParser(ByteBufAllocator alloc, String listener, boolean tls) {
        this.alloc = alloc;
        this.listener = listener;
        this.tls = tls;
    }

    /**
     * Takes ownership of {@code in}; returns the request once its head is complete, else null.
     *
     * @throws MalformedRequestException if the bytes are not an HTTP/1.x request head
     */
    Result offer(ByteBuf in, InetSocketAddress remote) throws MalformedRequestException {
        if (buffered == null) {
            buffered = in;
            scanFrom = in.readerIndex();
        } else if (in.readableBytes() <= buffered.writableBytes()) {
            buffered.writeBytes(in);
            in.release();
        } else {
            int scanned = scanFrom - buffered.readerIndex();
            int needed = buffered.readableBytes() + in.readableBytes();
            // Doubling keeps the copies linear in the bytes received; the head limit caps the growth.
            ByteBuf merged = alloc.buffer(Math.max(needed, Math.min(2 * needed, MAX_HEAD_LENGTH)));
            merged.writeBytes(buffered).writeBytes(in);
            buffered.release();
            in.release();
            buffered = merged;
            scanFrom = merged.readerIndex() + scanned;
        }
        int end = headEnd(buffered, scanFrom);
        if (end < 0) {
            if (buffered.readableBytes() > MAX_HEAD_LENGTH) {
                throw new MalformedRequestException("request head longer than " + MAX_HEAD_LENGTH + " bytes");
            }
            checkRequestLineStart(buffered);
            // The blank line may straddle this read: its first two bytes are looked at again.
            scanFrom = Math.max(buffered.readerIndex(), buffered.writerIndex() - 2);
            compact();
            return null;
        }
        if (end - buffered.readerIndex() > MAX_HEAD_LENGTH) {
            throw new MalformedRequestException("request head longer than " + MAX_HEAD_LENGTH + " bytes");
        }
        String text = buffered.toString(buffered.readerIndex(), end - buffered.readerIndex(),
                StandardCharsets.ISO_8859_1);
        // Parsed before the buffer changes hands: a malformed head leaves it here for release().
        HttpRequestHead head = parse(text, remote);
        buffered.readerIndex(end);
        ByteBuf rest = buffered;
        buffered = null;
        return new Result(head, rest);
    }

    /** Memory held for an incomplete head (what the receive budget charges). */
    int heldBytes() {
        return buffered == null ? 0 : buffered.capacity();
    }

    /** An incomplete head keeps a buffer of about its own size, not the (up to 32 KiB) receive buffer. */
    private void compact() {
        int readable = buffered.readableBytes();
        if (buffered.capacity() <= 2 * readable + COMPACT_SLACK) {
            return;
        }
        int scanned = scanFrom - buffered.readerIndex();
        ByteBuf kept = alloc.buffer(readable);
        kept.writeBytes(buffered);
        buffered.release();
        buffered = kept;
        scanFrom = kept.readerIndex() + scanned;
    }

    void release() {
        if (buffered != null) {
            buffered.release();
            buffered = null;
        }
    }

    /** Index just past the blank line ending the head ({@code \r\n\r\n} or a bare {@code \n\n}), or -1. */
    private static int headEnd(ByteBuf buf, int from) {
        int limit = buf.writerIndex();
        for (int i = from; i < limit; i++) {
            if (buf.getByte(i) != '\n') {
                continue;
            }
            if (i + 1 < limit && buf.getByte(i + 1) == '\n') {
                return i + 2;
            }
            if (i + 2 < limit && buf.getByte(i + 1) == '\r' && buf.getByte(i + 2) == '\n') {
                return i + 3;
            }
        }
        return -1;
    }

    /** Rejects garbage early instead of waiting for 16 KiB: a method is upper-case letters then a space. */
    private static void checkRequestLineStart(ByteBuf buf) throws MalformedRequestException {
        int limit = Math.min(buf.writerIndex(), buf.readerIndex() + MAX_METHOD_LENGTH + 1);
        for (int i = buf.readerIndex(); i < limit; i++) {
            byte b = buf.getByte(i);
            if (b == ' ' && i > buf.readerIndex()) {
                return;
            }
            if (b < 'A' || b > 'Z') {
                throw new MalformedRequestException("not an HTTP request: bad method character 0x"
                        + Integer.toHexString(b & 0xFF));
            }
        }
        if (limit - buf.readerIndex() == MAX_METHOD_LENGTH + 1) {
            throw new MalformedRequestException("not an HTTP request: no method");
        }
    }

    private HttpRequestHead parse(String text, InetSocketAddress remote) throws MalformedRequestException {
        checkNoControlCharacters(text);
        // Lines end in LF or CRLF (a CR elsewhere was refused above); split by hand, not by a regex:
        // this runs once per connection and a fresh relay would interpret and compile the regex engine.
        int lineEnd = lineEnd(text, 0);
        String firstLine = line(text, 0, lineEnd);
        if (firstLine.isEmpty()) {
            throw new MalformedRequestException("empty request line");
        }
        String[] requestLine = firstLine.split(" ");
        if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.") || requestLine[1].isEmpty()) {
            throw new MalformedRequestException("malformed request line");
        }
        checkMethod(requestLine[0]);
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        for (int start = lineEnd + 1; start < text.length(); start = lineEnd + 1) {
            lineEnd = lineEnd(text, start);
            String line = line(text, start, lineEnd);
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(':');
            String name = colon < 0 ? "" : line.substring(0, colon).trim();
            if (name.isEmpty()) {
                throw new MalformedRequestException("malformed header line");
            }
            headers.add(name, line.substring(colon + 1).trim());
        }
        return new HttpRequestHead(listener, tls, requestLine[0], requestLine[1], requestLine[2], headers, remote);
    }

    /** The index of the LF ending the line at {@code start}, or the text's length for a last line without one. */
    private static int lineEnd(String text, int start) {
        int lf = text.indexOf('\n', start);
        return lf < 0 ? text.length() : lf;
    }

    /** The line from {@code start} to {@code end} without its CR. */
    private static String line(String text, int start, int end) {
        return text.substring(start, end > start && text.charAt(end - 1) == '\r' ? end - 1 : end);
    }

    /**
     * Refuses control characters other than tab inside a line (a bare CR, NUL, ...): a header value is
     * reflected into responses (the plain port's {@code Location}), where a CR could start a new header.
     */
    private static void checkNoControlCharacters(String text) throws MalformedRequestException {
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\t' || (c >= ' ' && c != DEL)) {
                continue;
            }
            if (c == '\r' && i + 1 < length && text.charAt(i + 1) == '\n') {
                continue;
            }
            throw new MalformedRequestException("control character 0x" + Integer.toHexString(c) + " in request head");
        }
    }

    private static void checkMethod(String method) throws MalformedRequestException {
        if (method.isEmpty() || method.length() > MAX_METHOD_LENGTH) {
            throw new MalformedRequestException("malformed request method");
        }
        for (int i = 0; i < method.length(); i++) {
            char c = method.charAt(i);
            if (c < 'A' || c > 'Z') {
                throw new MalformedRequestException("malformed request method");
            }
        }
    }
}

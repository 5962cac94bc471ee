package dev.waystation.relay.derp;

import java.nio.charset.StandardCharsets;

/**
 * Reads one JSON object field by field: the caller asks for each field's name, then reads its value
 * as the type it expects or skips it. Strict JSON (RFC 8259) as Go's {@code encoding/json} accepts
 * it; anything else is a {@link MalformedJsonException} naming the byte offset.
 *
 * <p>Why not a JSON library: every DERP handshake parses one ClientInfo, and on a freshly started
 * relay the JIT compiles whatever that takes while the first clients connect. A general parser and
 * data binder is far more code to compile (and to run interpreted meanwhile) than this one object
 * of a few flat fields needs.
 */
final class JsonFieldReader {

    /** Deepest nesting skipped inside an unknown field; the ClientInfo's own fields are all flat. */
    static final int MAX_DEPTH = 64;

    private final byte[] json;
    private int position;
    private boolean first = true;

    JsonFieldReader(byte[] json) throws MalformedJsonException {
        this.json = json;
        skipWhitespace();
        expect('{');
    }

    /** The next field's name (escapes decoded), or null after the object's closing brace. */
    String nextField() throws MalformedJsonException {
        skipWhitespace();
        if (first) {
            first = false;
            if (peek() == '}') {
                position++;
                return end();
            }
        } else if (peek() == ',') {
            position++;
            skipWhitespace();
        } else if (peek() == '}') {
            position++;
            return end();
        } else {
            throw malformed("expected ',' or '}'");
        }
        String name = readStringLiteral();
        skipWhitespace();
        expect(':');
        skipWhitespace();
        return name;
    }

    private String end() throws MalformedJsonException {
        skipWhitespace();
        if (position != json.length) {
            throw malformed("data after the object");
        }
        return null;
    }

    /** True when the value is JSON {@code null} (consumed); Go leaves a field untouched then. */
    boolean nullValue() throws MalformedJsonException {
        if (peek() != 'n') {
            return false;
        }
        literal("null");
        return true;
    }

    String stringValue() throws MalformedJsonException {
        if (peek() != '"') {
            throw wrongType("a string");
        }
        return readStringLiteral();
    }

    boolean booleanValue() throws MalformedJsonException {
        if (peek() == 't') {
            literal("true");
            return true;
        }
        if (peek() == 'f') {
            literal("false");
            return false;
        }
        throw wrongType("true or false");
    }

    /** An integer number; a fraction, an exponent or a value past {@code long} is the wrong type, as in Go. */
    long integerValue() throws MalformedJsonException {
        int start = position;
        skipNumber();
        String text = new String(json, start, position - start, StandardCharsets.US_ASCII);
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new MalformedJsonException("number " + text + " at byte " + start + " is not an integer");
        }
    }

    /** Skips one value of any type (nested at most {@link #MAX_DEPTH} deep). */
    void skipValue() throws MalformedJsonException {
        skipValue(0);
    }

    private void skipValue(int depth) throws MalformedJsonException {
        if (depth >= MAX_DEPTH) {
            throw malformed("nested deeper than " + MAX_DEPTH);
        }
        switch (peek()) {
            case '"' -> readStringLiteral();
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            case '{' -> skipContainer('}', depth, true);
            case '[' -> skipContainer(']', depth, false);
            default -> skipNumber();
        }
    }

    private void skipContainer(char close, int depth, boolean object) throws MalformedJsonException {
        position++;
        skipWhitespace();
        if (peek() == close) {
            position++;
            return;
        }
        while (true) {
            if (object) {
                if (peek() != '"') {
                    throw malformed("expected a field name");
                }
                readStringLiteral();
                skipWhitespace();
                expect(':');
                skipWhitespace();
            }
            skipValue(depth + 1);
            skipWhitespace();
            byte next = peek();
            position++;
            if (next == close) {
                return;
            }
            if (next != ',') {
                position--;
                throw malformed("expected ',' or '" + close + "'");
            }
            skipWhitespace();
        }
    }

    private void skipNumber() throws MalformedJsonException {
        int start = position;
        if (peek() == '-') {
            position++;
        }
        if (peek() == '0') {
            position++;
        } else if (!digits()) {
            position = start;
            throw malformed("expected a value");
        }
        if (peek() == '.') {
            position++;
            if (!digits()) {
                throw malformed("expected a digit");
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            position++;
            if (peek() == '+' || peek() == '-') {
                position++;
            }
            if (!digits()) {
                throw malformed("expected a digit");
            }
        }
    }

    private boolean digits() {
        int start = position;
        while (position < json.length && json[position] >= '0' && json[position] <= '9') {
            position++;
        }
        return position > start;
    }

    /** A string literal at the position; invalid UTF-8 becomes U+FFFD, as Go decodes it. */
    private String readStringLiteral() throws MalformedJsonException {
        expect('"');
        int start = position;
        StringBuilder decoded = null;
        while (true) {
            if (position >= json.length) {
                throw malformed("unterminated string");
            }
            byte b = json[position];
            if (b == '"') {
                String tail = new String(json, start, position - start, StandardCharsets.UTF_8);
                position++;
                return decoded == null ? tail : decoded.append(tail).toString();
            }
            if ((b & 0xFF) < 0x20) {
                throw malformed("control character in a string");
            }
            if (b != '\\') {
                position++;
                continue;
            }
            if (decoded == null) {
                decoded = new StringBuilder();
            }
            decoded.append(new String(json, start, position - start, StandardCharsets.UTF_8));
            position++;
            decoded.append(escape());
            start = position;
        }
    }

    /** The character of the escape after a backslash; a lone surrogate stays as it is, Go makes it U+FFFD. */
    private char escape() throws MalformedJsonException {
        byte b = peek();
        position++;
        return switch (b) {
            case '"' -> '"';
            case '\\' -> '\\';
            case '/' -> '/';
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case 'u' -> hexChar();
            default -> {
                position--;
                throw malformed("invalid escape");
            }
        };
    }

    private char hexChar() throws MalformedJsonException {
        if (position + 4 > json.length) {
            throw malformed("short \\u escape");
        }
        int value = 0;
        for (int i = 0; i < 4; i++) {
            int digit = Character.digit(json[position + i], 16);
            if (digit < 0) {
                throw malformed("invalid \\u escape");
            }
            value = value << 4 | digit;
        }
        position += 4;
        return (char) value;
    }

    private void literal(String word) throws MalformedJsonException {
        for (int i = 0; i < word.length(); i++) {
            if (position >= json.length || json[position] != word.charAt(i)) {
                throw malformed("expected " + word);
            }
            position++;
        }
    }

    private void expect(char c) throws MalformedJsonException {
        if (peek() != c) {
            throw malformed("expected '" + c + "'");
        }
        position++;
    }

    /** The byte at the position, or 0 at the end (never valid where a token is expected). */
    private byte peek() {
        return position < json.length ? json[position] : 0;
    }

    private void skipWhitespace() {
        while (position < json.length) {
            byte b = json[position];
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return;
            }
            position++;
        }
    }

    private MalformedJsonException malformed(String what) {
        return new MalformedJsonException(what + " at byte " + position);
    }

    private MalformedJsonException wrongType(String expected) {
        return new MalformedJsonException("expected " + expected + " at byte " + position);
    }

    /** The bytes are not the JSON the caller expects; the message names where and why. */
    static final class MalformedJsonException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedJsonException(String message) {
            super(message);
        }
    }
}

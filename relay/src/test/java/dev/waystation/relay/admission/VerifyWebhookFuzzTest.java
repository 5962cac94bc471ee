package dev.waystation.relay.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import io.vertx.core.buffer.Buffer;

/**
 * The admission webhook's answer body, as {@link VerifyWebhook} reads it, against a model of what
 * derper decides for the same bytes (Go's {@code encoding/json} decoding one value into
 * {@code struct{ Allow bool }}: field names match case-insensitively, every matching field is
 * assigned in order so the last one wins, {@code null} leaves the field alone, a value of another
 * type is an error and an error denies). Seeds: derper-style answers (headscale's {@code /verify}
 * answers the same JSON) and variations.
 *
 * <p>Whatever the bytes: an outcome, never an exception, and never {@code ALLOWED} where derper
 * would deny. (The reverse, denying what derper admits, is allowed: admission fails closed.)
 */
class VerifyWebhookFuzzTest {

    private static final JsonFactory JSON = new JsonFactory();

    @FuzzTest
    @DictionaryEntries({"\"Allow\"", "\"allow\"", "\"ALLOW\"", "true", "false", "null", "{", "}", ":", ","})
    void answer(byte[] input) {
        VerifyWebhook.Outcome outcome = VerifyWebhook.parse(Buffer.buffer(input));
        assertThat(outcome).isIn(VerifyWebhook.Outcome.ALLOWED, VerifyWebhook.Outcome.DENIED,
                VerifyWebhook.Outcome.BAD_RESPONSE);
        if (outcome == VerifyWebhook.Outcome.ALLOWED) {
            assertThat(derperAllows(input)).as("derper admits on this answer").isTrue();
        }
    }

    /**
     * Go's decoding of the first JSON value into {@code DERPAdmitClientResponse}, with a streaming parser.
     * Go reads invalid UTF-8 inside strings as U+FFFD rather than failing, and so does
     * {@code new String(bytes, UTF_8)}: the model parses that text, not the raw bytes.
     */
    private static boolean derperAllows(byte[] input) {
        try (JsonParser parser = JSON.createParser(new String(input, StandardCharsets.UTF_8))) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            boolean allow = false;
            boolean typeError = false;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                boolean matches = parser.currentName().equalsIgnoreCase("Allow");
                JsonToken value = parser.nextToken();
                if (!matches) {
                    parser.skipChildren();
                } else if (value == JsonToken.VALUE_TRUE || value == JsonToken.VALUE_FALSE) {
                    allow = value == JsonToken.VALUE_TRUE;
                } else if (value != JsonToken.VALUE_NULL) {
                    typeError = true;
                    parser.skipChildren();
                }
            }
            return parser.currentToken() == JsonToken.END_OBJECT && allow && !typeError;
        } catch (IOException e) {
            return false;
        }
    }
}

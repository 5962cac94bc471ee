package dev.waystation.relay.derp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** ClientInfo JSON is read as Go's encoding/json reads it. */
class ClientInfoTest {

    private static ClientInfo parse(String json) throws Exception {
        return ClientInfo.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void keysMatchCaseInsensitivelyAndUnknownKeysAreIgnored() throws Exception {
        ClientInfo info = parse("{\"VERSION\":2,\"canackpings\":true,\"isProber\":true,\"appname\":\"x\",\"New\":1}");
        assertThat(info.version()).isEqualTo(2);
        assertThat(info.canAckPings()).isTrue();
        assertThat(info.isProber()).isTrue();
        assertThat(info.appName()).isEqualTo("x");
    }

    @Test
    void meshKeyMustBe64Hex() throws Exception {
        assertThat(parse("{\"meshKey\":\"" + "ab".repeat(32) + "\"}").meshKey()).isPresent();
        assertThatThrownBy(() -> parse("{\"meshKey\":\"\"}")).isInstanceOf(ClientInfo.InvalidClientInfoException.class);
        assertThatThrownBy(() -> parse("{\"meshKey\":\"" + "zz".repeat(32) + "\"}"))
                .isInstanceOf(ClientInfo.InvalidClientInfoException.class);
    }

    @Test
    void malformedJsonIsRejected() {
        assertThatThrownBy(() -> parse("not json")).isInstanceOf(ClientInfo.InvalidClientInfoException.class);
        assertThatThrownBy(() -> parse("{\"version\":\"two\"}"))
                .isInstanceOf(ClientInfo.InvalidClientInfoException.class);
    }

    @Test
    void unknownValuesOfEveryKindAreSkippedAndEscapesDecoded() throws Exception {
        ClientInfo info = parse(" {\"x\": {\"a\": [1, -2.5e3, true, null, {}, []], \"b\": \"\\\"}\"},\n"
                + "\"AppName\": \"a\\u00e9\\\"\\n\\ud83d\\ude00\", \"version\": null, \"Version\": 2, \"y\": \"\\/\"} ");
        assertThat(info.appName()).isEqualTo("a\u00e9\"\n\ud83d\ude00");
        assertThat(info.version()).isEqualTo(2);
        assertThat(parse("{\"version\":3,\"version\":null,\"isProber\":true,\"IsProber\":false}").version())
                .isEqualTo(3);
        assertThat(parse("{}").canAckPings()).isFalse();
    }

    @Test
    void malformedOrMistypedValuesAnywhereAreRejected() {
        for (String json : new String[] {"", "[]", "{", "{\"version\":2", "{\"version\":2,}", "{\"a\":[1,]}",
                "{\"a\":01}", "{\"a\":tru}", "{\"a\":\"\\x\"}", "{\"a\":\"\u0001\"}", "{\"version\":2} x",
                "{\"version\":2.5}", "{\"version\":1e3}", "{\"version\":99999999999}", "{\"canAckPings\":1}",
                "{\"appName\":2}", "{\"a\":" + "[".repeat(65) + "]".repeat(65) + "}", "{'version':2}"}) {
            assertThatThrownBy(() -> parse(json)).as(json).isInstanceOf(ClientInfo.InvalidClientInfoException.class);
        }
    }

    @Test
    void serverInfoOmitsZeroTokenBucket() {
        assertThat(new String(ServerInfo.UNLIMITED.toJson())).isEqualTo("{\"version\":2}");
        assertThat(new String(new ServerInfo(100, 70000).toJson())).isEqualTo(
                "{\"version\":2,\"TokenBucketBytesPerSecond\":100,\"TokenBucketBytesBurst\":70000}");
    }
}

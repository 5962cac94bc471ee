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
    void serverInfoOmitsZeroTokenBucket() {
        assertThat(new String(ServerInfo.UNLIMITED.toJson())).isEqualTo("{\"version\":2}");
        assertThat(new String(new ServerInfo(100, 70000).toJson())).isEqualTo(
                "{\"version\":2,\"TokenBucketBytesPerSecond\":100,\"TokenBucketBytesBurst\":70000}");
    }
}

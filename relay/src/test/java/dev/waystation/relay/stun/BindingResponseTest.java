package dev.waystation.relay.stun;

import static dev.waystation.relay.stun.StunPackets.APPENDIX_A_REQUEST;
import static dev.waystation.relay.stun.StunPackets.HEX;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/** Responses byte for byte against spec derp.md Appendix A. */
class BindingResponseTest {

    private static final String IPV4_RESPONSE = "0101000c2112a442000102030405060708090a0b002000080001f523e112a643";
    private static final String IPV6_RESPONSE =
            "010100182112a442000102030405060708090a0b002000140002f5230113a9fa000102030405060708090a0a";

    private static String respond(InetSocketAddress client) {
        byte[] request = HEX.parseHex(APPENDIX_A_REQUEST);
        ByteBuf buf = Unpooled.directBuffer(64).writeBytes(request);
        try {
            boolean ipv4 = BindingResponse.writeInPlace(buf, client);
            assertThat(buf.readableBytes()).isEqualTo(ipv4 ? 32 : 44).isLessThanOrEqualTo(request.length + 24);
            return ByteBufUtil.hexDump(buf);
        } finally {
            buf.release();
        }
    }

    @Test
    void ipv4ClientGetsAppendixAResponse() throws Exception {
        assertThat(respond(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 54321))).isEqualTo(IPV4_RESPONSE);
    }

    @Test
    void ipv6ClientGetsAppendixAResponse() throws Exception {
        assertThat(respond(new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 54321))).isEqualTo(IPV6_RESPONSE);
    }

    @Test
    void ipv4MappedClientGetsThePlainIpv4Form() throws Exception {
        byte[] mapped = HEX.parseHex("00000000000000000000ffffc0000201");
        InetAddress address = Inet6Address.getByAddress(null, mapped, -1);
        assertThat(address).isInstanceOf(Inet6Address.class);
        assertThat(BindingResponse.isIpv4(address)).isTrue();
        assertThat(respond(new InetSocketAddress(address, 54321))).isEqualTo(IPV4_RESPONSE);
    }

    @Test
    void ipv6AddressesThatOnlyLookMappedStayIpv6() throws Exception {
        assertThat(BindingResponse.isIpv4(InetAddress.getByName("::1"))).isFalse();
        assertThat(BindingResponse.isIpv4(InetAddress.getByName("::c000:201"))).isFalse();
        assertThat(BindingResponse.isIpv4(InetAddress.getByName("1::ffff:c000:201"))).isFalse();
    }
}

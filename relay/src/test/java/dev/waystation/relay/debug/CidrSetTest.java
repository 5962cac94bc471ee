package dev.waystation.relay.debug;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.api.Test;

class CidrSetTest {

    private static boolean contains(CidrSet set, String ip) throws Exception {
        return set.contains(InetAddress.getByName(ip));
    }

    @Test
    void matchesIpv4AndIpv6Prefixes() throws Exception {
        CidrSet set = CidrSet.parse(List.of("10.0.0.0/8", "192.168.1.7", "fd7a:115c:a1e0::/48", "172.16.0.0/12"));
        assertThat(contains(set, "10.200.3.4")).isTrue();
        assertThat(contains(set, "11.0.0.1")).isFalse();
        assertThat(contains(set, "192.168.1.7")).isTrue();
        assertThat(contains(set, "192.168.1.8")).isFalse();
        assertThat(contains(set, "172.31.255.255")).isTrue();
        assertThat(contains(set, "172.32.0.0")).isFalse();
        assertThat(contains(set, "fd7a:115c:a1e0:ab12::1")).isTrue();
        assertThat(contains(set, "fd7a:115c:a1e1::1")).isFalse();
    }

    @Test
    void ipv4MappedAddressesMatchIpv4Prefixes() throws Exception {
        CidrSet set = CidrSet.parse(List.of("127.0.0.2/32"));
        assertThat(contains(set, "::ffff:127.0.0.2")).isTrue();
        assertThat(contains(set, "::ffff:127.0.0.1")).isFalse();
    }

    @Test
    void zeroLengthPrefixMatchesItsWholeFamily() throws Exception {
        CidrSet set = CidrSet.parse(List.of("0.0.0.0/0"));
        assertThat(contains(set, "8.8.8.8")).isTrue();
        assertThat(contains(set, "::1")).isFalse();
    }

    @Test
    void rejectsMalformedEntriesNamingThem() {
        assertThatThrownBy(() -> CidrSet.parse(List.of("10.0.0.0/33"))).hasMessageContaining("\"10.0.0.0/33\"");
        assertThatThrownBy(() -> CidrSet.parse(List.of("example.com"))).hasMessageContaining("\"example.com\"");
        assertThatThrownBy(() -> CidrSet.parse(List.of("10.0.0.0/x"))).hasMessageContaining("not a number");
    }
}

package dev.waystation.relay.debug;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * A set of IP prefixes ("10.0.0.0/8", "fd00::/8", or a bare address) that answers whether an address
 * lies inside one of them. IPv4-mapped IPv6 addresses ({@code ::ffff:a.b.c.d}) match as IPv4, since
 * a dual-stack socket reports IPv4 peers that way.
 */
public final class CidrSet {

    private final List<Prefix> prefixes;

    private CidrSet(List<Prefix> prefixes) {
        this.prefixes = List.copyOf(prefixes);
    }

    public static CidrSet empty() {
        return new CidrSet(List.of());
    }

    /** Parses every entry; an invalid one fails the whole set with a message naming it. */
    public static CidrSet parse(List<String> cidrs) {
        List<Prefix> parsed = new ArrayList<>();
        for (String cidr : cidrs) {
            parsed.add(Prefix.parse(cidr.trim()));
        }
        return new CidrSet(parsed);
    }

    public boolean contains(InetAddress address) {
        byte[] bytes = canonical(address.getAddress());
        for (Prefix prefix : prefixes) {
            if (prefix.matches(bytes)) {
                return true;
            }
        }
        return false;
    }

    public boolean isEmpty() {
        return prefixes.isEmpty();
    }

    /** IPv4-mapped IPv6 addresses as their 4 IPv4 bytes; everything else unchanged. */
    static byte[] canonical(byte[] address) {
        if (address.length == 16 && isV4Mapped(address)) {
            byte[] v4 = new byte[4];
            System.arraycopy(address, 12, v4, 0, 4);
            return v4;
        }
        return address;
    }

    private static boolean isV4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    private record Prefix(byte[] network, int bits) {

        static Prefix parse(String text) {
            int slash = text.indexOf('/');
            String host = slash < 0 ? text : text.substring(0, slash);
            if (host.isEmpty() || !host.matches("[0-9A-Fa-f:.]+")) {
                throw new IllegalArgumentException("invalid CIDR '" + text + "': expected an IP address or address/bits");
            }
            byte[] network;
            try {
                network = canonical(InetAddress.getByName(host).getAddress());
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("invalid CIDR '" + text + "': " + e.getMessage(), e);
            }
            int max = network.length * 8;
            int bits = max;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(text.substring(slash + 1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("invalid CIDR '" + text + "': prefix length is not a number", e);
                }
                if (bits < 0 || bits > max) {
                    throw new IllegalArgumentException("invalid CIDR '" + text + "': prefix length must be 0.." + max);
                }
            }
            return new Prefix(network, bits);
        }

        boolean matches(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }
    }
}

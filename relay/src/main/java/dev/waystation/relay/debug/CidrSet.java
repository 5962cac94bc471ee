package dev.waystation.relay.debug;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import dev.waystation.policy.setting.Cidr;
import dev.waystation.policy.setting.SettingValueException;

/**
 * A set of IP prefixes ("10.0.0.0/8", "fd00::/8", or a bare address) that answers whether an address
 * lies inside one of them. The text is parsed by the policy catalog's {@link Cidr}, the same parser
 * that validates {@code Debug.AllowedCIDRs}.
 */
public final class CidrSet {

    private final List<Cidr> prefixes;

    private CidrSet(List<Cidr> prefixes) {
        this.prefixes = List.copyOf(prefixes);
    }

    public static CidrSet empty() {
        return new CidrSet(List.of());
    }

    /** Parses every entry; an invalid one fails the whole set with a message naming it. */
    public static CidrSet parse(List<String> cidrs) {
        List<Cidr> parsed = new ArrayList<>();
        for (String cidr : cidrs) {
            try {
                parsed.add(Cidr.parse(cidr.trim()));
            } catch (SettingValueException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
        return new CidrSet(parsed);
    }

    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        for (Cidr prefix : prefixes) {
            if (prefix.contains(bytes)) {
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
        return Cidr.canonical(address);
    }
}

package dev.waystation.policy.setting;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * An IP prefix written as {@code 10.0.0.0/8}, {@code fd00::/8} or a bare address (all bits). The one
 * parser of CIDR text: the catalog validates {@code Debug.AllowedCIDRs} with it and the relay matches
 * addresses with it. IPv4-mapped IPv6 addresses ({@code ::ffff:a.b.c.d}) count as IPv4, since a
 * dual-stack socket reports IPv4 peers that way.
 */
public final class Cidr {

    /** Only address characters: never a host name, which {@link InetAddress} would resolve. */
    private static final Pattern ADDRESS = Pattern.compile("[0-9A-Fa-f:.]+");

    private final byte[] network;
    private final int bits;

    private Cidr(byte[] network, int bits) {
        this.network = network;
        this.bits = bits;
    }

    public static Cidr parse(String text) throws SettingValueException {
        int slash = text.indexOf('/');
        String host = slash < 0 ? text : text.substring(0, slash);
        if (host.isEmpty() || !ADDRESS.matcher(host).matches()) {
            throw invalid(text, "expected an IP address or address/bits");
        }
        byte[] network;
        try {
            network = canonical(InetAddress.getByName(host).getAddress());
        } catch (UnknownHostException e) {
            throw invalid(text, "not an IP address");
        }
        int max = network.length * 8;
        int bits = max;
        if (slash >= 0) {
            String length = text.substring(slash + 1);
            if (length.isEmpty() || length.length() > 3 || !length.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw invalid(text, "prefix length is not a number");
            }
            bits = Integer.parseInt(length);
            if (bits > max) {
                throw invalid(text, "prefix length must be 0.." + max);
            }
        }
        return new Cidr(network, bits);
    }

    /** True when {@code address} (raw bytes, IPv4-mapped allowed) lies inside this prefix. */
    public boolean contains(byte[] address) {
        byte[] a = canonical(address);
        if (a.length != network.length) {
            return false;
        }
        int full = bits / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rest = bits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[full] & mask) == (network[full] & mask);
    }

    /** IPv4-mapped IPv6 addresses as their 4 IPv4 bytes; everything else unchanged. */
    public static byte[] canonical(byte[] address) {
        if (address.length == 16 && isV4Mapped(address)) {
            return Arrays.copyOfRange(address, 12, 16);
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

    private static SettingValueException invalid(String text, String why) {
        return new SettingValueException("invalid CIDR \"" + text + "\": " + why);
    }
}

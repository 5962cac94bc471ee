package dev.waystation.operator.probe;

import java.net.InetSocketAddress;
import java.util.Optional;

import dev.waystation.crd.v1alpha1.DerpMapNode;

/**
 * One published node as clients see it in the DERP map. Ports and addresses follow Tailscale's rules:
 * DERPPort 0 means 443, STUNPort 0 means 3478 and -1 no STUN; IPv4 (else IPv6, else the HostName)
 * is dialled, "none" disables a family.
 */
record ProbeTarget(String regionNamespace, String regionName, int regionId, String regionCode, DerpMapNode node) {

    static final int DEFAULT_DERP_PORT = 443;
    static final int DEFAULT_STUN_PORT = 3478;
    static final int STUN_DISABLED = -1;
    private static final String NO_ADDRESS = "none";

    String nodeName() {
        return node.getName();
    }

    /** {@code namespace/region/node}: identifies the node across the whole map. */
    String key() {
        return regionNamespace + "/" + regionName + "/" + nodeName();
    }

    int derpPort() {
        return node.getDerpPort() == null || node.getDerpPort() == 0 ? DEFAULT_DERP_PORT : node.getDerpPort();
    }

    boolean stunEnabled() {
        return node.getStunPort() == null || node.getStunPort() != STUN_DISABLED;
    }

    int stunPort() {
        return node.getStunPort() == null || node.getStunPort() == 0 ? DEFAULT_STUN_PORT : node.getStunPort();
    }

    /** The address clients dial: the forced IPv4, else IPv6, else the HostName (resolved by the resolver). */
    String dialHost() {
        return address(node.getIpv4()).or(() -> address(node.getIpv6())).orElse(node.getHostName());
    }

    InetSocketAddress derpAddress() {
        return new InetSocketAddress(dialHost(), derpPort());
    }

    InetSocketAddress stunAddress() {
        return new InetSocketAddress(dialHost(), stunPort());
    }

    /** The {@code sha256-raw:} pin CertName carries, if any. */
    Optional<String> pin() {
        return Optional.ofNullable(node.getCertName()).filter(c -> c.startsWith(NodeTrust.PIN_PREFIX));
    }

    /** The name the certificate must carry and the TLS server name: CertName unless it is a pin, else HostName. */
    String serverName() {
        return Optional.ofNullable(node.getCertName()).filter(c -> !c.startsWith(NodeTrust.PIN_PREFIX))
                .orElse(node.getHostName());
    }

    private static Optional<String> address(String value) {
        return Optional.ofNullable(value).filter(v -> !v.isEmpty() && !NO_ADDRESS.equals(v));
    }
}

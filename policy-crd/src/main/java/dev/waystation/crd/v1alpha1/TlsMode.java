package dev.waystation.crd.v1alpha1;

/** Where a region's relays get their TLS certificates; the names map onto derper's {@code -certmode}. */
public enum TlsMode {
    /** A {@code kubernetes.io/tls} Secret (for example cert-manager's); derper's {@code manual}. */
    Manual,
    /**
     * A cert-manager {@code Certificate} the operator creates for the region (every node's name, the
     * spec's issuer); the relays load the Secret cert-manager writes, as in {@link #Manual}.
     */
    CertManager,
    /** ACME from Let's Encrypt for each node's DNS name; derper's {@code letsencrypt}. */
    LetsEncrypt,
    /**
     * A self-signed certificate per node; the DERP map pins it with {@code CertName: sha256-raw:<hex>}
     * (what derper does for IP hostnames).
     */
    SelfSigned
}

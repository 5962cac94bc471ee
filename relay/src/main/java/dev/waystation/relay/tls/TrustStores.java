package dev.waystation.relay.tls;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/** Trust managers for the relay's own TLS clients (mesh links, the ACME server): one place builds them. */
public final class TrustStores {

    private TrustStores() {
    }

    /** Trusts exactly {@code certificates} (CAs, or pinned self-signed leaves), with the JDK's checks. */
    public static X509ExtendedTrustManager trusting(List<X509Certificate> certificates)
            throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        for (int i = 0; i < certificates.size(); i++) {
            store.setCertificateEntry("trusted-" + i, certificates.get(i));
        }
        return fromFactory(store);
    }

    /** The JVM's default trust store. */
    public static X509ExtendedTrustManager jvmDefault() throws GeneralSecurityException {
        return fromFactory(null);
    }

    private static X509ExtendedTrustManager fromFactory(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509ExtendedTrustManager extended) {
                return extended;
            }
        }
        throw new GeneralSecurityException("no X509 trust manager from " + factory.getAlgorithm());
    }
}

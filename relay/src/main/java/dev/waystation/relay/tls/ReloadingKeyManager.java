package dev.waystation.relay.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The key manager behind the TLS listener. It is asked for the certificate on every handshake
 * (by the JDK engine and by Netty's OpenSSL engine alike), so installing a new {@link CertifiedKey}
 * takes effect for the next connection without rebuilding the listener, and open connections keep
 * theirs. Each installed certificate gets a fresh alias so no engine-side cache can serve a stale one.
 * It also applies the manual-mode {@link ServerNameRule}: a handshake for another name finds no key.
 */
final class ReloadingKeyManager extends X509ExtendedKeyManager {

    private static final String ALIAS_PREFIX = "waystation-";
    private static final String OVERRIDE_ALIAS_PREFIX = "override-";

    private record Installed(String alias, CertifiedKey key, List<X509Certificate> presentedChain) {
    }

    private final ServerNameRule serverNames;
    private final AtomicReference<Installed> current = new AtomicReference<>();
    // The one replaced last: a handshake that chose its alias just before a reload still finds its key.
    private volatile Installed previous;
    private final List<X509Certificate> trailing;
    private long generation;
    private volatile CertificateOverride override;
    // Override certificates by alias: the newest few only (an engine may still ask for the one chosen just before).
    private final Map<String, CertifiedKey> overrides = new ConcurrentHashMap<>();
    private static final int MAX_OVERRIDE_ALIASES = 4;

    /**
     * @param trailing certificates appended after the chain on every handshake (derper's meta-certificate
     *                 carrying the DERP server key); empty for none
     */
    ReloadingKeyManager(ServerNameRule serverNames, List<X509Certificate> trailing) {
        this.serverNames = serverNames;
        this.trailing = List.copyOf(trailing);
    }

    /** Makes {@code key} the certificate of every handshake from now on. */
    synchronized void install(CertifiedKey key) {
        generation++;
        List<X509Certificate> presented = new ArrayList<>(key.chain());
        presented.addAll(trailing);
        previous = current.getAndSet(new Installed(ALIAS_PREFIX + generation, key, List.copyOf(presented)));
    }

    /** Lets {@code override} replace the certificate of the handshakes it picks (at most one override). */
    void override(CertificateOverride override) {
        this.override = override;
    }

    Optional<CertifiedKey> installed() {
        return Optional.ofNullable(current.get()).map(Installed::key);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        SSLSession handshake = engine == null ? null : engine.getHandshakeSession();
        CertificateOverride hook = override;
        if (hook != null) {
            Optional<CertifiedKey> replacement = hook.forCurrentHandshake();
            if (replacement.isPresent()) {
                return overrideAlias(replacement.get(), keyType);
            }
        }
        return chooseAlias(keyType, handshake);
    }

    private String overrideAlias(CertifiedKey replacement, String keyType) {
        if (!replacement.key().getAlgorithm().equals(keyType)) {
            return null;
        }
        String alias = OVERRIDE_ALIAS_PREFIX + replacement.pin();
        if (!overrides.containsKey(alias) && overrides.size() >= MAX_OVERRIDE_ALIASES) {
            overrides.clear();
        }
        overrides.put(alias, replacement);
        return alias;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        SSLSession session = socket instanceof SSLSocket ssl ? ssl.getHandshakeSession() : null;
        return chooseAlias(keyType, session);
    }

    private String chooseAlias(String keyType, SSLSession handshake) {
        Installed installed = current.get();
        if (installed == null || !installed.key().key().getAlgorithm().equals(keyType)) {
            return null;
        }
        return serverNames.accepts(requestedHostName(handshake), installed.key().leaf()) ? installed.alias() : null;
    }

    static Optional<String> requestedHostName(SSLSession handshake) {
        if (!(handshake instanceof ExtendedSSLSession extended)) {
            return Optional.empty();
        }
        for (SNIServerName name : extended.getRequestedServerNames()) {
            if (name instanceof SNIHostName host) {
                return Optional.of(host.getAsciiName());
            }
            if (name.getType() == 0) { // host_name, as a raw SNIServerName (Netty's OpenSSL engine)
                return Optional.of(new SNIHostName(name.getEncoded()).getAsciiName());
            }
        }
        return Optional.empty();
    }

    private Installed byAlias(String alias) {
        for (Installed candidate : new Installed[] {current.get(), previous}) {
            if (candidate != null && candidate.alias().equals(alias)) {
                return candidate;
            }
        }
        return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        CertifiedKey replacement = overrides.get(alias);
        if (replacement != null) {
            return replacement.chain().toArray(X509Certificate[]::new);
        }
        Installed installed = byAlias(alias);
        return installed == null ? null : installed.presentedChain().toArray(X509Certificate[]::new);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        CertifiedKey replacement = overrides.get(alias);
        if (replacement != null) {
            return replacement.key();
        }
        Installed installed = byAlias(alias);
        return installed == null ? null : installed.key().key();
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        Installed installed = current.get();
        return installed == null ? null : new String[] {installed.alias()};
    }

    // A server never authenticates as a TLS client.
    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}

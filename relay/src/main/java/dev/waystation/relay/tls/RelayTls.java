package dev.waystation.relay.tls;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.waystation.relay.derp.DerpServer;
import dev.waystation.relay.derp.ListenerSpec;
import dev.waystation.relay.derp.ListenerTls;
import dev.waystation.relay.derp.RelayConfig;
import dev.waystation.relay.derp.RelayHostname;
import dev.waystation.tls.CertificateFileNames;
import dev.waystation.relay.tls.acme.AcmeCertificateSource;
import dev.waystation.relay.tls.acme.AcmeChallenges;
import dev.waystation.relay.tls.acme.AcmeSetup;
import dev.waystation.relay.tls.acme.TlsAlpnResponder;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.ssl.OpenSslCachingX509KeyManagerFactory;
import io.netty.handler.ssl.util.KeyManagerFactoryWrapper;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SSLEngineOptions;

/**
 * The TLS hook of the DERP listener: {@link #configure} turns a Vert.x {@code NetServerOptions} into
 * a TLS listener whose certificate comes from a {@link CertificateSource} and changes without a restart.
 * TLS 1.2 and 1.3 only; no ALPN is negotiated (Go DERP clients send none and expect HTTP/1.1), except in
 * ACME mode with TLS-ALPN-01, where {@code http/1.1} and {@code acme-tls/1} are offered.
 */
@ApplicationScoped
public class RelayTls implements ListenerTls {

    private static final Logger LOG = Logger.getLogger(RelayTls.class);
    /** derper disables TLS 1.0 and 1.1: TLS 1.2 is the floor. */
    static final Set<String> PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");
    /**
     * Certificates (by alias) whose BoringSSL form is kept: without the cache netty re-encodes the
     * chain and key to PEM and parses them natively on every handshake. Every installed or override
     * certificate has an alias of its own, so a reload is never served stale; past this many, new ones
     * are served uncached (correct, only slower).
     */
    static final int MAX_CACHED_KEY_MATERIAL = 64;
    /** After {@code DerpListeners} binds (default observer priority). */
    private static final int AFTER_LISTENERS = Interceptor.Priority.APPLICATION + 1000;

    private final boolean enabled;
    private final TlsEngine engine;
    private final ReloadingKeyManager keyManager;
    private final CertificateSource source;
    // Set in ACME mode with TLS-ALPN-01, else null.
    private final TlsAlpnResponder tlsAlpn;

    RelayTls(TlsConfig config, RelayConfig relay, DerpServer server, MeterRegistry registry,
            AcmeChallenges challenges) {
        this.enabled = relay.mode() == RelayConfig.Mode.PRODUCTION;
        String hostname = RelayHostname.of(relay);
        if (!enabled) {
            engine = null;
            keyManager = null;
            source = null;
            tlsAlpn = null;
            return;
        }
        engine = TlsEngine.select(config.engine());
        LOG.infof("DERP TLS runs on the %s", engine.describe());
        TlsMetrics metrics = new TlsMetrics(registry, engine);
        keyManager = new ReloadingKeyManager(ServerNameRule.forHostname(hostname), List.of(metaCertificate(server)));
        boolean acme = config.certMode() == TlsConfig.CertMode.ACME;
        tlsAlpn = acme && AcmeSetup.servesTlsAlpn(config.acme()) ? AcmeSetup.tlsAlpnResponder(challenges) : null;
        if (tlsAlpn != null) {
            keyManager.override(tlsAlpn.certificateOverride());
        }
        if (acme) {
            // Started once the listeners are bound (startAcme): the CA validates on them right after an order.
            source = AcmeSetup.source(config.acme(), hostname, challenges, registry, metrics);
            return;
        }
        Path certFile = config.certFile().orElse(config.certDir().resolve(CertificateFileNames.certificate(hostname)));
        Path keyFile = config.keyFile().orElse(config.certDir().resolve(CertificateFileNames.key(hostname)));
        source = new ManualCertificateSource(certFile, keyFile, hostname, config.reloadCheckInterval(),
                Clock.systemUTC(), metrics);
        source.start(keyManager::install);
    }

    private static X509Certificate metaCertificate(DerpServer server) {
        try {
            return MetaCertificate.forServerKey(server.publicKey().toBytes(), Instant.now());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create the DERP meta-certificate", e);
        }
    }

    void startAcme(@Observes @Priority(AFTER_LISTENERS) StartupEvent event) {
        if (source instanceof AcmeCertificateSource acme) {
            acme.start(keyManager::install);
        }
    }

    /** Whether the DERP listener serves TLS. */
    public boolean enabled() {
        return enabled;
    }

    /** The engine TLS runs on, or empty when TLS is off. */
    public Optional<TlsEngine> engine() {
        return Optional.ofNullable(engine);
    }

    /** Makes {@code options} a TLS listener with the current (and every future) certificate. */
    @Override
    public void configure(ListenerSpec listener, NetServerOptions options) {
        if (!enabled) {
            throw new IllegalStateException("listener " + listener.name() + " asks for TLS but the relay runs in "
                    + "dev mode (plain HTTP, like derper -dev)");
        }
        // With TLS-ALPN-01 the engine's options are wrapped (they switch ALPN on for that listener).
        SSLEngineOptions engineOptions = tlsAlpn != null ? tlsAlpn.engineOptions(engine.vertxOptions())
                : engine.vertxOptions();
        applyTls(options, engineOptions, keyManager);
    }

    static NetServerOptions applyTls(NetServerOptions options, TlsEngine engine, ReloadingKeyManager keyManager) {
        return applyTls(options, engine.vertxOptions(), keyManager);
    }

    private static NetServerOptions applyTls(NetServerOptions options, SSLEngineOptions engineOptions,
            ReloadingKeyManager keyManager) {
        return options.setSsl(true)
                .setUseAlpn(false)
                .setSslEngineOptions(engineOptions)
                .setEnabledSecureTransportProtocols(PROTOCOLS)
                .setKeyCertOptions(KeyCertOptions.wrap(new OpenSslCachingX509KeyManagerFactory(
                        new KeyManagerFactoryWrapper(keyManager), MAX_CACHED_KEY_MATERIAL)));
    }

    /** True when TLS is off, or a certificate is loaded; otherwise why not (for readiness). */
    public Optional<String> notReadyReason() {
        if (!enabled || keyManager.installed().isPresent()) {
            return Optional.empty();
        }
        return Optional.of(source.problem().orElse("no TLS certificate loaded"));
    }

    /** The certificate source's last problem (a failed reload or ACME order), even while a certificate serves. */
    public Optional<String> problem() {
        return enabled ? source.problem() : Optional.empty();
    }

    /** The certificate presented to new connections, if any. */
    public Optional<CertifiedKey> certificate() {
        return enabled ? keyManager.installed() : Optional.empty();
    }

    @PreDestroy
    void stop() {
        if (source != null) {
            source.close();
        }
    }
}

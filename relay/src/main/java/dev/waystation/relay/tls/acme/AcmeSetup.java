package dev.waystation.relay.tls.acme;

import java.security.SecureRandom;
import java.security.Security;
import java.time.Clock;
import java.util.List;

import org.jboss.logging.Logger;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.shredzone.acme4j.challenge.TlsAlpn01Challenge;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.MeterRegistry;

import dev.waystation.relay.tls.CertificateOverride;
import dev.waystation.relay.tls.TlsEngine;
import dev.waystation.relay.tls.TlsMetrics;
import io.vertx.core.net.SSLEngineOptions;

/** Builds ACME mode from its configuration: the store (Secret or directory), account, order and schedule. */
public final class AcmeSetup {

    private static final Logger LOG = Logger.getLogger(AcmeSetup.class);

    private AcmeSetup() {
    }

    public static AcmeCertificateSource source(AcmeConfig config, String hostname, AcmeChallenges challenges,
            TlsEngine engine, MeterRegistry registry, TlsMetrics tlsMetrics) {
        // acme4j builds CSRs and reads PEM keys through BouncyCastle's provider, registered by name.
        if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
            Security.addProvider(new BouncyCastleProvider());
        }
        AcmeStore store = store(config);
        return new AcmeCertificateSource(hostname, new AcmeAccount(config, store),
                new AcmeOrder(challenges, config.orderTimeout()), store,
                new AcmeBackoff(config.retryMin(), config.retryMax(), new SecureRandom()), challengeTypes(config, engine),
                Clock.systemUTC(), tlsMetrics, new AcmeMetrics(registry));
    }

    private static AcmeStore store(AcmeConfig config) {
        if (config.storageSecret().isEmpty()) {
            return new DirectoryAcmeStore(config.storageDir());
        }
        // In-cluster service account (or KUBECONFIG outside); the namespace is the pod's own.
        Config kubernetes = Config.autoConfigure(null);
        String namespace = kubernetes.getNamespace() == null ? "default" : kubernetes.getNamespace();
        return new SecretAcmeStore(new KubernetesClientBuilder().withConfig(kubernetes).build(), namespace,
                config.storageSecret().get());
    }

    /** Whether the DERP listener must answer TLS-ALPN-01 validations (ALPN on, {@code acme-tls/1} offered). */
    public static boolean servesTlsAlpn(AcmeConfig config, TlsEngine engine) {
        return challengeTypes(config, engine).contains(TlsAlpn01Challenge.TYPE);
    }

    /**
     * The configured challenge types this engine can answer. BoringSSL (the OpenSSL engine) asks for the
     * certificate before it negotiates ALPN, so the listener cannot tell a TLS-ALPN-01 validation from
     * a client there: TLS-ALPN-01 needs the JDK engine, and is left out (or, alone, refused) on OpenSSL.
     */
    static List<String> challengeTypes(AcmeConfig config, TlsEngine engine) {
        List<String> types = config.challengeTypes();
        if (engine != TlsEngine.OPENSSL || !types.contains(TlsAlpn01Challenge.TYPE)) {
            return types;
        }
        List<String> usable = types.stream().filter(type -> !TlsAlpn01Challenge.TYPE.equals(type)).toList();
        if (usable.isEmpty()) {
            throw new IllegalStateException("waystation.relay.tls.acme.challenge-types=tls-alpn-01 needs "
                    + "waystation.relay.tls.engine=jdk: the OpenSSL engine chooses the certificate before it "
                    + "negotiates ALPN, so it cannot answer TLS-ALPN-01; or add http-01 (served on the plain port)");
        }
        LOG.infof("ACME challenge tls-alpn-01 is skipped on the OpenSSL engine (it chooses the certificate "
                + "before ALPN); using %s. Set waystation.relay.tls.engine=jdk for tls-alpn-01.", usable);
        return usable;
    }

    /** {@code engine} with ALPN offering {@code http/1.1} and {@code acme-tls/1}. */
    public static SSLEngineOptions withAlpn(SSLEngineOptions engine) {
        return new AlpnEngineOptions(engine);
    }

    /** The key manager hook presenting TLS-ALPN-01 challenge certificates. */
    public static CertificateOverride tlsAlpnOverride(AcmeChallenges challenges) {
        return new TlsAlpnChallengeOverride(challenges);
    }
}

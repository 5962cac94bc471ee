package dev.waystation.relay.tls.acme;

import java.security.SecureRandom;
import java.security.Security;
import java.time.Clock;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.shredzone.acme4j.challenge.TlsAlpn01Challenge;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.MeterRegistry;

import dev.waystation.relay.tls.TlsMetrics;

/** Builds ACME mode from its configuration: the store (Secret or directory), account, order and schedule. */
public final class AcmeSetup {

    private AcmeSetup() {
    }

    public static AcmeCertificateSource source(AcmeConfig config, String hostname, AcmeChallenges challenges,
            MeterRegistry registry, TlsMetrics tlsMetrics) {
        // acme4j builds CSRs and reads PEM keys through BouncyCastle's provider, registered by name.
        if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
            Security.addProvider(new BouncyCastleProvider());
        }
        AcmeStore store = store(config);
        return new AcmeCertificateSource(hostname, new AcmeAccount(config, store),
                new AcmeOrder(challenges, config.orderTimeout()), store,
                new AcmeBackoff(config.retryMin(), config.retryMax(), new SecureRandom()), config.challengeTypes(),
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
    public static boolean servesTlsAlpn(AcmeConfig config) {
        return config.challengeTypes().contains(TlsAlpn01Challenge.TYPE);
    }

    /** The listener's side of TLS-ALPN-01: ALPN engine options and the certificate hook, sharing one state. */
    public static TlsAlpnResponder tlsAlpnResponder(AcmeChallenges challenges) {
        return new TlsAlpnResponder(challenges);
    }
}

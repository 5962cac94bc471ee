package dev.waystation.relay.tls.acme;

import java.security.SecureRandom;
import java.time.Clock;

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
}

package dev.waystation.relay.policy.kubernetes;

import java.util.List;
import java.util.Optional;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.waystation.policy.document.DocumentValidator;
import dev.waystation.policy.document.PolicyDocument;
import dev.waystation.policy.document.PolicyDocumentException;
import dev.waystation.policy.document.PolicyDocumentParser;
import dev.waystation.policy.rsop.PolicyEngine;
import dev.waystation.policy.source.DocumentSources;
import dev.waystation.policy.source.DocumentStatus;
import dev.waystation.policy.source.SourceRegistrar;
import dev.waystation.relay.policy.PolicyStoreProvider;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Vertx;

/**
 * The region's policy document ConfigMap as policy sources: each entry of the document the operator
 * projects becomes a named source (the same {@link DocumentSources} the policy file uses). A new
 * version of the ConfigMap is in the resultant policy after the engine's debounce; a version that
 * does not parse is reported and the last good document stays in force. A ConfigMap missing at
 * start (or without the data key) is an empty document: the operator has projected nothing yet.
 * Once a policy is in force, deleting the ConfigMap, emptying its data key or removing it keeps the
 * last good policy and shows why: a policy is cleared on purpose by an empty document
 * ({@code version: 1}), never by an accident that would drop a deny list.
 */
@ApplicationScoped
public class KubernetesPolicyStore implements PolicyStoreProvider {

    private static final Logger LOG = Logger.getLogger(KubernetesPolicyStore.class);
    private static final String KEEP = "keeping the last good policy (to clear the policy on purpose, apply the "
            + "ConfigMap with an empty document: 'version: 1')";

    @Inject
    KubernetesPolicyConfig config;

    @Inject
    PolicyEngine engine;

    @Inject
    Vertx vertx;

    /** Made in {@link #register}: its Jackson mappers cost start-up time a relay without the store never needs. */
    private PolicyDocumentParser parser;
    private KubernetesClient client;
    private PolicyConfigMapWatch watch;
    private DocumentSources sources;
    private volatile boolean synced;
    private volatile String location;

    @Override
    public synchronized void register(SourceRegistrar registrar) {
        if (!config.enabled()) {
            return;
        }
        String name = config.configMap().orElseThrow(() -> new IllegalStateException(
                "waystation.policy.kubernetes.enabled=true needs waystation.policy.kubernetes.config-map"));
        Config clientConfig = KubernetesPolicyClient.config(config);
        String namespace = config.namespace().or(() -> Optional.ofNullable(clientConfig.getNamespace()))
                .orElseThrow(() -> new IllegalStateException("no namespace for the policy ConfigMap: set "
                        + "waystation.policy.kubernetes.namespace (neither in-cluster nor the kubeconfig names one)"));
        location = "configmap " + namespace + "/" + name;
        sources = new DocumentSources(location, registrar, new DocumentValidator(engine.registry()));
        parser = new PolicyDocumentParser();
        client = KubernetesPolicyClient.create(clientConfig, vertx);
        watch = new PolicyConfigMapWatch(client, namespace, name, config.dataKey(), this::onDocument, this::onDeleted);
        watch.start().thenRun(this::onListed);
        LOG.infof("watching the policy ConfigMap %s/%s (key %s) on %s", namespace, name, config.dataKey(),
                clientConfig.getMasterUrl());
    }

    private synchronized void onDocument(Optional<String> text) {
        if (sources == null) {
            return;
        }
        if (text.isEmpty() || text.get().isBlank()) {
            if (synced) {
                sources.fail(location + ": data key " + config.dataKey() + " is missing or empty; " + KEEP);
                return;
            }
            sources.apply(PolicyDocument.of(List.of()));
        } else {
            try {
                sources.apply(parser.parse(location, text.get()));
                LOG.infof("loaded policy document from %s", location);
            } catch (PolicyDocumentException e) {
                sources.fail(e.getMessage());
            }
        }
        synced = true;
    }

    private synchronized void onDeleted() {
        if (sources == null) {
            return;
        }
        LOG.warnf("policy %s was deleted", location);
        if (synced) {
            sources.fail(location + " was deleted; " + KEEP);
        } else {
            sources.apply(PolicyDocument.of(List.of()));
            synced = true;
        }
    }

    /**
     * The first list is done. A missing ConfigMap sends no event, so its absence is applied here; an
     * existing one's add event is already on its way (the informer fills its cache before it notifies,
     * and both paths hold this lock, so an add can never be overtaken by this empty document).
     */
    private synchronized void onListed() {
        if (!synced && watch.isEmpty()) {
            onDocument(Optional.empty());
        }
    }

    /** Whether this store is configured at all. */
    public boolean enabled() {
        return config.enabled();
    }

    /** True once a first version of the ConfigMap (or its absence) has been seen. */
    public boolean synced() {
        return synced;
    }

    /** True while the watch runs (false while the API server is unreachable; the last good policy stays). */
    public synchronized boolean watching() {
        return watch != null && watch.isWatching();
    }

    /**
     * True while the informer runs, reconnecting included; false once it stopped for good (only
     * {@code close()} or an error its handler gave up on stops it).
     */
    public synchronized boolean watchRunning() {
        return watch != null && watch.isRunning();
    }

    /** Where the document comes from, {@code configmap <namespace>/<name>}, once registered. */
    public Optional<String> location() {
        return Optional.ofNullable(location);
    }

    @Override
    public synchronized List<DocumentStatus> documents() {
        return sources == null ? List.of() : List.of(sources.status());
    }

    @PreDestroy
    synchronized void stop() {
        if (watch != null) {
            watch.close();
        }
        if (client != null) {
            client.close();
        }
        if (sources != null) {
            sources.close();
        }
    }
}

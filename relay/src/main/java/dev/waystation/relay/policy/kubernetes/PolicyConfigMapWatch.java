package dev.waystation.relay.policy.kubernetes;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * Watches one ConfigMap through the API server with a Fabric8 informer (list, then watch, resumed
 * after disconnects) and hands every new version of its policy document to a consumer (empty when
 * the data key is missing) and its deletion to another. A ConfigMap that does not exist yet sends
 * no event at all: {@link #isEmpty()} after {@link #start()} tells.
 */
final class PolicyConfigMapWatch implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PolicyConfigMapWatch.class);
    /** Resync re-delivers the cached ConfigMap periodically; content is compared downstream, so it is harmless. */
    private static final long RESYNC_MILLIS = 0;

    /**
     * A watch event of the kind this watch receives. Fabric8 decodes watch events polymorphically and
     * builds its kind-to-class table on the first one; under load that took seconds, so the first
     * policy change after start arrived late. Decoding this sample at start pays that cost up front.
     */
    private static final String SAMPLE_WATCH_EVENT =
            "{\"type\":\"MODIFIED\",\"object\":{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\"}}";

    private final SharedIndexInformer<ConfigMap> informer;

    PolicyConfigMapWatch(KubernetesClient client, String namespace, String name, String dataKey,
            Consumer<Optional<String>> onDocument, Runnable onDeleted) {
        warmUpEventDecoding(client);
        this.informer = client.configMaps().inNamespace(namespace).withName(name)
                .runnableInformer(RESYNC_MILLIS);
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(ConfigMap configMap) {
                onDocument.accept(document(configMap, dataKey));
            }

            @Override
            public void onUpdate(ConfigMap old, ConfigMap configMap) {
                onDocument.accept(document(configMap, dataKey));
            }

            @Override
            public void onDelete(ConfigMap configMap, boolean finalStateUnknown) {
                onDeleted.run();
            }
        });
        informer.exceptionHandler((started, error) -> {
            LOG.warnf("watching policy ConfigMap %s/%s failed (%s); retrying", namespace, name, error.toString());
            return true;
        });
    }

    /**
     * Starts listing and watching; documents arrive asynchronously. The stage completes once the
     * first list succeeded: a ConfigMap that exists then has its add event under way.
     */
    CompletionStage<Void> start() {
        return informer.start();
    }

    private static void warmUpEventDecoding(KubernetesClient client) {
        try {
            client.getKubernetesSerialization().unmarshal(SAMPLE_WATCH_EVENT, WatchEvent.class);
        } catch (RuntimeException e) {
            // Only a warm-up: the real events are decoded (and their errors reported) by the informer.
            LOG.debugf("decoding a sample watch event failed: %s", e);
        }
    }

    /** True when the informer's cache holds no ConfigMap (none exists, as far as it knows). */
    boolean isEmpty() {
        return informer.getStore().list().isEmpty();
    }

    /** True once the first list succeeded and the watch runs. */
    boolean isWatching() {
        return informer.isWatching();
    }

    /** True until the informer stops for good. */
    boolean isRunning() {
        return informer.isRunning();
    }

    private static Optional<String> document(ConfigMap configMap, String dataKey) {
        Map<String, String> data = configMap.getData();
        return Optional.ofNullable(data == null ? null : data.get(dataKey));
    }

    @Override
    public void close() {
        informer.close();
    }
}

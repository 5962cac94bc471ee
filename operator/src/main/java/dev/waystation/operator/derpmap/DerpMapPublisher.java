package dev.waystation.operator.derpmap;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.waystation.crd.v1alpha1.DerpMap;
import dev.waystation.crd.v1alpha1.DerpRegion;
import dev.waystation.operator.ApiWrites;
import dev.waystation.operator.ManagedLabels;
import dev.waystation.operator.OperatorConfig;
import dev.waystation.operator.probe.WithheldNodes;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

/**
 * Keeps the aggregated DERP map current: watches every DerpRegion, rebuilds the map shortly after any
 * change (changes arriving together are coalesced, and a change during a publish causes another one), writes it to the DERP map ConfigMap when its JSON
 * changed, and hands the JSON to the HTTP endpoint.
 */
@ApplicationScoped
public class DerpMapPublisher {

    /** Data key of the DERP map JSON in the ConfigMap. */
    public static final String DATA_KEY = "derpmap.json";
    private static final Logger LOG = Logger.getLogger(DerpMapPublisher.class);
    private static final long COALESCE_MILLIS = 200;
    private static final long RETRY_MILLIS = 5000;

    private final KubernetesClient client;
    private final OperatorConfig config;
    private final ObjectMapper json = new ObjectMapper();
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "derp-map-publisher");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicInteger regionCount = new AtomicInteger();
    private volatile String currentJson;
    /** The ConfigMap is written at least once per start, even when the map is empty. */
    private volatile boolean publishedBefore;
    private final CoalescingTrigger trigger;
    private final ApiWrites writes;
    private final WithheldNodes withheld;
    private SharedIndexInformer<DerpRegion> informer;

    @Inject
    public DerpMapPublisher(KubernetesClient client, OperatorConfig config, ApiWrites writes, MeterRegistry registry,
            WithheldNodes withheld) {
        this.client = client;
        this.withheld = withheld;
        this.config = config;
        this.writes = writes;
        this.trigger = new CoalescingTrigger(executor, COALESCE_MILLIS, this::publish);
        this.currentJson = toJson(new DerpMap());
        registry.gauge("waystation.operator.derp.map.regions", regionCount);
        withheld.onChange(this::schedule);
    }

    void start(@Observes StartupEvent event,
            @ConfigProperty(name = "quarkus.operator-sdk.start-operator", defaultValue = "true") boolean operatorStarts) {
        if (!operatorStarts) {
            return;
        }
        informer = client.resources(DerpRegion.class).inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(DerpRegion region) {
                schedule();
            }

            @Override
            public void onUpdate(DerpRegion before, DerpRegion after) {
                schedule();
            }

            @Override
            public void onDelete(DerpRegion region, boolean finalStateUnknown) {
                schedule();
            }
        });
        schedule();
    }

    /** The DERP map JSON as last published ({@code {"Regions":{}}} before any region has addresses). */
    public String json() {
        return currentJson;
    }

    /** The regions whose nodes the DERP map carries (before the prober's withholding), oldest first. */
    public List<DerpRegion> contributingRegions() {
        return informer == null ? List.of()
                : DerpMapAssembler.contributing(informer.getStore().list(), config.derpMap().regionNamespaces());
    }

    private void schedule() {
        trigger.request();
    }

    /** Whether the DerpRegion watch runs (for the liveness check): false once the informer stopped for good. */
    public boolean watchRunning() {
        return informer == null || informer.isRunning();
    }

    /** Whether the DerpRegion watch is connected (false while it lists again, backs off or is refused). */
    public boolean watching() {
        return informer == null || informer.isWatching();
    }

    private void publish() {
        try {
            DerpMap map = DerpMapAssembler.assemble(informer.getStore().list(), config.derpMap().regionNamespaces(),
                    withheld::published);
            String mapJson = toJson(map);
            regionCount.set(map.getRegions().size());
            if (mapJson.equals(currentJson) && publishedBefore) {
                return;
            }
            String namespace = config.derpMap().namespace().orElseGet(client::getNamespace);
            client.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder()
                    .withNewMetadata()
                    .withName(config.derpMap().configMapName())
                    .withNamespace(namespace)
                    .addToLabels(ManagedLabels.MANAGED_BY, ManagedLabels.MANAGED_BY_VALUE)
                    .addToLabels(ManagedLabels.COMPONENT, "derp-map")
                    .endMetadata()
                    .withData(Map.of(DATA_KEY, mapJson))
                    .build())
                    .fieldManager(ManagedLabels.FIELD_MANAGER).forceConflicts().serverSideApply();
            writes.count("DerpMap");
            currentJson = mapJson;
            publishedBefore = true;
            LOG.infof("DERP map published: %d regions (ConfigMap %s/%s)", map.getRegions().size(), namespace,
                    config.derpMap().configMapName());
        } catch (RuntimeException e) {
            LOG.warnf("publishing the DERP map failed (%s); retrying", e.toString());
            trigger.requestAfter(RETRY_MILLIS);
        }
    }

    private String toJson(DerpMap map) {
        try {
            return json.writeValueAsString(map);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the DERP map always serialises", e);
        }
    }

    @PreDestroy
    void stop() {
        if (informer != null) {
            informer.close();
        }
        executor.shutdownNow();
    }
}

package dev.waystation.operator.region;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import dev.waystation.crd.v1alpha1.DerpRegion;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * The relay configuration ({@link RelayEnvironment}), loaded by the pods as environment variables, and
 * the mesh peer list, mounted as a file that running relays re-read (so scaling restarts nothing).
 */
@ApplicationScoped
class RelayConfigMap implements RegionDependent {

    @Override
    public List<HasMetadata> desired(DerpRegion region) {
        return List.of(new ConfigMapBuilder()
                .withMetadata(RegionObjects.ownedMeta(region, RegionObjects.relayConfigMap(region), RegionObjects.RELAY))
                .withData(RelayEnvironment.configMapData(region))
                .build(),
                new ConfigMapBuilder()
                .withMetadata(RegionObjects.ownedMeta(region, RegionObjects.meshPeersConfigMap(region),
                        RegionObjects.RELAY))
                .withData(Map.of(RelayEnvironment.MESH_PEERS_FILE, RelayEnvironment.meshWith(region)))
                .build());
    }
}

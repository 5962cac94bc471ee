package dev.waystation.operator.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.context.ApplicationScoped;

import dev.waystation.crd.v1alpha1.DerpMapRegion;

/**
 * The nodes the DERP map leaves out because the prober found them failing, keyed
 * {@code regionId/nodeName}. The prober decides (see {@link ProbeBook}); the DERP map publisher asks
 * here while assembling and listens for changes.
 */
@ApplicationScoped
public class WithheldNodes {

    private volatile Set<String> withheld = Set.of();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    /** The region as published: its fragment without withheld nodes (the same object when none is). */
    public DerpMapRegion published(DerpMapRegion region) {
        Set<String> current = withheld;
        if (current.isEmpty() || region.getNodes().stream().noneMatch(n -> current.contains(key(region.getRegionId(), n.getName())))) {
            return region;
        }
        DerpMapRegion copy = new DerpMapRegion();
        copy.setRegionId(region.getRegionId());
        copy.setRegionCode(region.getRegionCode());
        copy.setRegionName(region.getRegionName());
        copy.setNodes(new ArrayList<>(region.getNodes().stream()
                .filter(n -> !current.contains(key(region.getRegionId(), n.getName()))).toList()));
        return copy;
    }

    /** Called when the set changes (the DERP map is then assembled again). */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    void replace(Set<String> nodes) {
        if (!nodes.equals(withheld)) {
            withheld = Set.copyOf(nodes);
            listeners.forEach(Runnable::run);
        }
    }

    static String key(int regionId, String nodeName) {
        return regionId + "/" + nodeName;
    }
}

package dev.waystation.relay.derp;

import java.util.List;
import java.util.Optional;

/**
 * The name clients reach this relay by: its own entry of {@code waystation.relay.node-hostnames}
 * when that list and {@code waystation.relay.node-index} are both set, else {@code waystation.relay.hostname}.
 */
public final class RelayHostname {

    private RelayHostname() {
    }

    public static String of(RelayConfig config) {
        return resolve(config.hostname(), config.nodeHostnames(), config.nodeIndex());
    }

    static String resolve(String hostname, Optional<List<String>> nodeHostnames, Optional<Integer> nodeIndex) {
        if (nodeHostnames.isEmpty() || nodeIndex.isEmpty()) {
            return hostname;
        }
        List<String> names = nodeHostnames.get();
        int index = nodeIndex.get();
        if (index < 0 || index >= names.size()) {
            throw new IllegalStateException("waystation.relay.node-index " + index + " has no entry in "
                    + "waystation.relay.node-hostnames " + names + " (indexes 0.." + (names.size() - 1) + ")");
        }
        return names.get(index);
    }
}

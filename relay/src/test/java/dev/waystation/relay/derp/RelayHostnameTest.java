package dev.waystation.relay.derp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class RelayHostnameTest {

    private static final Optional<List<String>> NODES = Optional.of(List.of("derp0.example.com", "derp1.example.com"));

    @Test
    void theNodeIndexPicksThisRelaysEntry() {
        assertThat(RelayHostname.resolve("localhost", NODES, Optional.of(1))).isEqualTo("derp1.example.com");
    }

    @Test
    void withoutTheListTheHostnameStands() {
        assertThat(RelayHostname.resolve("derp.example.com", Optional.empty(), Optional.of(0)))
                .isEqualTo("derp.example.com");
        assertThat(RelayHostname.resolve("derp.example.com", Optional.empty(), Optional.empty()))
                .isEqualTo("derp.example.com");
    }

    @Test
    void aListWithoutAnIndexIsAStartupErrorNamingKubernetes128() {
        // What a StatefulSet pod on Kubernetes < 1.28 sees: no pod-index label, so an empty index.
        assertThatThrownBy(() -> RelayHostname.resolve("localhost", NODES, Optional.empty()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("waystation.relay.node-index is not")
                .hasMessageContaining("apps.kubernetes.io/pod-index")
                .hasMessageContaining("Kubernetes 1.28 or later");
    }

    @Test
    void anIndexOutsideTheListIsAStartupErrorThatSaysSo() {
        assertThatThrownBy(() -> RelayHostname.resolve("localhost", NODES, Optional.of(2)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("waystation.relay.node-index 2 has no entry in waystation.relay.node-hostnames "
                        + "[derp0.example.com, derp1.example.com] (indexes 0..1)");
    }
}

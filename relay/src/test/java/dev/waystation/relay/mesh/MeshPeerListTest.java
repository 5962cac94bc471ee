package dev.waystation.relay.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class MeshPeerListTest {

    @Test
    void entriesTakeDerpersFormPlusPorts() {
        assertThat(MeshPeerAddress.parse("derp1.example.com"))
                .isEqualTo(new MeshPeerAddress("derp1.example.com", 443, "derp1.example.com", 443));
        assertThat(MeshPeerAddress.parse("derp1.example.com/r-1.r-mesh.ns.svc:8443"))
                .isEqualTo(new MeshPeerAddress("derp1.example.com", 443, "r-1.r-mesh.ns.svc", 8443));
        assertThat(MeshPeerAddress.parse("node-a.test:8443/127.0.0.1"))
                .isEqualTo(new MeshPeerAddress("node-a.test", 8443, "127.0.0.1", 8443));
        assertThat(MeshPeerAddress.parse("[::1]:9443"))
                .isEqualTo(new MeshPeerAddress("::1", 9443, "::1", 9443));
        assertThat(MeshPeerAddress.parse("node-a.test:8443").hostHeader()).isEqualTo("node-a.test:8443");
        assertThat(MeshPeerAddress.parse("node-a.test").label()).isEqualTo("node-a.test");
    }

    @Test
    void malformedEntriesAreRefusedWithTheEntryNamed() {
        assertThatThrownBy(() -> MeshPeerAddress.parse("a/b/c")).hasMessageContaining("'a/b/c'");
        assertThatThrownBy(() -> MeshPeerAddress.parse("a:99999")).hasMessageContaining("port '99999'");
        assertThatThrownBy(() -> MeshPeerAddress.parse("a:")).hasMessageContaining("port ''");
        assertThatThrownBy(() -> MeshPeerAddress.parse("a/")).hasMessageContaining("'a/'");
        assertThatThrownBy(() -> MeshPeerAddress.parse("[::1")).hasMessageContaining("unclosed");
    }

    @Test
    void aListSkipsCommentsAndRepeatsAndKeepsTheGoodEntriesBesideABadOne() {
        MeshPeerList list = MeshPeerList.parse(List.of("a.test, b.test", """
                # the region's nodes
                b.test
                c.test:70000 d.test/10.0.0.4:8443   # trailing comment
                """));
        assertThat(list.peers()).extracting(MeshPeerAddress::label).containsExactly("a.test", "b.test", "d.test");
        assertThat(list.errors()).singleElement().asString().contains("c.test:70000");
    }
}

package dev.waystation.relay.mesh;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.concurrent.atomic.LongAdder;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * The mesh's metrics: derper's names where derper has them ({@code derp_multiforwarder_*},
 * {@code derp_packet_forwarder_delete_other_value}; {@code derp_packets_forwarded_out/in} and
 * {@code derp_clients_remote} belong to the DERP server), plus per-peer link state, client counts and
 * forwarded traffic, labelled {@code peer}.
 */
@Singleton
public class MeshMetrics {

    static final String PEER_TAG = "peer";

    final LongAdder multiForwarderCreated = new LongAdder();
    final LongAdder multiForwarderDeleted = new LongAdder();
    final LongAdder forwarderDeleteOtherValue = new LongAdder();
    /** Malformed entries in the current peer list (left out). */
    final AtomicInteger invalidPeerEntries = new AtomicInteger();
    final AtomicInteger peers = new AtomicInteger();

    private final MeterRegistry registry;
    private final Counter trustReloads;
    private final Counter trustReloadFailures;

    public MeshMetrics(MeterRegistry registry) {
        this.registry = registry;
        counter("derp.multiforwarder.created", "keys that became reachable through two or more mesh peers",
                multiForwarderCreated, Tags.empty());
        counter("derp.multiforwarder.deleted", "keys no longer reachable through two or more mesh peers",
                multiForwarderDeleted, Tags.empty());
        counter("derp.packet.forwarder.delete.other.value",
                "PeerGone from a mesh peer for a key that peer had not announced", forwarderDeleteOtherValue,
                Tags.empty());
        Gauge.builder("waystation.mesh.peers", peers, AtomicInteger::get)
                .description("mesh peers this relay dials (its own entry excluded)").register(registry);
        Gauge.builder("waystation.mesh.peer.list.invalid.entries", invalidPeerEntries, AtomicInteger::get)
                .description("malformed entries of the mesh peer list, left out").register(registry);
        trustReloads = trustReloadCounter("success");
        trustReloadFailures = trustReloadCounter("failure");
    }

    private Counter trustReloadCounter(String result) {
        return Counter.builder("waystation.mesh.trust.reloads").tag("result", result)
                .description("loads of the mesh CA file: success installs it, failure keeps the last good trust")
                .register(registry);
    }

    void trustReloaded(boolean success) {
        (success ? trustReloads : trustReloadFailures).increment();
    }

    /** The number of certificates the mesh trusts from its CA file (0 while it uses the JVM's store). */
    void trustedCertificates(IntSupplier count) {
        Gauge.builder("waystation.mesh.trust.certificates", count, IntSupplier::getAsInt)
                .description("certificates the mesh CA file holds (0: the JVM's trust store)").strongReference(true)
                .register(registry);
    }

    private Meter counter(String name, String help, LongAdder adder, Tags tags) {
        return FunctionCounter.builder(name, adder, LongAdder::sum).description(help).tags(tags).register(registry);
    }

    /** Registers a link's meters; {@link #unregister} removes them when the peer leaves the list. */
    List<Meter> register(MeshLink link) {
        Tags tags = Tags.of(PEER_TAG, link.address().label());
        return List.of(
                Gauge.builder("waystation.mesh.peer.up", link, l -> l.state() == MeshLinkState.UP ? 1 : 0)
                        .description("1 while the mesh link to the peer is up").tags(tags).strongReference(true)
                        .register(registry),
                Gauge.builder("waystation.mesh.peer.clients", link, MeshLink::clientCount)
                        .description("clients the peer announced (reachable through it)").tags(tags)
                        .strongReference(true).register(registry),
                counter("waystation.mesh.forwarded.packets", "packets forwarded to the peer", link.forwardedPackets,
                        tags),
                counter("waystation.mesh.forwarded.bytes", "packet bytes forwarded to the peer", link.forwardedBytes,
                        tags),
                counter("waystation.mesh.forward.drops",
                        "packets for the peer dropped (link down or its send buffer full)", link.forwardDrops, tags),
                counter("waystation.mesh.link.connects", "mesh link handshakes completed", link.connects, tags),
                counter("waystation.mesh.link.failures", "mesh link attempts failed or links dropped", link.failures,
                        tags),
                counter("waystation.mesh.restarting.received", "Restarting frames received from the peer",
                        link.restartingReceived, tags));
    }

    void unregister(List<Meter> meters) {
        meters.forEach(registry::remove);
    }
}

package dev.waystation.relay.derp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.waystation.testing.GoCheck;
import dev.waystation.testing.RelayProcess;

/**
 * The packaged relay driven by Tailscale's own DERP client ({@code tailscale.com/derp/derphttp},
 * through {@code src/interop/cmd/derpcheck}) over plain HTTP.
 */
class DerpInteropIT {

    private static RelayProcess relay;

    @BeforeAll
    static void startRelay() {
        relay = RelayProcess.start();
    }

    @AfterAll
    static void stopRelay() {
        if (relay != null) {
            relay.close();
        }
    }

    private static void check(String name, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = relay.derpUrl();
        System.arraycopy(args, 0, all, 1, args.length);
        GoCheck.Result result = GoCheck.run("derpcheck", 240, prepend(name, all));
        assertThat(result.ok()).as("derpcheck %s failed:\n%s\nrelay log:\n%s", name, result.output(),
                relay.logText()).isTrue();
    }

    private static String[] prepend(String first, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    @Test
    void twoClientsExchangePacketsBothWays() {
        double before = relay.metric("derp_packets_sent_total");
        check("exchange");
        assertThat(relay.metric("derp_packets_sent_total") - before).isGreaterThanOrEqualTo(20);
    }

    @Test
    void fastStartClientsGetNoHttpResponseAndExchangePackets() {
        check("faststart");
    }

    @Test
    void tenThousandPacketsOfRandomSizesArriveIntactAndInOrder() {
        check("bulk", "10000");
    }

    @Test
    void peerGoneArrivesWhenACorrespondentDisconnects() {
        double before = relay.metric("derp_peer_gone_disconnected_frames_total");
        check("peergone");
        assertThat(relay.metric("derp_peer_gone_disconnected_frames_total")).isGreaterThan(before);
    }

    @Test
    void pingGetsPong() {
        double before = relay.metric("derp_sent_pong_total");
        check("ping");
        assertThat(relay.metric("derp_sent_pong_total")).isGreaterThan(before);
    }

    @Test
    void duplicateConnectionsFollowTheLastWriterAndStayOpen() {
        double before = relay.metric("derp_total_dup_client_conns_total");
        check("duplicate");
        assertThat(relay.metric("derp_total_dup_client_conns_total")).isGreaterThan(before);
    }
}

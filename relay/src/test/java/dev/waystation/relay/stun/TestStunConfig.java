package dev.waystation.relay.stun;

import java.util.List;

/** Static STUN settings for tests that build a {@link StunServer} on their own Vert.x. */
record TestStunConfig(int port, List<String> bindAddresses, int sockets) implements StunConfig {

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public boolean answerAllClients() {
        return false;
    }

    @Override
    public int socketsPerAddress() {
        return sockets;
    }
}

package dev.waystation.relay.stun;

import java.util.List;

/** Static STUN settings for tests that build a {@link StunServer} on their own Vert.x. */
record TestStunConfig(int port, List<String> bindAddresses, int sockets, int receiveBufferBytes) implements StunConfig {

    /** With the kernel's default receive buffer. */
    TestStunConfig(int port, List<String> bindAddresses, int sockets) {
        this(port, bindAddresses, sockets, 0);
    }

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

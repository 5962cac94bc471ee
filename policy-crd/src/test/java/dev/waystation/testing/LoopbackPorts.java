package dev.waystation.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for processes a test starts with a fixed port. They are chosen below the
 * kernel's ephemeral range (32768 and up): between choosing and binding, the kernel may hand an
 * ephemeral port to any outgoing connection (a relay's ACME or mesh client during start-up), and the
 * later bind would fail.
 */
public final class LoopbackPorts {

    private static final int LOW = 20000;
    private static final int HIGH = 32000;
    private static final int ATTEMPTS = 200;

    private LoopbackPorts() {
    }

    /** A TCP port free on the loopback address. */
    public static int free() {
        return freeTcp(List.of(InetAddress.getLoopbackAddress()));
    }

    /** A TCP port free on every one of {@code addresses} (processes on several loopback addresses, one port). */
    public static int freeTcp(List<InetAddress> addresses) {
        return find("TCP", addresses, (port, address) -> {
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(address, port), 1);
            }
        });
    }

    /** A UDP port free on every one of {@code addresses}. */
    public static int freeUdp(List<InetAddress> addresses) {
        return find("UDP", addresses, (port, address) -> {
            try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(address, port))) {
                // bound: free
            }
        });
    }

    private interface Bind {
        void bind(int port, InetAddress address) throws IOException;
    }

    private static int find(String protocol, List<InetAddress> addresses, Bind bind) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int candidate = ThreadLocalRandom.current().nextInt(LOW, HIGH);
            if (freeOnAll(candidate, addresses, bind)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no " + protocol + " port free on " + addresses + " in " + LOW + "-" + HIGH
                + " after " + ATTEMPTS + " attempts");
    }

    private static boolean freeOnAll(int port, List<InetAddress> addresses, Bind bind) {
        for (InetAddress address : addresses) {
            try {
                bind.bind(port, address);
            } catch (IOException taken) {
                return false;
            }
        }
        return true;
    }
}

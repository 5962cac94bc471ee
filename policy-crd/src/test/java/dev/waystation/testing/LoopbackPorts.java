package dev.waystation.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
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

    public static int free() {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int candidate = ThreadLocalRandom.current().nextInt(LOW, HIGH);
            try (ServerSocket socket = new ServerSocket(candidate, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // in use: try another
            }
        }
        throw new IllegalStateException("no free loopback port in " + LOW + "-" + HIGH + " after " + ATTEMPTS
                + " attempts");
    }
}

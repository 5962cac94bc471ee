package dev.waystation.relay.stun;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * coturn's {@code turnutils_stunclient}, a plain RFC 5389 client nobody here wrote. Installs the
 * Debian package {@code coturn} when the client is missing (the tests run as root) and makes sure the
 * install did not leave coturn's TURN server running. Failing to install is a test failure.
 */
final class CoturnStunClient {

    private static final Path CLIENT = Path.of("/usr/bin/turnutils_stunclient");
    private static final Duration APT_DEADLINE = Duration.ofMinutes(10);
    private static final Pattern REFLEXIVE = Pattern.compile("UDP reflexive addr: (\\S+):(\\d+)");
    private static boolean installed;

    private CoturnStunClient() {
    }

    /** The reflexive address lines the client printed, as {@code ip:port}. */
    static List<String> reflexiveAddresses(CommandResult result) {
        List<String> addresses = new ArrayList<>();
        Matcher m = REFLEXIVE.matcher(result.output());
        while (m.find()) {
            addresses.add(m.group(1) + ":" + m.group(2));
        }
        return addresses;
    }

    /** Asks {@code server} once; the client waits forever without an answer, so {@code deadline} ends it. */
    static CommandResult ask(InetSocketAddress server, Duration deadline) {
        ensureInstalled();
        return CommandResult.run(deadline, List.of(CLIENT.toString(), "-p", Integer.toString(server.getPort()),
                server.getAddress().getHostAddress()));
    }

    static synchronized void ensureInstalled() {
        if (installed || Files.isExecutable(CLIENT)) {
            installed = true;
            return;
        }
        List<String> serversBefore = turnServerPids();
        apt(List.of("apt-get", "update"));
        apt(List.of("apt-get", "install", "-y", "--no-install-recommends", "coturn"));
        // The package may start its TURN server (init scripts); stop only what the install started.
        for (String pid : turnServerPids()) {
            if (!serversBefore.contains(pid)) {
                CommandResult.run(Duration.ofSeconds(10), List.of("kill", pid));
            }
        }
        if (!Files.isExecutable(CLIENT)) {
            throw new IllegalStateException("installing coturn did not provide " + CLIENT);
        }
        installed = true;
    }

    private static List<String> turnServerPids() {
        CommandResult pgrep = CommandResult.run(Duration.ofSeconds(10), List.of("pgrep", "-x", "turnserver"));
        return pgrep.output().lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static void apt(List<String> command) {
        List<String> withEnv = new ArrayList<>(List.of("env", "DEBIAN_FRONTEND=noninteractive"));
        withEnv.addAll(command);
        CommandResult result = CommandResult.run(APT_DEADLINE, withEnv);
        if (result.exitCode() != 0) {
            throw new IllegalStateException("coturn's turnutils_stunclient is needed for the STUN interop test and "
                    + "could not be installed (run as root with access to a Debian mirror, or install the 'coturn' "
                    + "package yourself): " + result);
        }
    }
}

package dev.waystation.relay.stun;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.waystation.testing.GoHarness;

/** Runs {@code src/interop/cmd/stunprobe} (Tailscale's own net/stun client) against one server address. */
final class StunProbe {

    private static final Pattern LINE = Pattern.compile("local=(\\S+) mapped=(\\S+)");

    /** One answered request: the probe's own socket address and the address the server reported. */
    record Answer(String local, String mapped) {
    }

    private StunProbe() {
    }

    static String hostPort(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    static CommandResult run(InetSocketAddress server, int count, Duration timeout) {
        return CommandResult.run(timeout.multipliedBy(count).plusSeconds(30),
                List.of(GoHarness.command("stunprobe").toString(), "-server", hostPort(server),
                        "-count", Integer.toString(count), "-timeout", timeout.toMillis() + "ms"));
    }

    static List<Answer> answers(CommandResult result) {
        Matcher m = LINE.matcher(result.output());
        return m.results().map(r -> new Answer(r.group(1), r.group(2))).toList();
    }
}

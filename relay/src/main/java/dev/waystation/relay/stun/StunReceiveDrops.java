package dev.waystation.relay.stun;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

/**
 * {@code stun_receive_dropped_total}: requests the kernel discarded because a STUN socket's receive
 * buffer ({@code waystation.stun.receive-buffer-bytes}) was full, i.e. the relay never saw them.
 * Read on scrape from Linux's UDP socket tables (their {@code drops} column), summed over the ports
 * the STUN sockets hold; it restarts from 0 when policy reopens the sockets, which Prometheus' rate
 * treats as a counter reset. NaN where the tables cannot be read (not Linux).
 */
@Singleton
public class StunReceiveDrops {

    static final String NAME = "stun.receive.dropped";
    private static final List<Path> TABLES = List.of(Path.of("/proc/net/udp"), Path.of("/proc/net/udp6"));

    private final StunServer server;

    public StunReceiveDrops(MeterRegistry registry, StunServer server) {
        this.server = server;
        FunctionCounter.builder(NAME, this, StunReceiveDrops::read)
                .description("STUN datagrams dropped by the kernel: socket receive buffer full").register(registry);
    }

    /** Makes the bean, and so its meter, exist from start-up. */
    void onStart(@Observes StartupEvent start) {
    }

    double read() {
        Set<Integer> ports = server.boundAddresses().stream().map(InetSocketAddress::getPort).collect(Collectors.toSet());
        if (ports.isEmpty()) {
            return 0;
        }
        long drops = 0;
        try {
            for (Path table : TABLES) {
                try (Stream<String> lines = Files.lines(table)) {
                    drops += drops(lines, ports);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            return Double.NaN;
        }
        return drops;
    }

    /**
     * Sum of the {@code drops} column (the last) over the rows whose local address (second column,
     * {@code HEXADDR:HEXPORT}) has one of {@code ports}; the first line is the header.
     */
    static long drops(Stream<String> table, Set<Integer> ports) {
        return table.skip(1).map(line -> line.trim().split("\\s+"))
                .filter(columns -> columns.length > 2)
                .filter(columns -> ports.contains(Integer.parseInt(
                        columns[1].substring(columns[1].lastIndexOf(':') + 1), 16)))
                .mapToLong(columns -> Long.parseLong(columns[columns.length - 1]))
                .sum();
    }
}

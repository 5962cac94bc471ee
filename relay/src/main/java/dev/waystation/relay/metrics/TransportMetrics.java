package dev.waystation.relay.metrics;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.internal.PlatformDependent;

/**
 * Metrics of the bounds that keep one connection from exhausting the relay: timers before a request,
 * pipelining, buffered received bytes, pongs held back, allocation failures, event-loop liveness and
 * direct memory. Each bound listed in README "Security model" names its series here.
 */
@Singleton
public class TransportMetrics {

    /** Label values of {@code phase}: before the DERP handshake completes, and after. */
    public static final String PHASE_HANDSHAKE = "handshake";
    public static final String PHASE_ESTABLISHED = "established";

    public final LongAdder headTimeouts = new LongAdder();
    public final LongAdder pipelinePauses = new LongAdder();
    public final LongAdder handshakeBudgetExceeded = new LongAdder();
    public final LongAdder establishedBudgetExceeded = new LongAdder();
    public final LongAdder webSocketPingsIgnored = new LongAdder();
    public final LongAdder outOfMemoryCloses = new LongAdder();
    public final AtomicLong handshakeBufferedBytes = new AtomicLong();
    public final AtomicLong establishedBufferedBytes = new AtomicLong();
    public final AtomicLong stalledEventLoops = new AtomicLong();

    public TransportMetrics(MeterRegistry registry) {
        counter(registry, "waystation.http.head.timeouts",
                "connections closed for not sending a complete request head in time", headTimeouts);
        counter(registry, "waystation.http.pipeline.pauses",
                "times a connection stopped reading because its answered requests were not yet sent", pipelinePauses);
        FunctionCounter.builder("waystation.receive.budget.exceeded", handshakeBudgetExceeded, LongAdder::sum)
                .description("connections refused (handshake) or paused (established) by the received-bytes budget")
                .tag("phase", PHASE_HANDSHAKE).register(registry);
        FunctionCounter.builder("waystation.receive.budget.exceeded", establishedBudgetExceeded, LongAdder::sum)
                .description("connections refused (handshake) or paused (established) by the received-bytes budget")
                .tag("phase", PHASE_ESTABLISHED).register(registry);
        counter(registry, "waystation.websocket.pings.ignored",
                "WebSocket pings not answered because a pong was still waiting to be sent", webSocketPingsIgnored);
        counter(registry, "waystation.connection.out.of.memory.closes",
                "connections closed because an allocation for them failed", outOfMemoryCloses);
        Gauge.builder("waystation.receive.buffered", handshakeBufferedBytes, AtomicLong::get).baseUnit("bytes")
                .description("received bytes held by connections, by handshake phase")
                .tag("phase", PHASE_HANDSHAKE).register(registry);
        Gauge.builder("waystation.receive.buffered", establishedBufferedBytes, AtomicLong::get).baseUnit("bytes")
                .description("received bytes held by connections, by handshake phase")
                .tag("phase", PHASE_ESTABLISHED).register(registry);
        Gauge.builder("waystation.event.loops.stalled", stalledEventLoops, AtomicLong::get)
                .description("DERP event loops that did not run the liveness probe within its deadline")
                .register(registry);
        Gauge.builder("waystation.direct.memory.used", this, m -> directMemoryUsed()).baseUnit("bytes")
                .description("direct memory in use: Netty's own allocations plus the JDK's direct buffers")
                .register(registry);
    }

    /** Netty's counter of its cleaner-less direct buffers (-1 when it does not count) plus the JDK pool. */
    public static long directMemoryUsed() {
        long used = Math.max(0, PlatformDependent.usedDirectMemory());
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if ("direct".equals(pool.getName())) {
                used += Math.max(0, pool.getMemoryUsed());
            }
        }
        return used;
    }

    private static void counter(MeterRegistry registry, String name, String description, LongAdder adder) {
        FunctionCounter.builder(name, adder, LongAdder::sum).description(description).register(registry);
    }
}

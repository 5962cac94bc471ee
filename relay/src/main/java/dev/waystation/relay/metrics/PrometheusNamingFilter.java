package dev.waystation.relay.metrics;

import java.util.Set;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;

/**
 * Keeps {@code /q/metrics} clean under {@code promtool check metrics}: two of Micrometer's standard
 * meters are named against Prometheus' rules once exported ({@code system_cpu_count} is a gauge with a
 * {@code _count} suffix, {@code process_cpu_time_ns_total} abbreviates its unit), so they are left out;
 * {@code system_cpu_usage} and {@code process_cpu_usage} carry the same information.
 */
@Singleton
public class PrometheusNamingFilter implements MeterFilter {

    static final Set<String> DENIED = Set.of("system.cpu.count", "process.cpu.time");

    @Override
    public MeterFilterReply accept(Meter.Id id) {
        return DENIED.contains(id.getName()) ? MeterFilterReply.DENY : MeterFilterReply.NEUTRAL;
    }
}

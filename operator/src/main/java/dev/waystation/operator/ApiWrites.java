package dev.waystation.operator;

import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts the operator's writes to the API server by kind ({@code waystation_operator_api_writes_total}),
 * so that "a steady state writes nothing" and "a Pod becoming ready writes status only" can be seen and
 * tested. Status writes count as kind {@code <Kind>/status}, the DERP map ConfigMap as {@code derpmap}.
 */
@ApplicationScoped
public class ApiWrites {

    private final MeterRegistry registry;

    @Inject
    public ApiWrites(MeterRegistry registry) {
        this.registry = registry;
    }

    public void count(String kind) {
        registry.counter("waystation.operator.api.writes", "kind", kind.toLowerCase(Locale.ROOT)).increment();
    }
}

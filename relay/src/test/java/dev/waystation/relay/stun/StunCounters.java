package dev.waystation.relay.stun;

import io.micrometer.core.instrument.MeterRegistry;

/** Reads the STUN counters from the app's registry. */
record StunCounters(MeterRegistry registry) {

    double requests(String disposition) {
        return registry.get(StunMetrics.REQUESTS).tag("disposition", disposition).functionCounter().count();
    }

    double family(String family) {
        return registry.get(StunMetrics.ADDRESS_FAMILY).tag("family", family).functionCounter().count();
    }

    double dropped(Verdict reason) {
        return registry.get(StunMetrics.DROPPED).tag("reason", reason.reason).functionCounter().count();
    }

    double droppedTotal() {
        double sum = 0;
        for (Verdict verdict : Verdict.values()) {
            if (verdict != Verdict.ANSWER) {
                sum += dropped(verdict);
            }
        }
        return sum;
    }
}

package dev.waystation.relay.tls;

import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * TLS meters (Waystation's own; derper has none for certificates):
 * {@code waystation_tls_certificate_reloads_total{result="success"|"failure"}},
 * {@code waystation_tls_certificate_expiry_timestamp_seconds} (leaf NotAfter, for expiry alerts) and
 * {@code waystation_tls_engine_info{engine="openssl"|"jdk"} 1}.
 */
public final class TlsMetrics {

    private final Counter reloaded;
    private final Counter failed;
    private final AtomicLong expiry = new AtomicLong();

    TlsMetrics(MeterRegistry registry, TlsEngine engine) {
        reloaded = Counter.builder("waystation.tls.certificate.reloads").tag("result", "success")
                .description("certificate (re)loads after the first, by result").register(registry);
        failed = Counter.builder("waystation.tls.certificate.reloads").tag("result", "failure")
                .description("certificate (re)loads after the first, by result").register(registry);
        Gauge.builder("waystation.tls.certificate.expiry.timestamp", expiry, AtomicLong::get).baseUnit("seconds")
                .description("NotAfter of the certificate in use, Unix seconds (0 before one is loaded)")
                .register(registry);
        Gauge.builder("waystation.tls.engine.info", () -> 1).tag("engine", engine.label())
                .description("TLS engine of the DERP listener").register(registry);
    }

    public void loaded(CertifiedKey certified, boolean first) {
        expiry.set(certified.notAfter().getEpochSecond());
        if (!first) {
            reloaded.increment();
        }
    }

    public void reloadFailed() {
        failed.increment();
    }
}

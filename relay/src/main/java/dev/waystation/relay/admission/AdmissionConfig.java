package dev.waystation.relay.admission;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code waystation.admission.*}: the bounds of the admission webhook client and of the accept-rate limit. */
@ConfigMapping(prefix = "waystation.admission")
public interface AdmissionConfig {

    Webhook webhook();

    /**
     * Source networks (an IPv4 address, an IPv6 /64) that get their own accept-rate bucket; beyond
     * this the least recently seen source's bucket is dropped.
     */
    @WithDefault("65536")
    int acceptSourcesMax();

    /** The dedicated HTTP client that asks {@code Admission.VerifyURL}. */
    interface Webhook {
        /** Connections to the webhook, and so webhook calls in flight, at most. */
        @WithDefault("16")
        int maxConnections();

        /** Checks waiting for a connection at most; one more is rejected at once as local overload. */
        @WithDefault("512")
        int maxQueued();

        /** How long a check may wait for a connection before it is rejected as local overload. */
        @WithDefault("5s")
        Duration queueTimeout();

        /** Absolute deadline of one call, connect to last byte of the answer (derper: 5 s). */
        @WithDefault("5s")
        Duration timeout();

        /** Connected clients asked about at once after the webhook settings changed. */
        @WithDefault("4")
        int reverifyConcurrency();
    }
}

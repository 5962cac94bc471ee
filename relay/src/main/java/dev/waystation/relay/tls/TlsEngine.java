package dev.waystation.relay.tls;

import io.netty.handler.ssl.OpenSsl;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.SSLEngineOptions;

/**
 * The TLS implementation under the DERP listener: Netty's OpenSSL engine (BoringSSL from
 * netty-tcnative) where its native library loads, else the JDK's. Which one runs is logged at
 * start, exported as {@code waystation_tls_engine_info} and reported by the benchmark.
 */
public enum TlsEngine {
    OPENSSL("openssl"),
    JDK("jdk");

    /** Configuration choice: {@code auto} picks OpenSSL when available. */
    public enum Choice { AUTO, OPENSSL, JDK }

    private final String label;

    TlsEngine(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /**
     * The JDK engine accepts a client's TLS 1.2 renegotiation unless told otherwise (each one a full
     * handshake the server pays for); the property is read when the first server handshake runs, so it
     * is set before any. BoringSSL, under the OpenSSL engine, never renegotiates as a server.
     */
    static final String REJECT_CLIENT_RENEGOTIATION = "jdk.tls.rejectClientInitiatedRenegotiation";

    SSLEngineOptions vertxOptions() {
        if (this == OPENSSL) {
            return new OpenSSLEngineOptions();
        }
        System.setProperty(REJECT_CLIENT_RENEGOTIATION, "true");
        return new JdkSSLEngineOptions();
    }

    static TlsEngine select(Choice choice) {
        return switch (choice) {
            case JDK -> JDK;
            case OPENSSL -> {
                if (!OpenSsl.isAvailable()) {
                    throw new IllegalStateException("waystation.relay.tls.engine=openssl but Netty's OpenSSL engine "
                            + "does not load: " + OpenSsl.unavailabilityCause());
                }
                yield OPENSSL;
            }
            case AUTO -> OpenSsl.isAvailable() ? OPENSSL : JDK;
        };
    }

    /** What the engine is, for the start-up log and the benchmark report. */
    String describe() {
        return this == OPENSSL ? "OpenSSL engine (" + OpenSsl.versionString() + ")"
                : "JDK engine (" + System.getProperty("java.vendor") + " " + Runtime.version() + ")";
    }
}

package dev.waystation.relay.tls;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Not ready while the TLS listener has no certificate to present (TLS mode only). */
@Readiness
@ApplicationScoped
public class TlsCertificateReadiness implements HealthCheck {

    private final RelayTls tls;

    TlsCertificateReadiness(RelayTls tls) {
        this.tls = tls;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("tls-certificate");
        var reason = tls.notReadyReason();
        if (reason.isPresent()) {
            return response.down().withData("reason", reason.get()).build();
        }
        response.up().withData("tls", tls.enabled());
        tls.engine().ifPresent(engine -> response.withData("engine", engine.label()));
        tls.certificate().ifPresent(certificate -> response.withData("notAfter", certificate.notAfter().toString())
                .withData("pin", certificate.pin()));
        tls.problem().ifPresent(problem -> response.withData("problem", problem));
        return response.build();
    }
}

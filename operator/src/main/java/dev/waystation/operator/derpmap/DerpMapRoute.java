package dev.waystation.operator.derpmap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import dev.waystation.operator.OperatorConfig;
import io.vertx.ext.web.Router;

/**
 * Serves the DERP map JSON on the operator's main HTTP port, for headscale's {@code derp.urls} (it
 * GETs the URL and decodes the body into {@code tailcfg.DERPMap}) or anything else that wants it.
 */
@ApplicationScoped
public class DerpMapRoute {

    private final DerpMapPublisher publisher;
    private final OperatorConfig config;

    @Inject
    public DerpMapRoute(DerpMapPublisher publisher, OperatorConfig config) {
        this.publisher = publisher;
        this.config = config;
    }

    void register(@Observes Router router) {
        router.get(config.derpMap().path()).handler(request -> request.response()
                .putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-cache")
                .end(publisher.json()));
    }
}

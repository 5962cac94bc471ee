package dev.waystation.relay.endpoints;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.SocketAddress;
import dev.waystation.relay.debug.DebugAccess;
import dev.waystation.relay.derp.DerpServer;
import dev.waystation.relay.derp.HttpEndpoints;
import dev.waystation.relay.derp.HttpExchange;
import dev.waystation.relay.derp.HttpRequestHead;
import dev.waystation.relay.derp.ListenerSpec;
import dev.waystation.relay.tls.acme.AcmeChallenges;

/**
 * Serves {@link DerperEndpoints} on the relay's listeners: derper's full set on the DERP port, its
 * port-80 set on the plain helper (plus the ACME HTTP-01 answers while an order runs), and {@code /debug/check} on both (derper's debug handlers sit on
 * the same mux), admitted by the debug API's access rule.
 */
@ApplicationScoped
public class DerperHttpEndpoints implements HttpEndpoints {

    private final DerperEndpoints endpoints = new DerperEndpoints(Clock.systemUTC());

    @Inject
    DebugAccess debugAccess;
    @Inject
    DerpServer server;
    @Inject
    AcmeChallenges acmeChallenges;

    @Override
    public void handle(HttpExchange exchange) {
        HttpRequestHead head = exchange.request();
        EndpointRequest request = new EndpointRequest(head.method(), head.target(), head::header);
        EndpointResponse response;
        Optional<String> acmeAnswer = ListenerSpec.HTTP.equals(head.listener())
                ? acmeChallenges.httpAnswer(request.path()) : Optional.empty();
        if (acmeAnswer.isPresent()) {
            response = endpoints.acmeHttpChallenge(acmeAnswer.get());
        } else if (DerperEndpoints.DEBUG_CHECK_PATH.equals(request.path())) {
            response = mayDebug(exchange, head) ? endpoints.debugCheck(server.consistencyProblems())
                    : endpoints.debugDenied();
        } else {
            response = ListenerSpec.HTTP.equals(head.listener()) ? endpoints.answerPlainPort(request)
                    : endpoints.answer(request);
        }
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        for (Map.Entry<String, String> header : response.headers()) {
            headers.add(header.getKey(), header.getValue());
        }
        exchange.respond(response.status(), headers, Buffer.buffer(response.body()));
    }

    private boolean mayDebug(HttpExchange exchange, HttpRequestHead head) {
        SocketAddress remote = exchange.socket().remoteAddress();
        return remote != null && remote.hostAddress() != null
                && debugAccess.allows(remote.hostAddress(), head.header("X-Forwarded-For") != null);
    }
}

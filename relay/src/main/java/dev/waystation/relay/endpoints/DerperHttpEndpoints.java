package dev.waystation.relay.endpoints;

import java.time.Clock;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import dev.waystation.relay.derp.HttpEndpoints;
import dev.waystation.relay.derp.HttpExchange;
import dev.waystation.relay.derp.HttpRequestHead;
import dev.waystation.relay.derp.ListenerSpec;

/** Serves {@link DerperEndpoints} on the relay's listeners: derper's full set on the DERP port, its port-80 set on the plain helper. */
@ApplicationScoped
public class DerperHttpEndpoints implements HttpEndpoints {

    private final DerperEndpoints endpoints = new DerperEndpoints(Clock.systemUTC());

    @Override
    public void handle(HttpExchange exchange) {
        HttpRequestHead head = exchange.request();
        EndpointRequest request = new EndpointRequest(head.method(), head.target(), head::header);
        EndpointResponse response = ListenerSpec.HTTP.equals(head.listener()) ? endpoints.answerPlainPort(request)
                : endpoints.answer(request);
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        for (Map.Entry<String, String> header : response.headers()) {
            headers.add(header.getKey(), header.getValue());
        }
        exchange.respond(response.status(), headers, Buffer.buffer(response.body()));
    }
}

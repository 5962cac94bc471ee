package dev.waystation.relay.endpoints;

import java.util.function.UnaryOperator;

/**
 * What the endpoints need of a request: method, target (path and query, as sent) and headers.
 *
 * @param header returns a header's first value by case-insensitive name, or null
 */
public record EndpointRequest(String method, String target, UnaryOperator<String> header) {

    public String path() {
        int query = target.indexOf('?');
        return query < 0 ? target : target.substring(0, query);
    }

    public String header(String name) {
        return header.apply(name);
    }
}

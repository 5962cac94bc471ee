package dev.waystation.relay.endpoints;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A complete HTTP response of one endpoint: status, headers in order, body.
 *
 * @param headers name/value pairs in the order they are written
 */
public record EndpointResponse(int status, List<Map.Entry<String, String>> headers, byte[] body) {

    public EndpointResponse {
        headers = List.copyOf(headers);
    }

    /** The first value of {@code name} (case-insensitive), or null. */
    public String header(String name) {
        return headers.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst()
                .orElse(null);
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    static Builder status(int status) {
        return new Builder(status);
    }

    /** Collects headers in order. */
    static final class Builder {
        private final int status;
        private final List<Map.Entry<String, String>> headers = new ArrayList<>();

        private Builder(int status) {
            this.status = status;
        }

        Builder header(String name, String value) {
            headers.add(Map.entry(name, value));
            return this;
        }

        EndpointResponse body(byte[] body) {
            return new EndpointResponse(status, headers, body);
        }

        EndpointResponse body(String text) {
            return body(text.getBytes(StandardCharsets.UTF_8));
        }

        EndpointResponse noBody() {
            return body(new byte[0]);
        }
    }
}

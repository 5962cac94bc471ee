package dev.waystation.relay.endpoints;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A complete HTTP response of one endpoint: status, headers in order, body.
 *
 * @param headers name/value pairs in the order they are written
 */
public record EndpointResponse(int status, List<Map.Entry<String, String>> headers, byte[] body) {

    static final String DATE = "Date";

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

        /** Headers in Go's order: sorted by name, then {@code Date} (the length is added by the writer). */
        EndpointResponse body(byte[] body) {
            List<Map.Entry<String, String>> ordered = new ArrayList<>(headers);
            ordered.sort(Comparator.comparing((Map.Entry<String, String> h) -> h.getKey().equalsIgnoreCase(DATE))
                    .thenComparing(Map.Entry::getKey));
            return new EndpointResponse(status, ordered, body);
        }

        EndpointResponse body(String text) {
            return body(text.getBytes(StandardCharsets.UTF_8));
        }

        EndpointResponse noBody() {
            return body(new byte[0]);
        }
    }
}

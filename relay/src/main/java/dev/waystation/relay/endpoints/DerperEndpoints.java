package dev.waystation.relay.endpoints;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * derper's HTTP endpoints (everything on the DERP port other than the {@code /derp} upgrade), answered byte-for-byte in status, headers and
 * content type as derper v1.102.3 does (the home page text is Waystation's own):
 *
 * <ul>
 * <li>{@code /derp/probe}, {@code /derp/latency-check}: GET/HEAD 200 empty with
 * {@code Access-Control-Allow-Origin: *}, other methods 405 {@code bogus probe method}; netcheck's
 * fallback when UDP is blocked, so it must answer on the DERP port;</li>
 * <li>{@code /generate_204}: 204 for any method, echoing a well-formed {@code X-Tailscale-Challenge}
 * (captive-portal detection; also on the plain port in production);</li>
 * <li>{@code /bootstrap-dns}: with no bootstrap names configured, 200 empty JSON response;</li>
 * <li>{@code /robots.txt}: disallow everything;</li>
 * <li>{@code /debug/check}: derper's consistency check ({@link #debugCheck}), for debug callers only
 * ({@link #debugDenied} for others); never the home page, so a monitor of it checks something;</li>
 * <li>{@code /} and every other path: the home page, 200.</li>
 * </ul>
 *
 * {@link #answerPlainPort} is derper's port-80 helper in TLS mode: {@code /generate_204}, else a
 * redirect to HTTPS (GET/HEAD) or {@code 400 Use HTTPS}.
 */
public final class DerperEndpoints {

    static final String PROBE_PATH = "/derp/probe";
    static final String LATENCY_CHECK_PATH = "/derp/latency-check";
    static final String NO_CONTENT_PATH = "/generate_204";
    static final String BOOTSTRAP_DNS_PATH = "/bootstrap-dns";
    static final String ROBOTS_PATH = "/robots.txt";
    static final String DEBUG_PREFIX = "/debug";
    public static final String DEBUG_CHECK_PATH = "/debug/check";
    static final String CHECK_OKAY = "derp.Server ConsistencyCheck okay";

    static final String CHALLENGE_HEADER = "X-Tailscale-Challenge";
    static final String RESPONSE_HEADER = "X-Tailscale-Response";
    static final int MAX_CHALLENGE_LENGTH = 64;
    static final String NO_CACHE = "no-cache, no-store, must-revalidate, no-transform, max-age=0";

    static final String TEXT_PLAIN = "text/plain; charset=utf-8";
    static final String TEXT_HTML = "text/html; charset=utf-8";
    static final String ROBOTS_TXT = "User-agent: *\nDisallow: /\n";

    /** RFC 9110 IMF-fixdate (two-digit day, unlike {@code RFC_1123_DATE_TIME}). */
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter
            .ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private final Clock clock;
    private final byte[] homePage;

    public DerperEndpoints(Clock clock) {
        this.clock = clock;
        this.homePage = HomePage.html().getBytes(StandardCharsets.UTF_8);
    }

    /** A request on the DERP listener (TLS or, in dev mode, plain), other than a {@code /derp} upgrade. */
    public EndpointResponse answer(EndpointRequest request) {
        return switch (request.path()) {
            case PROBE_PATH, LATENCY_CHECK_PATH -> probe(request);
            case NO_CONTENT_PATH -> noContent(request);
            case BOOTSTRAP_DNS_PATH -> browser(EndpointResponse.status(200)).header("Content-Type", "application/json")
                    .header("Connection", "close").noBody();
            case ROBOTS_PATH -> browser(EndpointResponse.status(200)).header("Content-Type", TEXT_PLAIN)
                    .body(ROBOTS_TXT);
            default -> browser(EndpointResponse.status(200)).header("Content-Type", TEXT_HTML).body(homePage);
        };
    }

    /** derper's {@code /debug/check}: 200 and its okay text, or 500 with the problems joined. */
    public EndpointResponse debugCheck(List<String> problems) {
        if (problems.isEmpty()) {
            return dated(EndpointResponse.status(200)).header("Content-Type", TEXT_PLAIN).body(CHECK_OKAY);
        }
        return error(500, String.join(", ", problems));
    }

    /** derper's answer to a debug request from a caller it does not trust. */
    public EndpointResponse debugDenied() {
        return error(403, "debug access denied");
    }

    /** A request on production's plain-HTTP helper port (no DERP there). */
    public EndpointResponse answerPlainPort(EndpointRequest request) {
        if (NO_CONTENT_PATH.equals(request.path())) {
            return noContent(request);
        }
        if (request.target().startsWith(DEBUG_PREFIX)) {
            return answer(request);
        }
        if (!"GET".equals(request.method()) && !"HEAD".equals(request.method())) {
            return error(400, "Use HTTPS");
        }
        String host = request.header("Host");
        String location = "https://" + (host == null ? "" : host) + request.target();
        String body = "GET".equals(request.method())
                ? "<a href=\"" + htmlEscape(location) + "\">Found</a>.\n\n" : "";
        return dated(EndpointResponse.status(302)).header("Location", location)
                .header("Content-Type", TEXT_HTML).body(body);
    }

    /** The key authorization an ACME CA fetches from {@code /.well-known/acme-challenge/<token>} (HTTP-01). */
    public EndpointResponse acmeHttpChallenge(String keyAuthorization) {
        return dated(EndpointResponse.status(200)).header("Content-Type", TEXT_PLAIN).body(keyAuthorization);
    }

    private EndpointResponse probe(EndpointRequest request) {
        if ("GET".equals(request.method()) || "HEAD".equals(request.method())) {
            return dated(EndpointResponse.status(200)).header("Access-Control-Allow-Origin", "*").noBody();
        }
        return error(405, "bogus probe method");
    }

    private EndpointResponse noContent(EndpointRequest request) {
        EndpointResponse.Builder response = dated(EndpointResponse.status(204));
        String challenge = request.header(CHALLENGE_HEADER);
        if (isValidChallenge(challenge)) {
            response.header(RESPONSE_HEADER, "response " + challenge);
        }
        return response.header("Cache-Control", NO_CACHE).noBody();
    }

    /** Non-empty, at most 64 bytes, only {@code [A-Za-z0-9._:-]} (derper's rule for the captive-portal challenge). */
    static boolean isValidChallenge(String challenge) {
        if (challenge == null || challenge.isEmpty() || challenge.length() > MAX_CHALLENGE_LENGTH) {
            return false;
        }
        for (int i = 0; i < challenge.length(); i++) {
            char c = challenge.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '-' || c == '_' || c == ':';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Like Go's {@code http.Error}: plain text, nosniff, message plus newline. */
    private EndpointResponse error(int status, String message) {
        return dated(EndpointResponse.status(status)).header("Content-Type", TEXT_PLAIN)
                .header("X-Content-Type-Options", "nosniff").body(message + "\n");
    }

    /** derper's browser headers ({@code tsweb.AddBrowserHeaders}) on pages a browser may render. */
    private EndpointResponse.Builder browser(EndpointResponse.Builder response) {
        return dated(response)
                .header("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
                .header("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; form-action 'self'; "
                        + "base-uri 'self'; block-all-mixed-content; object-src 'none'")
                .header("X-Frame-Options", "DENY")
                .header("X-Content-Type-Options", "nosniff");
    }

    private EndpointResponse.Builder dated(EndpointResponse.Builder response) {
        return response.header(EndpointResponse.DATE, HTTP_DATE.format(clock.instant()));
    }

    private static String htmlEscape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&#34;")
                .replace("'", "&#39;");
    }
}

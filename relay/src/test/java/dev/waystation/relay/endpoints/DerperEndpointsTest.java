package dev.waystation.relay.endpoints;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** derper's endpoint answers (spec section 5), checked header by header. */
class DerperEndpointsTest {

    private final DerperEndpoints endpoints = new DerperEndpoints(
            Clock.fixed(Instant.parse("2026-11-27T12:00:00Z"), ZoneOffset.UTC));

    private static EndpointRequest request(String method, String target, Map<String, String> headers) {
        return new EndpointRequest(method, target, name -> headers.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst().orElse(null));
    }

    private static EndpointRequest get(String target) {
        return request("GET", target, Map.of());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "ts_derp.example.com          | response ts_derp.example.com",
        "abc-XYZ_09.:                 | response abc-XYZ_09.:",
        "a                            | response a",
        // exactly 64 characters is still fine, 65 is not
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa | response aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa | NULL",
        "has space                    | NULL",
        "slash/bad                    | NULL",
        "semi;colon                   | NULL",
        "ünïcode                      | NULL",
        "NULL                         | NULL",
    })
    void generate204EchoesOnlyWellFormedChallenges(String challenge, String expected) {
        EndpointResponse response = endpoints.answer(request("GET", "/generate_204",
                challenge == null ? Map.of() : Map.of("X-Tailscale-Challenge", challenge)));
        assertThat(response.status()).isEqualTo(204);
        assertThat(response.header("X-Tailscale-Response")).isEqualTo(expected);
        assertThat(response.header("Cache-Control"))
                .isEqualTo("no-cache, no-store, must-revalidate, no-transform, max-age=0");
        assertThat(response.header("Strict-Transport-Security")).isNull();
        assertThat(response.body()).isEmpty();
    }

    @Test
    void emptyChallengeIsIgnored() {
        assertThat(endpoints.answer(request("GET", "/generate_204", Map.of("X-Tailscale-Challenge", "")))
                .header("X-Tailscale-Response")).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "POST", "HEAD", "PUT"})
    void generate204AnswersAnyMethodOnBothPorts(String method) {
        assertThat(endpoints.answer(request(method, "/generate_204", Map.of())).status()).isEqualTo(204);
        assertThat(endpoints.answerPlainPort(request(method, "/generate_204?x=1", Map.of())).status()).isEqualTo(204);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/derp/probe", "/derp/latency-check"})
    void probesAllowGetAndHeadFromAnyOrigin(String path) {
        for (String method : new String[] {"GET", "HEAD"}) {
            EndpointResponse response = endpoints.answer(request(method, path, Map.of()));
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("Access-Control-Allow-Origin")).isEqualTo("*");
            assertThat(response.body()).isEmpty();
        }
        EndpointResponse post = endpoints.answer(request("POST", path, Map.of()));
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.bodyText()).isEqualTo("bogus probe method\n");
        assertThat(post.header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
        assertThat(post.header("Access-Control-Allow-Origin")).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/index.html", "/derp/unknown", "/derpx", "/anything?q=1"})
    void everyUnknownPathIsTheHomePage(String target) {
        EndpointResponse response = endpoints.answer(get(target));
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
        assertThat(response.bodyText()).contains("<h1>DERP</h1>");
        assertBrowserHeaders(response);
    }

    @Test
    void robotsDisallowEverything() {
        EndpointResponse response = endpoints.answer(get("/robots.txt"));
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.bodyText()).isEqualTo("User-agent: *\nDisallow: /\n");
        assertBrowserHeaders(response);
    }

    @Test
    void bootstrapDnsWithoutNamesIsAnEmptyJsonResponseThatClosesTheConnection() {
        EndpointResponse response = endpoints.answer(get("/bootstrap-dns?q=example.com"));
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Content-Type")).isEqualTo("application/json");
        assertThat(response.header("Connection")).isEqualTo("close");
        assertThat(response.body()).isEmpty();
        assertBrowserHeaders(response);
    }

    @Test
    void plainPortRedirectsToHttpsAndRefusesOtherMethods() {
        EndpointResponse redirect = endpoints.answerPlainPort(request("GET", "/some/path?x=1",
                Map.of("Host", "derp.example.com")));
        assertThat(redirect.status()).isEqualTo(302);
        assertThat(redirect.header("Location")).isEqualTo("https://derp.example.com/some/path?x=1");

        EndpointResponse post = endpoints.answerPlainPort(request("POST", "/", Map.of("Host", "derp.example.com")));
        assertThat(post.status()).isEqualTo(400);
        assertThat(post.bodyText()).isEqualTo("Use HTTPS\n");
    }

    @Test
    void headersComeInGoOrder() {
        assertThat(endpoints.answer(get("/bootstrap-dns")).headers()).extracting(Map.Entry::getKey).containsExactly(
                "Connection", "Content-Security-Policy", "Content-Type", "Strict-Transport-Security",
                "X-Content-Type-Options", "X-Frame-Options", "Date");
    }

    @Test
    void everyResponseIsDated() {
        assertThat(endpoints.answer(get("/")).header("Date")).isEqualTo("Fri, 27 Nov 2026 12:00:00 GMT");
        DerperEndpoints early = new DerperEndpoints(Clock.fixed(Instant.parse("2026-12-03T01:02:03Z"), ZoneOffset.UTC));
        assertThat(early.answer(get("/")).header("Date")).isEqualTo("Thu, 03 Dec 2026 01:02:03 GMT");
    }

    private static void assertBrowserHeaders(EndpointResponse response) {
        assertThat(response.header("Strict-Transport-Security")).isEqualTo("max-age=63072000; includeSubDomains");
        assertThat(response.header("Content-Security-Policy")).isEqualTo("default-src 'self'; frame-ancestors 'none'; "
                + "form-action 'self'; base-uri 'self'; block-all-mixed-content; object-src 'none'");
        assertThat(response.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
    }
}

package dev.waystation.relay.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An admission webhook for the tests, in derper's format (request {@code {"NodePublic":..}}, answer
 * {@code {"Allow":bool}}), able to misbehave as an attacker's or a broken webhook would. Each
 * {@link Behaviour} has its own path; {@link #byKeyUrl()} behaves as {@link #assign assigned} to the
 * asking key and allows every other key, so a suite can attack with some keys while its other
 * clients keep being admitted.
 */
public final class TestWebhook implements AutoCloseable {

    /** What the webhook does with a call. */
    public enum Behaviour {
        /** 200 {@code {"Allow":true}}. */
        ALLOW,
        /** 200 {@code {"Allow":false}}. */
        DENY,
        /** 500 with an allowing body, which must not count. */
        ERROR,
        /** Answers allow, but only after {@link #TIMEOUT_SLEEP_MS}. */
        TIMEOUT,
        /** {@link #HUGE_BYTES} announced and streamed after a valid allowing answer. */
        HUGE,
        /** A valid allowing answer, one byte every {@link #TRICKLE_PAUSE_MS}, never finished in time. */
        TRICKLE,
        /** Holds the call until {@link #releaseHeld()}, then denies. */
        HELD_DENY;

        String path() {
            return "/" + name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public static final long HUGE_BYTES = 300L << 20;
    private static final long TIMEOUT_SLEEP_MS = 8000;
    private static final long TRICKLE_PAUSE_MS = 200;
    private static final long HELD_AT_MOST_SECONDS = 60;
    private static final String BY_KEY_PATH = "/by-key";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final int refusedPort;
    private final Map<String, Behaviour> assigned = new ConcurrentHashMap<>();
    private final Map<Behaviour, AtomicInteger> calls = new EnumMap<>(Behaviour.class);
    private final AtomicLong hugeBytesWritten = new AtomicLong();
    private volatile CountDownLatch release = new CountDownLatch(0);
    private final CountDownLatch closed = new CountDownLatch(1);

    private TestWebhook(HttpServer server, int refusedPort) {
        this.server = server;
        this.refusedPort = refusedPort;
        for (Behaviour behaviour : Behaviour.values()) {
            calls.put(behaviour, new AtomicInteger());
            server.createContext(behaviour.path(), exchange -> behave(behaviour, exchange));
        }
        server.createContext(BY_KEY_PATH, exchange -> {
            byte[] request = exchange.getRequestBody().readAllBytes();
            String key = JSON.readTree(request).path("NodePublic").asText();
            behave(assigned.getOrDefault(key, Behaviour.ALLOW), exchange);
        });
    }

    public static TestWebhook start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setExecutor(Executors.newCachedThreadPool());
            int refused;
            try (ServerSocket socket = new ServerSocket(0)) {
                refused = socket.getLocalPort();
            }
            TestWebhook webhook = new TestWebhook(server, refused);
            server.start();
            return webhook;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url(Behaviour behaviour) {
        return base() + behaviour.path();
    }

    /** Behaves as assigned to the asking key; allows keys with nothing assigned. */
    public String byKeyUrl() {
        return base() + BY_KEY_PATH;
    }

    /** A loopback URL where nothing listens (connection refused: a genuine outage). */
    public String refusedUrl() {
        return "http://127.0.0.1:" + refusedPort + Behaviour.ALLOW.path();
    }

    /** From now on {@link #byKeyUrl()} treats {@code nodePublic} ("nodekey:...") this way. */
    public void assign(String nodePublic, Behaviour behaviour) {
        assigned.put(nodePublic, behaviour);
    }

    public int calls(Behaviour behaviour) {
        return calls.get(behaviour).get();
    }

    public long hugeBytesWritten() {
        return hugeBytesWritten.get();
    }

    /** Calls to {@link Behaviour#HELD_DENY} wait from now on, until {@link #releaseHeld()}. */
    public void holdCalls() {
        release = new CountDownLatch(1);
    }

    public void releaseHeld() {
        release.countDown();
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void behave(Behaviour behaviour, HttpExchange exchange) throws IOException {
        calls.get(behaviour).incrementAndGet();
        exchange.getRequestBody().readAllBytes();
        switch (behaviour) {
            case ALLOW -> answer(exchange, 200, "{\"Allow\":true}");
            case DENY -> answer(exchange, 200, "{\"Allow\":false}");
            case ERROR -> answer(exchange, 500, "{\"Allow\":true}");
            case TIMEOUT -> {
                awaitClose(TIMEOUT_SLEEP_MS);
                answer(exchange, 200, "{\"Allow\":true}");
            }
            case HUGE -> streamHuge(exchange);
            case TRICKLE -> trickle(exchange);
            case HELD_DENY -> {
                try {
                    release.await(HELD_AT_MOST_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                answer(exchange, 200, "{\"Allow\":false}");
            }
        }
    }

    private void streamHuge(HttpExchange exchange) throws IOException {
        exchange.sendResponseHeaders(200, HUGE_BYTES);
        byte[] chunk = " ".repeat(64 << 10).getBytes(StandardCharsets.US_ASCII);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write("{\"Allow\":true}".getBytes(StandardCharsets.US_ASCII));
            for (long sent = 0; sent + chunk.length <= HUGE_BYTES; sent += chunk.length) {
                out.write(chunk);
                hugeBytesWritten.addAndGet(chunk.length);
            }
        } catch (IOException hungUp) {
            // the relay stopped reading: what this behaviour is here to show
        }
    }

    private void trickle(HttpExchange exchange) throws IOException {
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            for (byte b : "{\"Allow\":true}                                        ".getBytes(StandardCharsets.US_ASCII)) {
                out.write(b);
                out.flush();
                // The fake webhook's pace (its behaviour); a closing webhook stops trickling at once.
                awaitClose(TRICKLE_PAUSE_MS);
            }
        } catch (IOException hungUp) {
            // the relay's deadline passed and it hung up
        }
    }

    /** Waits until this webhook closes, at most {@code millis}: a slow answer that a closing test ends. */
    private void awaitClose(long millis) {
        try {
            closed.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        closed.countDown();
        release.countDown();
        server.stop(0);
    }
}

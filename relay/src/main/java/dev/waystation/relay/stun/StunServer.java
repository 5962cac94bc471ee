package dev.waystation.relay.stun;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.InternetProtocolFamily;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxInternal;

/**
 * Waystation's STUN server: one UDP socket per configured bind address, each on a Vert.x event loop.
 *
 * <p>It drives Netty datagram channels from Vert.x's own transport (epoll when native transport is
 * on) rather than Vert.x's {@code DatagramSocket} API, because that API copies every received
 * datagram into a fresh heap buffer and resolves the destination host string on every send; here
 * the pooled receive buffer is parsed and answered in place.
 *
 * <p>Runtime switches for policy ({@code STUN.Enabled}, {@code STUN.AnswerAllClients}):
 * {@link #setEnabled(boolean)} closes the sockets (the port is released, exactly like
 * {@code derper -stun=false}) or binds them again; {@link #setAnswerAllClients(boolean)} takes
 * effect on the next datagram. The static config gives the initial values. DERP does not depend
 * on this bean.
 */
@ApplicationScoped
public class StunServer {

    private static final Logger LOG = Logger.getLogger(StunServer.class);
    private static final int RECEIVE_BUFFER = BindingRequests.MAX_REQUEST_LENGTH + 1;
    /** Reads per wake-up before replies are flushed (one sendmmsg with epoll). */
    private static final int MAX_MESSAGES_PER_READ = 32;
    /** Datagrams one epoll read fetches at once (recvmmsg), each in its own slot of one pooled buffer. */
    private static final int DATAGRAMS_PER_READ = 16;
    private static final long STARTUP_BIND_TIMEOUT_SECONDS = 30;

    private final Vertx vertx;
    private final StunConfig config;
    private final StunMetrics metrics;
    private final List<DatagramChannel> channels = new ArrayList<>();
    private volatile boolean answerAllClients;
    private volatile List<InetSocketAddress> boundAddresses = List.of();
    private boolean enabled;
    /** Bumped by every switch, so a bind that completes after a later switch changes nothing. */
    private long generation;

    public StunServer(Vertx vertx, StunConfig config, StunMetrics metrics) {
        this.vertx = vertx;
        this.config = config;
        this.metrics = metrics;
        this.answerAllClients = config.answerAllClients();
    }

    void onStart(@Observes StartupEvent start) throws InterruptedException {
        if (!config.enabled()) {
            LOG.info("STUN disabled (waystation.stun.enabled=false)");
            return;
        }
        try {
            setEnabled(true).toCompletableFuture().get(STARTUP_BIND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("STUN cannot listen on UDP port " + config.port() + " of "
                    + config.bindAddresses() + ": " + cause.getMessage()
                    + " (set waystation.stun.port, waystation.stun.bind-addresses, or waystation.stun.enabled=false)",
                    cause);
        }
    }

    /** Closes the sockets before Vert.x shuts its event loops down. */
    void onStop(@Observes ShutdownEvent stop) {
        setEnabled(false);
    }

    /**
     * Opens (true) or closes (false) every STUN socket; idempotent. Completes when the sockets are
     * bound or closed; a bind failure fails the stage, closes whatever did bind and leaves STUN off.
     */
    public synchronized CompletionStage<Void> setEnabled(boolean enable) {
        if (enable == enabled) {
            return CompletableFuture.completedFuture(null);
        }
        enabled = enable;
        generation++;
        return enable ? open() : close();
    }

    /** Whether the sockets are open (or opening). */
    public synchronized boolean isEnabled() {
        return enabled;
    }

    /** Answer plain RFC 5389/8489 binding requests from any client too (true), or only Tailscale's (false). */
    public void setAnswerAllClients(boolean answerAll) {
        if (answerAllClients != answerAll) {
            LOG.infof("STUN now answers %s", answerAll ? "every client" : "Tailscale clients only");
        }
        answerAllClients = answerAll;
    }

    public boolean answersAllClients() {
        return answerAllClients;
    }

    /** The local address of every open STUN socket (empty while disabled); ports are real even when 0 was configured. */
    public List<InetSocketAddress> boundAddresses() {
        return boundAddresses;
    }

    private CompletionStage<Void> open() {
        long opening = generation;
        List<InetSocketAddress> targets;
        int sockets;
        int receiveBuffer;
        try {
            targets = bindTargets();
            sockets = socketsPerAddress();
            receiveBuffer = receiveBufferBytes();
        } catch (UnknownHostException | IllegalArgumentException e) {
            enabled = false;
            return CompletableFuture.failedFuture(e);
        }
        List<CompletableFuture<InetSocketAddress>> binds = new ArrayList<>();
        for (InetSocketAddress target : targets) {
            // All channels exist before any bind completes, so close() always sees every one of them.
            List<DatagramChannel> group = new ArrayList<>();
            for (int i = 0; i < sockets; i++) {
                group.add(newChannel(target, sockets > 1, receiveBuffer));
            }
            channels.addAll(group);
            // The first socket settles the port (an ephemeral one when 0 is configured); the rest join it.
            CompletableFuture<InetSocketAddress> first = registerAndBind(group.get(0), target);
            binds.add(first.thenCompose(port -> CompletableFuture
                    .allOf(group.stream().skip(1).map(channel -> registerAndBind(channel, port))
                            .toArray(CompletableFuture[]::new))
                    .thenApply(all -> port)));
        }
        return CompletableFuture.allOf(binds.toArray(CompletableFuture[]::new)).handle((ok, failure) -> {
            synchronized (this) {
                boolean current = generation == opening;
                if (failure != null) {
                    if (current) {
                        enabled = false;
                        generation++;
                        close();
                    }
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure;
                    throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause.getMessage(), cause);
                }
                if (current) {
                    boundAddresses = binds.stream().map(CompletableFuture::join).toList();
                    LOG.infof("STUN listening on UDP %s, %d socket(s) each (%s)", boundAddresses, sockets,
                            answerAllClients ? "answering every client" : "answering Tailscale clients");
                }
                return null;
            }
        });
    }

    /**
     * Sockets per bind address: several share the port through {@code SO_REUSEPORT}, the kernel
     * spreads clients over them by address hash, and each sits on its own event loop. Needs the
     * native (epoll) transport; without it there is one socket per address. Below 1 is a configuration error.
     */
    private int socketsPerAddress() {
        int wanted = config.socketsPerAddress();
        if (wanted < 1) {
            throw new IllegalArgumentException("waystation.stun.sockets-per-address must be at least 1, not " + wanted);
        }
        if (wanted > 1 && !vertx.isNativeTransportEnabled()) {
            LOG.warnf("waystation.stun.sockets-per-address=%d needs the native transport (epoll); using one socket per address",
                    wanted);
            return 1;
        }
        return wanted;
    }

    private int receiveBufferBytes() {
        int bytes = config.receiveBufferBytes();
        if (bytes < 0) {
            throw new IllegalArgumentException("waystation.stun.receive-buffer-bytes must be 0 (kernel default) or more, not " + bytes);
        }
        return bytes;
    }

    private DatagramChannel newChannel(InetSocketAddress target, boolean reusePort, int receiveBuffer) {
        InternetProtocolFamily family = target.getAddress() instanceof Inet4Address
                ? InternetProtocolFamily.IPv4 : InternetProtocolFamily.IPv6;
        // Vert.x's epoll transport ignores the family and always opens a dual-stack IPv6 socket; an
        // IPv4 address gets a plain IPv4 socket instead, which the kernel answers through a shorter
        // path (no IPv4-mapped addresses) and is what derper opens too.
        DatagramChannel channel = vertx.nettyEventLoopGroup() instanceof EpollEventLoopGroup
                ? new EpollDatagramChannel(family)
                : ((VertxInternal) vertx).transport().datagramChannel(family);
        channel.config().setAllocator(PooledByteBufAllocator.DEFAULT);
        // With epoll, a maximum payload size turns each read into one recvmmsg of several datagrams;
        // a datagram longer than its slot is truncated to RECEIVE_BUFFER bytes and so never answered.
        boolean batched = channel.config().setOption(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, RECEIVE_BUFFER);
        channel.config().setRecvByteBufAllocator(new FixedRecvByteBufAllocator(
                batched ? RECEIVE_BUFFER * DATAGRAMS_PER_READ : RECEIVE_BUFFER).maxMessagesPerRead(MAX_MESSAGES_PER_READ));
        channel.config().setOption(ChannelOption.DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION, true);
        if (reusePort) {
            channel.config().setOption(EpollChannelOption.SO_REUSEPORT, true);
        }
        if (receiveBuffer > 0) {
            channel.config().setOption(ChannelOption.SO_RCVBUF, receiveBuffer);
        }
        channel.pipeline().addLast("stun", new StunChannelHandler(metrics, () -> answerAllClients));
        return channel;
    }

    /** Registers the channel on the next event loop and binds it; completes with the bound address. */
    private CompletableFuture<InetSocketAddress> registerAndBind(DatagramChannel channel, InetSocketAddress target) {
        CompletableFuture<InetSocketAddress> bound = new CompletableFuture<>();
        vertx.nettyEventLoopGroup().next().register(channel).addListener(registered -> {
            if (!registered.isSuccess()) {
                bound.completeExceptionally(registered.cause());
                return;
            }
            channel.bind(target).addListener((ChannelFuture done) -> {
                if (done.isSuccess()) {
                    bound.complete(channel.localAddress());
                } else {
                    bound.completeExceptionally(new IllegalStateException(
                            "cannot bind UDP " + target + ": " + done.cause().getMessage(), done.cause()));
                }
            });
        });
        return bound;
    }

    private CompletionStage<Void> close() {
        List<CompletableFuture<Void>> closes = new ArrayList<>();
        for (DatagramChannel channel : channels) {
            CompletableFuture<Void> closed = new CompletableFuture<>();
            channel.close().addListener(done -> closed.complete(null));
            closes.add(closed);
        }
        channels.clear();
        boundAddresses = List.of();
        return CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new))
                .thenRun(() -> LOG.info("STUN sockets closed"));
    }

    private List<InetSocketAddress> bindTargets() throws UnknownHostException {
        List<InetSocketAddress> targets = new ArrayList<>();
        for (String host : config.bindAddresses()) {
            InetAddress address = InetAddress.getByName(host.strip());
            if (address instanceof Inet6Address && address.isAnyLocalAddress() && !hostHasIpv6()) {
                address = InetAddress.getByName("0.0.0.0");
            }
            targets.add(new InetSocketAddress(address, config.port()));
        }
        return targets;
    }

    private static boolean hostHasIpv6() {
        try {
            return java.net.NetworkInterface.networkInterfaces()
                    .flatMap(java.net.NetworkInterface::inetAddresses)
                    .anyMatch(a -> a instanceof Inet6Address);
        } catch (java.net.SocketException e) {
            return false;
        }
    }
}

package dev.waystation.relay.tls.acme;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.jboss.logging.Logger;
import org.shredzone.acme4j.exception.AcmeRateLimitedException;
import org.shredzone.acme4j.exception.AcmeServerException;

import dev.waystation.relay.tls.CertificateSource;
import dev.waystation.relay.tls.CertifiedKey;
import dev.waystation.relay.tls.HostnameVerifier;
import dev.waystation.relay.tls.PemFiles;
import dev.waystation.relay.tls.TlsMetrics;

/**
 * ACME certificate mode: at start a stored certificate for the hostname is used as is (no order);
 * otherwise, and at two thirds of each certificate's lifetime, an order runs on this source's one
 * thread. A failed order leaves the relay up (serving the certificate it has, or not ready without
 * one), reports why through {@link #problem()}, and is retried after {@link AcmeBackoff}'s delay.
 */
public final class AcmeCertificateSource implements CertificateSource {

    private static final Logger LOG = Logger.getLogger(AcmeCertificateSource.class);
    private static final String RATE_LIMITED_TYPE = "urn:ietf:params:acme:error:rateLimited";

    private final String hostname;
    private final AcmeAccount account;
    private final AcmeOrder order;
    private final AcmeStore store;
    private final AcmeBackoff backoff;
    private final List<String> challengeTypes;
    private final Clock clock;
    private final TlsMetrics tlsMetrics;
    private final AcmeMetrics metrics;
    private final ScheduledExecutorService scheduler;
    private volatile Optional<String> problem = Optional.of("no ACME certificate yet");
    private Consumer<CertifiedKey> install;
    private boolean installedOnce;
    private int failures;
    private int storeFailures;
    private int challengeIndex;

    AcmeCertificateSource(String hostname, AcmeAccount account, AcmeOrder order, AcmeStore store, AcmeBackoff backoff,
            List<String> challengeTypes, Clock clock, TlsMetrics tlsMetrics, AcmeMetrics metrics) {
        if (challengeTypes.isEmpty()) {
            throw new IllegalArgumentException("waystation.relay.tls.acme.challenge-types is empty");
        }
        this.hostname = hostname;
        this.account = account;
        this.order = order;
        this.store = store;
        this.backoff = backoff;
        this.challengeTypes = List.copyOf(challengeTypes);
        this.clock = clock;
        this.tlsMetrics = tlsMetrics;
        this.metrics = metrics;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "waystation-acme");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public void start(Consumer<CertifiedKey> install) {
        this.install = install;
        LOG.infof("ACME mode for %s: CA %s, state in %s", hostname, account.directory(), store.describe());
        scheduler.execute(this::startFromStore);
    }

    private void startFromStore() {
        Optional<CertifiedKey> stored;
        try {
            stored = readStored();
        } catch (IOException e) {
            // Storage that cannot be read (Secret missing or forbidden, API server away) says nothing
            // about what it holds: ordering now could replace a valid certificate and spend the CA's
            // rate limit on every restart. Read again later; no order until the storage answers.
            storeFailures++;
            Duration delay = backoff.delay(storeFailures, Optional.empty(), clock.instant());
            report("cannot read the ACME state in " + store.describe() + ": " + e.getMessage()
                    + "; no order until it is readable, next attempt in " + delay.toSeconds() + " s");
            metrics.nextAttemptAt(clock.instant().plus(delay).getEpochSecond());
            if (!scheduler.isShutdown()) {
                scheduler.schedule(this::startFromStore, delay.toMillis(), TimeUnit.MILLISECONDS);
            }
            return;
        } catch (GeneralSecurityException | RuntimeException e) {
            report("cannot use the stored ACME certificate in " + store.describe() + ": " + e.getMessage()
                    + "; ordering a new one");
            stored = Optional.empty();
        }
        if (stored.isPresent() && stored.get().notAfter().isAfter(clock.instant())) {
            // Counted before the certificate is in use: whoever sees the relay ready sees the count.
            metrics.loadedFromStore();
            use(stored.get());
            LOG.infof("using the stored ACME certificate for %s from %s (valid until %s)", hostname, store.describe(),
                    stored.get().notAfter());
            scheduleRenewal(stored.get());
        } else {
            scheduleOrder(Duration.ZERO);
        }
    }

    private Optional<CertifiedKey> readStored() throws IOException, GeneralSecurityException {
        Map<String, String> stored = store.read(AcmeStore.CERTIFICATE, AcmeStore.CERTIFICATE_KEY);
        String chain = stored.get(AcmeStore.CERTIFICATE);
        String key = stored.get(AcmeStore.CERTIFICATE_KEY);
        if (chain == null || key == null) {
            return Optional.empty();
        }
        CertifiedKey certified = new CertifiedKey(PemFiles.readChain(chain, null), PemFiles.readKey(key, null));
        certified.verifyKeyMatchesLeaf();
        if (!HostnameVerifier.matches(certified.leaf(), hostname)) {
            throw new CertificateException("it is not valid for " + hostname + " (the hostname changed?)");
        }
        return Optional.of(certified);
    }

    /** Two thirds into the lifetime, as derper's autocert renews a 90-day certificate 30 days early. */
    static Instant renewalTime(X509Certificate leaf) {
        Instant notBefore = leaf.getNotBefore().toInstant();
        Duration lifetime = Duration.between(notBefore, leaf.getNotAfter().toInstant());
        return notBefore.plus(lifetime.multipliedBy(2).dividedBy(3));
    }

    private void scheduleRenewal(CertifiedKey certified) {
        Instant renewal = renewalTime(certified.leaf());
        LOG.infof("ACME certificate for %s will be renewed at %s", hostname, renewal);
        scheduleOrder(Duration.between(clock.instant(), renewal));
    }

    private void scheduleOrder(Duration delay) {
        Duration wait = delay.isNegative() ? Duration.ZERO : delay;
        metrics.nextAttemptAt(clock.instant().plus(wait).getEpochSecond());
        if (!scheduler.isShutdown()) {
            scheduler.schedule(this::placeOrder, wait.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void placeOrder() {
        String challengeType = challengeTypes.get(challengeIndex % challengeTypes.size());
        try {
            CertifiedKey issued = order.place(account.login(), hostname, challengeType);
            saveIssued(issued);
            failures = 0;
            metrics.issued();
            use(issued);
            LOG.infof("ACME certificate for %s issued (valid until %s, via %s)", hostname, issued.notAfter(),
                    challengeType);
            scheduleRenewal(issued);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failures++;
            Optional<Instant> retryAfter = retryAfter(e);
            boolean rateLimited = e instanceof AcmeRateLimitedException || (e instanceof AcmeServerException server
                    && RATE_LIMITED_TYPE.equals(String.valueOf(server.getType())));
            if (e instanceof AcmeOrder.ChallengeFailedException) {
                challengeIndex++;
            }
            metrics.failed(rateLimited);
            tlsMetrics.reloadFailed();
            Duration delay = backoff.delay(failures, retryAfter, clock.instant());
            report("ACME order for " + hostname + " at " + account.directory() + " failed (" + failures
                    + " in a row" + (rateLimited ? ", rate limited by the CA" : "") + "): " + describe(e)
                    + "; next attempt in " + delay.toSeconds() + " s"
                    + (installedOnce ? "; keeping the certificate in use" : ""));
            scheduleOrder(delay);
        }
    }

    private void saveIssued(CertifiedKey issued) {
        try {
            store.write(Map.of(AcmeStore.CERTIFICATE, PemFiles.encodeChain(issued.chain()),
                    AcmeStore.CERTIFICATE_KEY, PemFiles.encodeKey(issued.key())));
        } catch (IOException | RuntimeException e) {
            // The certificate still serves; only a restart before the next renewal would order again.
            LOG.errorf("cannot store the ACME certificate in %s: %s (a restart will order a new one)",
                    store.describe(), e.getMessage());
        }
    }

    private void use(CertifiedKey certified) {
        install.accept(certified);
        tlsMetrics.loaded(certified, !installedOnce);
        installedOnce = true;
        problem = Optional.empty();
        LOG.infof("TLS certificate for %s in use (valid until %s); pin: CertName \"%s\"", hostname,
                certified.notAfter(), certified.pin());
    }

    private static Optional<Instant> retryAfter(Exception e) {
        if (e instanceof AcmeRateLimitedException limited) {
            return limited.getRetryAfter();
        }
        return Optional.empty();
    }

    /** The CA's problem type (e.g. {@code urn:ietf:params:acme:error:badNonce}) and text, else the exception's. */
    private static String describe(Exception e) {
        String message = e.getMessage() == null ? "" : ": " + e.getMessage();
        if (e instanceof AcmeServerException server) {
            return server.getType() + message;
        }
        return e.getClass().getSimpleName() + message;
    }

    private void report(String message) {
        LOG.warn(message);
        problem = Optional.of(message);
    }

    @Override
    public Optional<String> problem() {
        return problem;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}

package dev.waystation.relay.admission;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.waystation.relay.derp.DerpServer;
import dev.waystation.relay.derp.NodeKey;
import dev.waystation.relay.policy.AdmissionPolicy;
import dev.waystation.relay.policy.RelayPolicy;
import io.quarkus.runtime.Startup;
import io.vertx.core.Vertx;

/**
 * Re-evaluates connected clients when the region's admission policy changes (the change arrives
 * within the policy debounce bound): clients the lists no longer admit are disconnected at once.
 * When the webhook settings changed, connected clients are asked about again, paced: at most
 * {@code waystation.admission.webhook.reverify-concurrency} at a time, so a region of thousands
 * never floods the webhook or the relay's own queue. Only an answer disconnects: a client whose
 * check got none (webhook unreachable, queue full) stays, having been admitted before. A newer
 * change abandons the pass in progress. Clients that become admitted need nothing: their next
 * connection is admitted.
 */
@Startup
@Singleton
public class AdmissionEnforcer {

    private static final Logger LOG = Logger.getLogger(AdmissionEnforcer.class);

    @Inject
    RelayPolicy policy;
    @Inject
    PolicyAdmission admission;
    @Inject
    DerpServer server;
    @Inject
    AdmissionMetrics metrics;
    @Inject
    AdmissionConfig config;
    @Inject
    Vertx vertx;

    private volatile AdmissionPolicy previous;
    /** Bumped by every webhook change; a re-verification pass stops once it is no longer current. */
    private final AtomicLong reverifyPass = new AtomicLong();

    @PostConstruct
    void start() {
        policy.admission().bind(this::changed);
    }

    private void changed(AdmissionPolicy rules) {
        if (previous == null) {
            previous = rules; // the first record: nobody was admitted under another one
            return;
        }
        boolean webhookChanged = !rules.verifyUrl().equals(previous.verifyUrl())
                || rules.verifyUrlFailOpen() != previous.verifyUrlFailOpen()
                || rules.verifyUrlAllowHttp() != previous.verifyUrlAllowHttp();
        previous = rules;
        Queue<NodeKey> reverify = new ConcurrentLinkedQueue<>();
        for (NodeKey client : server.connectedClients()) {
            AdmissionReason local = admission.localVerdict(rules, client.toString());
            if (local != null) {
                disconnect(client, local);
            } else if (webhookChanged && !rules.verifyUrl().isEmpty()) {
                reverify.add(client);
            }
        }
        long pass = reverifyPass.incrementAndGet();
        if (!reverify.isEmpty()) {
            LOG.infof("asking the admission webhook again about %d connected clients", reverify.size());
            for (int i = 0; i < config.webhook().reverifyConcurrency(); i++) {
                reverifyNext(reverify, pass);
            }
        }
    }

    /** Asks about the next client of the pass; its answer schedules the one after (no recursion). */
    private void reverifyNext(Queue<NodeKey> clients, long pass) {
        if (reverifyPass.get() != pass) {
            return;
        }
        NodeKey client = clients.poll();
        if (client == null) {
            return;
        }
        admission.decide(client.toString(), "").onComplete(decided -> {
            AdmissionReason reason = decided.succeeded() ? decided.result() : AdmissionReason.WEBHOOK_UNREACHABLE;
            if (reason.noAnswer()) {
                metrics.reverifyKept();
            } else if (!reason.admitted() && reverifyPass.get() == pass) {
                disconnect(client, reason);
            }
            vertx.runOnContext(next -> reverifyNext(clients, pass));
        });
    }

    /** Disconnects a client the policy no longer admits: logged, counted, every connection of the key closed. */
    void disconnect(NodeKey client, AdmissionReason reason) {
        LOG.warnf("disconnecting %s after a policy change (%s)", client, reason.label());
        metrics.disconnectedByPolicy();
        server.closeClient(client);
    }
}

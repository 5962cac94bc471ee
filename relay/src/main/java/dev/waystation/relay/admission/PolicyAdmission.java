package dev.waystation.relay.admission;

import java.util.concurrent.TimeUnit;

import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.waystation.relay.derp.ClientAdmission;
import dev.waystation.relay.logging.ConnectionEventLog;
import dev.waystation.relay.policy.AdmissionPolicy;
import dev.waystation.relay.policy.RelayPolicy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Client admission from the resultant policy, checked at handshake in derper's order and then some:
 * deny list, allow list (exclusive when non-empty), the client's own {@code Client.Allowed} (User
 * scope), then the verify webhook when {@code Admission.VerifyURL} is set. Mesh peers never get here.
 * Each decision is counted by reason; a rejection is logged once per client and reason (rate-limited),
 * an admission only at DEBUG: an INFO line per connection cost more CPU than its handshake.
 */
@Singleton
public class PolicyAdmission implements ClientAdmission {

    private static final Logger LOG = Logger.getLogger(PolicyAdmission.class);
    /** How long a webhook's allow/deny answer is reused for the same key (documented in the README). */
    static final long VERDICT_TTL_SECONDS = 10;
    private static final int MAX_CACHED_VERDICTS = 100_000;

    @Inject
    RelayPolicy policy;
    @Inject
    AdmissionMetrics metrics;
    @Inject
    Vertx vertx;
    @Inject
    ClientSessions sessions;
    @Inject
    AdmissionConfig config;
    @Inject
    ConnectionEventLog connectionLog;

    private VerifyWebhook webhook;
    private final VerdictCache verdicts = new VerdictCache(TimeUnit.SECONDS.toNanos(VERDICT_TTL_SECONDS),
            MAX_CACHED_VERDICTS, System::nanoTime);
    private final DecisionLog decisionLog = new DecisionLog();

    @PostConstruct
    void init() {
        webhook = VerifyWebhook.create(vertx, config.webhook());
        metrics.webhookQueue(webhook.slots());
        policy.admission().bind(changed -> verdicts.clear());
    }

    @Override
    public Future<Boolean> admit(Request request) {
        String nodeKey = request.client().toString();
        String source = request.remoteAddress() == null || request.remoteAddress().getAddress() == null ? ""
                : request.remoteAddress().getAddress().getHostAddress();
        return decide(nodeKey, source).map(reason -> {
            metrics.decided(reason);
            decisionLog.log(nodeKey, source, reason);
            return reason.admitted();
        });
    }

    /**
     * The full decision, webhook included. A setting admission depends on that is broken (with no
     * last good value) rejects, as does a webhook URL the policy does not allow to be called.
     */
    Future<AdmissionReason> decide(String nodeKey, String source) {
        AdmissionPolicy rules = policy.admission().current();
        if (!rules.policyError().isEmpty()) {
            return Future.succeededFuture(AdmissionReason.POLICY_ERROR);
        }
        AdmissionReason local = localVerdict(rules, nodeKey);
        if (local != null || rules.verifyUrl().isEmpty()) {
            return Future.succeededFuture(local != null ? local : AdmissionReason.ADMITTED);
        }
        if (!rules.webhookSchemeAllowed()) {
            return Future.succeededFuture(AdmissionReason.WEBHOOK_URL_NOT_ALLOWED);
        }
        AdmissionReason cached = verdicts.get(nodeKey);
        if (cached != null) {
            return Future.succeededFuture(cached);
        }
        return webhook.verify(rules.verifyUrl(), nodeKey, source).map(outcome -> {
            AdmissionReason reason = AdmissionReason.of(outcome, rules.verifyUrlFailOpen());
            verdicts.put(nodeKey, reason);
            return reason;
        });
    }

    /**
     * The checks that need no network: lists, then {@code Client.Allowed}. Null when they admit.
     * Live re-evaluation after a policy change uses only these plus a fresh webhook call when the
     * webhook settings changed.
     */
    AdmissionReason localVerdict(AdmissionPolicy rules, String nodeKey) {
        if (rules.deniedClients().contains(nodeKey)) {
            return AdmissionReason.DENY_LIST;
        }
        if (!rules.allowedClients().isEmpty() && !rules.allowedClients().contains(nodeKey)) {
            return AdmissionReason.NOT_IN_ALLOW_LIST;
        }
        if (!policy.clients().current(nodeKey).allowed()) {
            return AdmissionReason.CLIENT_NOT_ALLOWED;
        }
        return null;
    }

    /** Logs a client's rejection once per reason (again after it was admitted in between). */
    private final class DecisionLog {
        /** Keys whose last decision was a rejection, with its reason; admitted keys are not kept. */
        private final java.util.Map<String, AdmissionReason> lastRejected = new java.util.concurrent.ConcurrentHashMap<>();

        void log(String nodeKey, String source, AdmissionReason reason) {
            if (reason.admitted()) {
                if (!lastRejected.isEmpty()) {
                    lastRejected.remove(nodeKey);
                }
                LOG.debugf("admitted %s from %s (%s)", nodeKey, source, reason.label());
                return;
            }
            if (lastRejected.size() > MAX_CACHED_VERDICTS) {
                lastRejected.clear();
            }
            if (lastRejected.put(nodeKey, reason) != reason) {
                connectionLog.warn(LOG, "rejected %s from %s (%s)", nodeKey, source, reason.label());
            }
        }
    }
}

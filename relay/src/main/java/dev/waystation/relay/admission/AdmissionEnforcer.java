package dev.waystation.relay.admission;

import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.waystation.relay.derp.DerpServer;
import dev.waystation.relay.derp.NodeKey;
import dev.waystation.relay.policy.AdmissionPolicy;
import dev.waystation.relay.policy.RelayPolicy;
import io.quarkus.runtime.Startup;

/**
 * Re-evaluates connected clients when the region's admission policy changes (the change arrives
 * within the policy debounce bound): clients the lists no longer admit are disconnected at once;
 * when the webhook settings changed, every client is asked about again and disconnected on
 * rejection. Clients that become admitted need nothing: their next connection is admitted.
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

    private volatile AdmissionPolicy previous;

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
                || rules.verifyUrlFailOpen() != previous.verifyUrlFailOpen();
        previous = rules;
        for (NodeKey client : server.connectedClients()) {
            String nodeKey = client.toString();
            AdmissionReason local = admission.localVerdict(rules, nodeKey);
            if (local != null) {
                disconnect(client, local);
            } else if (webhookChanged && !rules.verifyUrl().isEmpty()) {
                admission.decide(nodeKey, "").onSuccess(reason -> {
                    if (!reason.admitted()) {
                        disconnect(client, reason);
                    }
                });
            }
        }
    }

    /** Disconnects a client the policy no longer admits: logged, counted, every connection of the key closed. */
    void disconnect(NodeKey client, AdmissionReason reason) {
        LOG.warnf("disconnecting %s after a policy change (%s)", client, reason.label());
        metrics.disconnectedByPolicy();
        server.closeClient(client);
    }
}

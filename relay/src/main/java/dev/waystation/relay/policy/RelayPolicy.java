package dev.waystation.relay.policy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import dev.waystation.policy.document.DocumentValidator;
import dev.waystation.policy.document.PolicyDocumentParser;
import dev.waystation.policy.rsop.MemberPolicies;
import dev.waystation.policy.rsop.PolicyEngine;
import dev.waystation.policy.rsop.PolicyView;
import dev.waystation.policy.rsop.ResultantPolicy;
import dev.waystation.policy.setting.PolicyScope;
import dev.waystation.policy.setting.ScopeKind;
import dev.waystation.policy.source.DocumentSources;
import dev.waystation.policy.source.DocumentStatus;
import dev.waystation.policy.source.EnvironmentStore;
import dev.waystation.policy.source.PolicyFile;
import dev.waystation.policy.source.PolicyReadException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;

/**
 * The relay's policy: wires the policy file, the environment and every {@link PolicyStoreProvider}
 * into the engine at startup, and hands subsystems typed views of the region's resultant policy
 * ({@code Profile(<region>)}) and the connected clients' policies
 * ({@code Profile(<region>)/User(<node key>)}, shared with the region's unless a User-scope source
 * names the key).
 */
@Startup
@Singleton
public class RelayPolicy {

    private static final System.Logger LOG = System.getLogger(RelayPolicy.class.getName());
    static final String ENVIRONMENT_SOURCE = "environment";
    /** {@code waystation_policy_clients{policy="any|own"}}. */
    static final String CLIENTS_METRIC = "waystation.policy.clients";
    /** {@code waystation_policy_resultant_policies}. */
    static final String RESULTANT_POLICIES_METRIC = "waystation.policy.resultant.policies";

    @Inject
    PolicyEngine engine;

    @Inject
    PolicyConfig config;

    @Inject
    @Any
    Instance<PolicyStoreProvider> providers;

    @Inject
    MeterRegistry meters;

    private PolicyFile file;
    private PolicyScope regionScope;
    private PolicyView<AdmissionPolicy> admission;
    private PolicyView<StunPolicy> stun;
    private PolicyView<DebugAccessPolicy> debugAccess;
    private MemberPolicies<ClientPolicy> clients;

    @PostConstruct
    void start() {
        regionScope = PolicyScope.profile(config.region());
        config.file().ifPresent(this::startFile);
        for (PolicyStoreProvider provider : providers) {
            try {
                provider.register(engine);
            } catch (Exception e) {
                LOG.log(System.Logger.Level.ERROR, "policy store provider " + provider.getClass().getName()
                        + " failed; continuing without its sources", e);
            }
        }
        if (config.env().enabled()) {
            try {
                engine.register(ENVIRONMENT_SOURCE, PolicyScope.parse(config.env().scope()), config.env().priority(),
                        new EnvironmentStore(System.getenv()));
            } catch (PolicyReadException e) {
                throw new IllegalStateException("environment policy store failed", e);
            }
        }
        ResultantPolicy region = engine.policyFor(regionScope);
        admission = new PolicyView<>(region, AdmissionPolicy::of);
        stun = new PolicyView<>(region, StunPolicy::of);
        debugAccess = new PolicyView<>(region, DebugAccessPolicy::of);
        clients = new MemberPolicies<>(engine, regionScope, this::clientScope, ClientPolicy::of);
        Gauge.builder(CLIENTS_METRIC, clients, MemberPolicies::boundMembers).tag("policy", "any")
                .description("Connected clients bound to their policy").register(meters);
        Gauge.builder(CLIENTS_METRIC, clients, MemberPolicies::ownPolicies).tag("policy", "own")
                .description("Connected clients with a resultant policy of their own (named by a User-scope source)")
                .register(meters);
        Gauge.builder(RESULTANT_POLICIES_METRIC, engine, e -> e.policies().size())
                .description("Live resultant policies: the region's, plus one per connected client a User-scope source names")
                .register(meters);
    }

    @PreDestroy
    void stop() throws IOException {
        if (clients != null) {
            clients.close();
        }
        if (file != null) {
            file.close();
        }
    }

    /** This relay's own scope, {@code Profile(<region>)}. */
    public PolicyScope regionScope() {
        return regionScope;
    }

    /** The engine, for stores that register themselves directly. */
    public PolicyEngine engine() {
        return engine;
    }

    public ResultantPolicy regionPolicy() {
        return engine.policyFor(regionScope);
    }

    public PolicyView<AdmissionPolicy> admission() {
        return admission;
    }

    public PolicyView<StunPolicy> stun() {
        return stun;
    }

    public PolicyView<DebugAccessPolicy> debugAccess() {
        return debugAccess;
    }

    /** The scope of one client of this relay. */
    public PolicyScope clientScope(String nodeKey) {
        return new PolicyScope(ScopeKind.USER, config.region(), nodeKey);
    }

    /**
     * The clients' policies: {@code clients().current(key)} for a one-off question (creates no
     * state), {@code clients().bind(key, listener)} for a connection's lifetime.
     */
    public MemberPolicies<ClientPolicy> clients() {
        return clients;
    }

    /** Re-reads the policy file and every store now, for every live scope. */
    public void reload() {
        if (file != null) {
            file.reload();
        }
        for (ResultantPolicy policy : engine.policies()) {
            policy.reload();
        }
    }

    /** The watched policy file, when one is configured. */
    public Optional<PolicyFile> file() {
        return Optional.ofNullable(file);
    }

    /** The state of the policy documents (the file's and providers' that report one). */
    public List<DocumentStatus> documents() {
        List<DocumentStatus> out = new ArrayList<>();
        Optional.ofNullable(file).ifPresent(f -> out.add(f.status()));
        providers.forEach(provider -> out.addAll(provider.documents()));
        return out;
    }

    private void startFile(java.nio.file.Path path) {
        DocumentSources sources = new DocumentSources(path.toString(), engine, new DocumentValidator(engine.registry()));
        file = new PolicyFile(path, sources, new PolicyDocumentParser()::parse,
                new PolicyFile.Limits(config.fileRecheck(), config.fileSettle(), config.fileMaxBytes()));
        try {
            file.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot watch the policy file " + path, e);
        }
    }

}

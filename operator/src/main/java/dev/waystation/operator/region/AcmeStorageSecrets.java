package dev.waystation.operator.region;

import java.util.ArrayList;
import java.util.List;

import dev.waystation.crd.v1alpha1.DerpRegion;
import dev.waystation.crd.v1alpha1.TlsMode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;

/**
 * In LetsEncrypt mode each relay node keeps its ACME account key and certificate in a Secret of its
 * own, {@code <pod>-acme}, so a restarted or rescheduled pod never orders again. The operator
 * creates them empty (it never writes their data: server-side apply leaves the relay's fields alone)
 * and grants the relays get and update on exactly these names; the relay never creates or lists Secrets.
 */
final class AcmeStorageSecrets {

    static final String SUFFIX = "-acme";

    private AcmeStorageSecrets() {
    }

    static boolean applies(DerpRegion region) {
        return RegionDefaults.tlsMode(region.getSpec()) == TlsMode.LetsEncrypt;
    }

    static String name(DerpRegion region, int index) {
        return RegionObjects.pod(region, index) + SUFFIX;
    }

    /**
     * The relay's {@code storage-secret} setting: its own pod's Secret, resolved by the relay from the
     * pod-index variable (all pods share one ConfigMap).
     */
    static String relaySetting(DerpRegion region) {
        return RegionObjects.statefulSet(region) + "-${" + RelayEnvironment.NODE_INDEX_ENV + "}" + SUFFIX;
    }

    static List<HasMetadata> desired(DerpRegion region) {
        List<HasMetadata> secrets = new ArrayList<>();
        if (!applies(region)) {
            return secrets;
        }
        for (int i = 0; i < region.getSpec().getNodes(); i++) {
            secrets.add(new SecretBuilder().withMetadata(RegionObjects.ownedMeta(region, name(region, i),
                    RegionObjects.RELAY)).withType("Opaque").build());
        }
        return secrets;
    }

    /** The relays' access to their Secrets: get and update, by name only. */
    static List<PolicyRule> rules(DerpRegion region) {
        if (!applies(region)) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < region.getSpec().getNodes(); i++) {
            names.add(name(region, i));
        }
        return List.of(new PolicyRuleBuilder().withApiGroups("").withResources("secrets").withResourceNames(names)
                .withVerbs("get", "update").build());
    }
}

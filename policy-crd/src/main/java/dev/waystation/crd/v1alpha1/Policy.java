package dev.waystation.crd.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Relay settings for a scope of the fleet: every region (Device), named regions (Profile) or named
 * clients (User). The operator validates it against the relay's setting catalog and projects it into
 * the policy document of each region it applies to, as the named source {@code policy/<namespace>/<name>}.
 * A Policy applies to the DerpRegions of its own namespace.
 */
@Group(WaystationApi.GROUP)
@Version(WaystationApi.VERSION)
@Kind("Policy")
@Plural("policies")
@Singular("policy")
@ShortNames({"wspol", "wsp"})
@Categories(WaystationApi.CATEGORY)
@AdditionalPrinterColumn(name = "Scope", jsonPath = ".spec.scope", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Enforcement", jsonPath = ".spec.enforcement", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Priority", jsonPath = ".spec.priority", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Status", jsonPath = ".status.conditions[?(@.type==\"Accepted\")].reason",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class Policy extends CustomResource<PolicySpec, PolicyStatus> implements Namespaced {

    /** Prefix of the policy source name each Policy becomes in a relay's RSOP. */
    public static final String SOURCE_PREFIX = "policy/";

    /** The name of this Policy's source in the relay's RSOP: {@code policy/<namespace>/<name>}. */
    public String sourceName() {
        return SOURCE_PREFIX + getMetadata().getNamespace() + "/" + getMetadata().getName();
    }
}

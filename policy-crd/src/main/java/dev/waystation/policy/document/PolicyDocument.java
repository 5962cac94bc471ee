package dev.waystation.policy.document;

import java.util.List;

/**
 * The platform-agnostic policy document: what the relay's policy file holds and what the operator
 * projects from {@code Policy} resources. JSON or YAML:
 *
 * <pre>
 * version: 1
 * sources:
 *   - name: policy/default/deny-list   # unique within the document
 *     scope: Device                    # Device | Profile(&lt;region&gt;) | User(nodekey:&lt;hex&gt;)
 *     priority: 0                      # optional
 *     mandatory: { Admission.DeniedClients: ["nodekey:..."] }
 *     recommended: { STUN.Enabled: true }
 * </pre>
 *
 * A document without {@code sources} but with top-level {@code mandatory}/{@code recommended} maps
 * is one Device source named after the document.
 */
public record PolicyDocument(int version, List<DocumentSource> sources) {

    /** The only version this code reads and writes. */
    public static final int CURRENT_VERSION = 1;

    public PolicyDocument {
        sources = List.copyOf(sources);
    }

    public static PolicyDocument of(List<DocumentSource> sources) {
        return new PolicyDocument(CURRENT_VERSION, sources);
    }
}

package dev.waystation.operator.policy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import dev.waystation.crd.v1alpha1.Policy;
import dev.waystation.policy.document.DocumentFormat;
import dev.waystation.policy.document.DocumentSource;
import dev.waystation.policy.document.PolicyDocument;
import dev.waystation.policy.document.PolicyDocumentException;
import dev.waystation.policy.document.PolicyDocumentParser;
import dev.waystation.policy.document.PolicyDocumentWriter;

/**
 * Renders the policy document of one DerpRegion from the Policies of its namespace, in the relay's
 * policy file format: the sources ({@link PolicySources}) of every accepted Policy that reach the
 * region, in {@link PolicySources#DOCUMENT_ORDER}. An invalid Policy keeps the sources it had in the previous document:
 * bad input never changes what relays enforce.
 */
final class RegionPolicyDocument {

    private static final PolicyDocumentParser PARSER = new PolicyDocumentParser();
    private static final PolicyDocumentWriter WRITER = new PolicyDocumentWriter();

    private RegionPolicyDocument() {
    }

    /**
     * The document text for {@code region}.
     *
     * @param policies every Policy of the region's namespace
     * @param previous the region's current document, if any (where last good sources come from)
     */
    static String render(String region, Collection<Policy> policies, PolicyEvaluation evaluation,
            Optional<String> previous) {
        List<DocumentSource> previousSources = previous.flatMap(RegionPolicyDocument::parse)
                .map(PolicyDocument::sources).orElse(List.of());
        List<DocumentSource> sources = new ArrayList<>();
        for (Policy policy : policies) {
            if (evaluation.isAccepted(policy)) {
                PolicySources.of(policy).stream().filter(source -> PolicySources.reaches(source, region))
                        .forEach(sources::add);
            } else {
                previousSources.stream().filter(source -> PolicySources.belongsTo(source, policy)).forEach(sources::add);
            }
        }
        sources.sort(PolicySources.DOCUMENT_ORDER);
        return WRITER.write(PolicyDocument.of(sources), DocumentFormat.YAML);
    }

    /** A document this class rendered earlier; nothing when it does not parse (then it is replaced whole). */
    private static Optional<PolicyDocument> parse(String text) {
        try {
            return Optional.of(PARSER.parse("previous policy document", text, DocumentFormat.YAML));
        } catch (PolicyDocumentException e) {
            return Optional.empty();
        }
    }
}

package dev.waystation.policy.document;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/** Writes {@link PolicyDocument}s in the shape {@link PolicyDocumentParser} reads. */
public final class PolicyDocumentWriter {

    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final ObjectMapper yaml = new YAMLMapper();

    public String write(PolicyDocument document, DocumentFormat format) {
        try {
            return (format == DocumentFormat.JSON ? json : yaml).writeValueAsString(tree(document));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("policy document holds a value that cannot be written", e);
        }
    }

    private static Map<String, Object> tree(PolicyDocument document) {
        List<Object> sources = new ArrayList<>();
        for (DocumentSource source : document.sources()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put(PolicyDocumentParser.NAME, source.name());
            entry.put(PolicyDocumentParser.SCOPE, source.scope().toString());
            if (source.priority() != 0) {
                entry.put(PolicyDocumentParser.PRIORITY, source.priority());
            }
            if (!source.mandatory().isEmpty()) {
                entry.put(PolicyDocumentParser.MANDATORY, source.mandatory());
            }
            if (!source.recommended().isEmpty()) {
                entry.put(PolicyDocumentParser.RECOMMENDED, source.recommended());
            }
            sources.add(entry);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put(PolicyDocumentParser.VERSION, document.version());
        root.put(PolicyDocumentParser.SOURCES, sources);
        return root;
    }
}

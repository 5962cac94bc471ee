package dev.waystation.policy.source;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.waystation.policy.document.DocumentProblem;
import dev.waystation.policy.document.DocumentSource;
import dev.waystation.policy.document.DocumentValidator;
import dev.waystation.policy.document.PolicyDocument;

/**
 * Keeps a registrar's sources in step with one policy document: each entry is an in-memory store
 * registered under the entry's name, scope and priority. A new version updates the stores in place
 * (their change notifications go through the engine's debounce), registers new entries and
 * unregisters removed ones. Which entry wins a tie is the engine's rule (priority, then name), so
 * the order entries arrive in changes nothing. A rejected version changes nothing but the error: the last good
 * document stays in force and every one of its sources shows the error.
 *
 * <p>Used by the policy file and by the Kubernetes ConfigMap store alike.
 */
public final class DocumentSources implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(DocumentSources.class.getName());

    private record Entry(DocumentSource spec, MemoryStore store, SourceRegistrar.Registration registration) {
    }

    private final String name;
    private final SourceRegistrar registrar;
    private final DocumentValidator validator;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private List<String> problems = List.of();
    private String error;
    private long appliedVersions;

    public DocumentSources(String name, SourceRegistrar registrar, DocumentValidator validator) {
        this.name = name;
        this.registrar = registrar;
        this.validator = validator;
    }

    /** Makes {@code document} the one in force. */
    public synchronized void apply(PolicyDocument document) {
        Map<String, DocumentSource> wanted = new LinkedHashMap<>();
        document.sources().forEach(source -> wanted.put(source.name(), source));
        for (String gone : List.copyOf(entries.keySet())) {
            Entry entry = entries.get(gone);
            DocumentSource next = wanted.get(gone);
            if (next == null || !next.scope().equals(entry.spec().scope()) || next.priority() != entry.spec().priority()) {
                entry.registration().unregister();
                entries.remove(gone);
            }
        }
        List<String> allProblems = new ArrayList<>();
        for (DocumentSource source : wanted.values()) {
            List<DocumentProblem> found = validator.problems(source);
            found.forEach(problem -> allProblems.add(name + ": " + problem));
            String problemText = found.isEmpty() ? null : String.join("; ", found.stream().map(Object::toString).toList());
            Entry entry = entries.get(source.name());
            if (entry != null) {
                entry.store().replace(source.mandatory(), source.recommended(), problemText);
                entries.put(source.name(), new Entry(source, entry.store(), entry.registration()));
                continue;
            }
            MemoryStore store = new MemoryStore();
            store.replace(source.mandatory(), source.recommended(), problemText);
            try {
                entries.put(source.name(), new Entry(source, store, registrar.register(source.name(), source.scope(),
                        source.priority(), store)));
            } catch (PolicyReadException e) {
                // An in-memory store cannot fail its first read; report it rather than lose it silently.
                allProblems.add(name + ": " + source.name() + ": " + e.getMessage());
            }
        }
        problems = List.copyOf(allProblems);
        error = null;
        appliedVersions++;
        problems.forEach(p -> LOG.log(System.Logger.Level.WARNING, p));
    }

    /** Rejects a new version: the last good document stays in force and shows {@code message}. */
    public synchronized void fail(String message) {
        error = message;
        LOG.log(System.Logger.Level.WARNING, message + " (keeping the last good policy)");
        for (Entry entry : entries.values()) {
            entry.store().setProblem(message + " (keeping the last good policy)");
        }
    }

    public synchronized DocumentStatus status() {
        return new DocumentStatus(name, List.copyOf(entries.keySet()), problems, Optional.ofNullable(error),
                appliedVersions);
    }

    /** Unregisters every source of the document. */
    @Override
    public synchronized void close() {
        entries.values().forEach(entry -> entry.registration().unregister());
        entries.clear();
    }
}

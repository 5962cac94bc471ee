package dev.waystation.relay.tls.acme;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * ACME state in one Kubernetes Secret per relay node. The operator creates the Secret empty and a
 * Role allowing this relay's ServiceAccount {@code get} and {@code update} on exactly that name, so
 * the relay never creates, lists or watches Secrets. Updates carry the read resourceVersion: a
 * concurrent writer makes this write fail (and the order is retried) rather than lose an entry.
 */
final class SecretAcmeStore implements AcmeStore {

    private final KubernetesClient client;
    private final String namespace;
    private final String name;

    SecretAcmeStore(KubernetesClient client, String namespace, String name) {
        this.client = client;
        this.namespace = namespace;
        this.name = name;
    }

    @Override
    public Map<String, String> read(String... entries) throws IOException {
        Map<String, String> data = fetch().getData();
        Map<String, String> found = new HashMap<>();
        for (String entry : entries) {
            if (data != null && data.get(entry) != null) {
                found.put(entry, new String(Base64.getDecoder().decode(data.get(entry)), StandardCharsets.US_ASCII));
            }
        }
        return found;
    }

    @Override
    public void write(Map<String, String> entries) throws IOException {
        Secret secret = fetch();
        Map<String, String> data = secret.getData() == null ? new HashMap<>() : new HashMap<>(secret.getData());
        entries.forEach((entry, content) -> data.put(entry,
                Base64.getEncoder().encodeToString(content.getBytes(StandardCharsets.US_ASCII))));
        secret.setData(data);
        try {
            client.secrets().inNamespace(namespace).resource(secret).update();
        } catch (KubernetesClientException e) {
            throw new IOException("cannot update Secret " + namespace + "/" + name + ": " + e.getMessage(), e);
        }
    }

    private Secret fetch() throws IOException {
        Secret secret;
        try {
            secret = client.secrets().inNamespace(namespace).withName(name).get();
        } catch (KubernetesClientException e) {
            throw new IOException("cannot read Secret " + namespace + "/" + name + ": " + e.getMessage(), e);
        }
        if (secret == null) {
            throw new IOException("Secret " + namespace + "/" + name + " does not exist (the operator creates it "
                    + "for each relay node in LetsEncrypt mode)");
        }
        return secret;
    }

    @Override
    public String describe() {
        return "Secret " + namespace + "/" + name;
    }
}

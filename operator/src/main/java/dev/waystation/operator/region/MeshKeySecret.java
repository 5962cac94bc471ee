package dev.waystation.operator.region;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import dev.waystation.crd.v1alpha1.DerpRegion;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * The region's mesh pre-shared key: 32 random bytes as 64 hex characters (derper's
 * {@code -mesh-psk-file} format). Created once and never rewritten, since changing it would cut the
 * mesh until every node restarted; its value is never logged. Deleting the Secret rotates the key.
 */
@ApplicationScoped
class MeshKeySecret {

    static final String DATA_KEY = "mesh-key";
    private static final int KEY_BYTES = 32;
    private static final int HTTP_CONFLICT = 409;

    private final SecureRandom random = new SecureRandom();

    /** Creates the Secret when {@code existing} is null; returns whether it created it. */
    boolean ensure(DerpRegion region, Secret existing, KubernetesClient client) {
        if (existing != null) {
            return false;
        }
        byte[] key = new byte[KEY_BYTES];
        random.nextBytes(key);
        Secret secret = new SecretBuilder()
                .withMetadata(RegionObjects.ownedMeta(region, RegionObjects.meshKeySecret(region), RegionObjects.RELAY))
                .withType("Opaque")
                .withStringData(Map.of(DATA_KEY, HexFormat.of().formatHex(key)))
                .build();
        try {
            client.secrets().inNamespace(region.getMetadata().getNamespace()).resource(secret).create();
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == HTTP_CONFLICT) {
                return false; // created meanwhile (our cache was behind); the existing key stays
            }
            throw e;
        }
    }
}

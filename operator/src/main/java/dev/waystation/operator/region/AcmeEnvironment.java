package dev.waystation.operator.region;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import dev.waystation.crd.v1alpha1.DerpRegion;
import dev.waystation.crd.v1alpha1.RegionTls;

/**
 * The relay's ACME settings ({@code waystation.relay.tls.acme.*}) for {@code tls.mode: LetsEncrypt}:
 * the account e-mail, staging or a private CA's directory, and the node's storage Secret.
 */
final class AcmeEnvironment {

    private AcmeEnvironment() {
    }

    static Map<String, String> of(DerpRegion region) {
        Map<String, String> env = new TreeMap<>();
        Optional<RegionTls.LetsEncrypt> settings = Optional.ofNullable(region.getSpec().getTls())
                .map(RegionTls::getLetsEncrypt);
        settings.map(RegionTls.LetsEncrypt::getEmail).filter(email -> !email.isBlank())
                .ifPresent(email -> env.put("WAYSTATION_RELAY_TLS_ACME_EMAIL", email));
        env.put("WAYSTATION_RELAY_TLS_ACME_STAGING",
                String.valueOf(settings.map(RegionTls.LetsEncrypt::getStaging).orElse(false)));
        settings.map(RegionTls.LetsEncrypt::getDirectoryUrl).filter(url -> !url.isBlank())
                .ifPresent(url -> env.put("WAYSTATION_RELAY_TLS_ACME_DIRECTORY_URL", url));
        env.put("WAYSTATION_RELAY_TLS_ACME_STORAGE_SECRET", AcmeStorageSecrets.relaySetting(region));
        return env;
    }
}

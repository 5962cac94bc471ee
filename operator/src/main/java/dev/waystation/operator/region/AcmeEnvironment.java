package dev.waystation.operator.region;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import dev.waystation.crd.v1alpha1.CaConfigMapRef;
import dev.waystation.crd.v1alpha1.DerpRegion;
import dev.waystation.crd.v1alpha1.RegionTls;

/**
 * The relay's ACME settings ({@code waystation.relay.tls.acme.*}) for {@code tls.mode: LetsEncrypt}:
 * the account e-mail, staging or a private CA's directory and the CA its HTTPS is signed by, and the
 * node's storage Secret.
 */
final class AcmeEnvironment {

    /** Where the private ACME CA's bundle ({@code tls.letsEncrypt.caConfigMap}) is mounted. */
    static final String CA_DIR = "/etc/waystation/acme-ca";
    /** The bundle's file name in {@link #CA_DIR}, whatever its key in the ConfigMap. */
    static final String CA_FILE = "ca.crt";

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
        if (caConfigMap(region).isPresent()) {
            env.put("WAYSTATION_RELAY_TLS_ACME_CA_FILE", CA_DIR + "/" + CA_FILE);
        }
        env.put("WAYSTATION_RELAY_TLS_ACME_STORAGE_SECRET", AcmeStorageSecrets.relaySetting(region));
        return env;
    }

    /** The private ACME CA's bundle the relays mount, in LetsEncrypt mode when one is named. */
    static Optional<CaConfigMapRef> caConfigMap(DerpRegion region) {
        if (!AcmeStorageSecrets.applies(region)) {
            return Optional.empty();
        }
        return Optional.ofNullable(region.getSpec().getTls()).map(RegionTls::getLetsEncrypt)
                .map(RegionTls.LetsEncrypt::getCaConfigMap);
    }
}

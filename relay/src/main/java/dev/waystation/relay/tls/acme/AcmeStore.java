package dev.waystation.relay.tls.acme;

import java.io.IOException;
import java.util.Map;

/**
 * Where the ACME account key and the issued certificate survive a restart (so a restart never orders
 * again): named PEM entries ({@link #ACCOUNT_KEY}, {@link #CERTIFICATE}, {@link #CERTIFICATE_KEY}).
 * A directory outside Kubernetes ({@link DirectoryAcmeStore}), a Secret inside ({@link SecretAcmeStore}).
 */
interface AcmeStore {

    String ACCOUNT_KEY = "acme-account.key";
    /** Same entry names as a {@code kubernetes.io/tls} Secret, so the Secret reads like one. */
    String CERTIFICATE = "tls.crt";
    String CERTIFICATE_KEY = "tls.key";

    /**
     * The named entries that exist, read together: from a Secret in one request, so a certificate and
     * its key come from the same version.
     */
    Map<String, String> read(String... entries) throws IOException;

    /** Writes these entries together (others stay); a crash mid-way must not leave a certificate without its key. */
    void write(Map<String, String> entries) throws IOException;

    /** For logs: where entries are kept. */
    String describe();
}

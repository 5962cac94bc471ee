package dev.waystation.relay.tls.acme;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

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

    Optional<String> read(String entry) throws IOException;

    /** Writes these entries together (others stay); a crash mid-way must not leave a certificate without its key. */
    void write(Map<String, String> entries) throws IOException;

    /** For logs: where entries are kept. */
    String describe();
}

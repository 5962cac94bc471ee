package dev.waystation.relay.tls.acme;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.Map;
import java.util.Optional;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

import org.jboss.logging.Logger;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.provider.GenericAcmeProvider;
import org.shredzone.acme4j.util.KeyPairUtils;

import dev.waystation.relay.tls.PemFiles;
import dev.waystation.relay.tls.TrustStores;

/**
 * The relay's ACME account at one CA: its key is created once and kept in the {@link AcmeStore}
 * (registering again with the same key finds the same account), the terms of service are agreed to
 * as derper's autocert does, and the optional email is the contact.
 */
final class AcmeAccount {

    private static final Logger LOG = Logger.getLogger(AcmeAccount.class);
    private static final String ACCOUNT_KEY_CURVE = "secp256r1";

    private final URI directory;
    private final Optional<String> email;
    private final Optional<Path> caFile;
    private final AcmeStore store;
    private Login login;

    AcmeAccount(AcmeConfig config, AcmeStore store) {
        this.directory = directoryOf(config);
        this.email = config.email().filter(address -> !address.isBlank());
        this.caFile = config.caFile();
        this.store = store;
    }

    static URI directoryOf(AcmeConfig config) {
        return config.directoryUrl().orElseGet(
                () -> URI.create(config.staging() ? AcmeConfig.LETS_ENCRYPT_STAGING : AcmeConfig.LETS_ENCRYPT));
    }

    URI directory() {
        return directory;
    }

    /** Logs in (registering on first use); the login is reused for every later order. */
    synchronized Login login() throws AcmeException, IOException {
        if (login != null) {
            return login;
        }
        KeyPair key = accountKey();
        AccountBuilder builder = new AccountBuilder().agreeToTermsOfService().useKeyPair(key);
        email.ifPresent(builder::addEmail);
        login = builder.createLogin(new Session(directory, new TrustingProvider(caFile)));
        LOG.infof("ACME account at %s: %s", directory, login.getAccountLocation());
        return login;
    }

    private KeyPair accountKey() throws IOException {
        String stored = store.read(AcmeStore.ACCOUNT_KEY).get(AcmeStore.ACCOUNT_KEY);
        if (stored != null) {
            return KeyPairUtils.readKeyPair(new StringReader(stored));
        }
        KeyPair created = KeyPairUtils.createECKeyPair(ACCOUNT_KEY_CURVE);
        StringWriter pem = new StringWriter();
        KeyPairUtils.writeKeyPair(created, pem);
        store.write(Map.of(AcmeStore.ACCOUNT_KEY, pem.toString()));
        LOG.infof("created an ACME account key in %s", store.describe());
        return created;
    }

    /** acme4j's generic provider with an HTTP client that also trusts {@code caFile} (a private CA's API). */
    private static final class TrustingProvider extends GenericAcmeProvider {

        private final Optional<Path> caFile;

        TrustingProvider(Optional<Path> caFile) {
            this.caFile = caFile;
        }

        @Override
        public HttpClient createHttpClient(NetworkSettings settings) {
            HttpClient.Builder builder = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                    .connectTimeout(settings.getTimeout()).proxy(settings.getProxySelector());
            if (settings.getAuthenticator() != null) {
                builder.authenticator(settings.getAuthenticator());
            }
            caFile.ifPresent(file -> builder.sslContext(trusting(file)));
            return builder.build();
        }

        private static SSLContext trusting(Path caFile) {
            try {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, new TrustManager[] {TrustStores.trusting(
                        PemFiles.readChain(Files.readString(caFile, StandardCharsets.US_ASCII), caFile))}, null);
                return context;
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalStateException("cannot read waystation.relay.tls.acme.ca-file " + caFile + ": "
                        + e.getMessage(), e);
            }
        }
    }
}

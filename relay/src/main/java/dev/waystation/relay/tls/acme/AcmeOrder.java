package dev.waystation.relay.tls.acme;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.time.Duration;
import java.util.List;

import org.jboss.logging.Logger;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Identifier;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Problem;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Challenge;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.challenge.TlsAlpn01Challenge;
import org.shredzone.acme4j.exception.AcmeException;

import dev.waystation.relay.tls.CertifiedKey;

/**
 * One ACME order for the relay's hostname: each pending authorization is proven with the chosen
 * challenge type (its answer published in {@link AcmeChallenges} only while the CA validates), then
 * the order is finalized with a fresh P-256 key and the issued chain downloaded.
 */
final class AcmeOrder {

    private static final Logger LOG = Logger.getLogger(AcmeOrder.class);
    private static final String CERTIFICATE_KEY_CURVE = "secp256r1";
    private static final int VALIDATION_RSA_BITS = 2048;

    /** A challenge the CA could not validate: the next order tries the next challenge type. */
    static final class ChallengeFailedException extends AcmeException {
        ChallengeFailedException(String message) {
            super(message);
        }
    }

    private final AcmeChallenges challenges;
    private final Duration timeout;

    AcmeOrder(AcmeChallenges challenges, Duration timeout) {
        this.challenges = challenges;
        this.timeout = timeout;
    }

    CertifiedKey place(Login login, String hostname, String challengeType)
            throws AcmeException, InterruptedException, IOException {
        Order order = login.newOrder().domain(hostname).create();
        LOG.infof("ACME order %s for %s placed (challenge %s)", order.getLocation(), hostname, challengeType);
        for (Authorization authorization : order.getAuthorizations()) {
            if (authorization.getStatus() != Status.VALID) {
                prove(authorization, hostname, challengeType);
            }
        }
        Status ready = order.waitUntilReady(timeout);
        if (ready != Status.READY) {
            throw new AcmeException("order " + order.getLocation() + " is " + ready + " instead of ready"
                    + problemText(order.getError().orElse(null)));
        }
        KeyPair certificateKey = newKeyPair("EC", new ECGenParameterSpec(CERTIFICATE_KEY_CURVE));
        order.execute(certificateKey);
        Status done = order.waitForCompletion(timeout);
        if (done != Status.VALID) {
            throw new AcmeException("order " + order.getLocation() + " ended " + done
                    + problemText(order.getError().orElse(null)));
        }
        List<java.security.cert.X509Certificate> chain = order.getCertificate().getCertificateChain();
        return new CertifiedKey(chain, certificateKey.getPrivate());
    }

    private void prove(Authorization authorization, String hostname, String challengeType)
            throws AcmeException, InterruptedException, IOException {
        Challenge challenge = authorization.findChallenge(challengeType)
                .orElseThrow(() -> new ChallengeFailedException("the CA offers no " + challengeType + " challenge for "
                        + hostname));
        Runnable withdraw = publish(challenge, hostname);
        try {
            challenge.trigger();
            Status status = challenge.waitForCompletion(timeout);
            if (status != Status.VALID) {
                throw new ChallengeFailedException(challengeType + " challenge for " + hostname + " is " + status
                        + problemText(challenge.getError().orElse(null)));
            }
        } finally {
            withdraw.run();
        }
    }

    private Runnable publish(Challenge challenge, String hostname) throws IOException {
        if (challenge instanceof Http01Challenge http) {
            challenges.publishHttp(http.getToken(), http.getAuthorization());
            return () -> challenges.withdrawHttp(http.getToken());
        }
        if (challenge instanceof TlsAlpn01Challenge alpn) {
            // acme4j signs the validation certificate with SHA256withRSA only.
            KeyPair validationKey = newKeyPair("RSA", new RSAKeyGenParameterSpec(VALIDATION_RSA_BITS,
                    RSAKeyGenParameterSpec.F4));
            var certificate = alpn.createCertificate(validationKey, Identifier.dns(hostname));
            challenges.publishAlpn(hostname, new CertifiedKey(List.of(certificate), validationKey.getPrivate()));
            return () -> challenges.withdrawAlpn(hostname);
        }
        throw new IOException("challenge type " + challenge.getType() + " is not supported (use http-01 or tls-alpn-01)");
    }

    /**
     * A key from the JDK's own provider: BouncyCastle's (acme4j's helpers) call EC keys "ECDSA", which
     * the TLS engines' key-type matching ("EC") does not recognise.
     */
    private static KeyPair newKeyPair(String algorithm, AlgorithmParameterSpec parameters) throws IOException {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            generator.initialize(parameters);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot create a " + algorithm + " key: " + e.getMessage(), e);
        }
    }

    private static String problemText(Problem problem) {
        return problem == null ? "" : ": " + problem;
    }
}

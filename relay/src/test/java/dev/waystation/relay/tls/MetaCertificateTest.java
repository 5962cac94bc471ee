package dev.waystation.relay.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.bouncycastle.asn1.x509.Extension;
import org.junit.jupiter.api.Test;

/** The meta-certificate has exactly the fields Go clients read. */
class MetaCertificateTest {

    @Test
    void carriesTheServerKeyAndProtocolVersion() throws Exception {
        byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) i;
        }
        Instant now = Instant.parse("2026-11-27T12:00:00Z");
        X509Certificate meta = MetaCertificate.forServerKey(key, now);

        assertThat(meta.getSubjectX500Principal().getName())
                .isEqualTo("CN=derpkey000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        assertThat(meta.getSerialNumber().intValueExact()).isEqualTo(2);
        assertThat(meta.getNotBefore().toInstant()).isEqualTo(now.minus(Duration.ofDays(30)));
        assertThat(meta.getNotAfter().toInstant()).isEqualTo(now.plus(Duration.ofDays(30)));
        assertThat(meta.getBasicConstraints()).isEqualTo(-1);
        assertThat(meta.getExtensionValue(Extension.subjectKeyIdentifier.getId())).isNull();
        assertThat(meta.getExtensionValue(Extension.authorityKeyIdentifier.getId())).isNull();
    }

    @Test
    void isPresentedAfterTheChain() throws Exception {
        X509Certificate meta = MetaCertificate.forServerKey(new byte[32], Instant.now());
        ReloadingKeyManager keyManager = new ReloadingKeyManager(ServerNameRule.forHostname("relay.test"), List.of(meta));
        CertifiedKey certified = new TestPki("ca").issue("relay.test", "relay.test");
        keyManager.install(certified);
        String alias = keyManager.getServerAliases("EC", null)[0];
        assertThat(keyManager.getCertificateChain(alias)).containsExactly(certified.chain().get(0),
                certified.chain().get(1), meta);
    }
}

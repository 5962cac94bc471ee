package dev.waystation.relay.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.Base64;

import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;

/** Every private-key encoding derper's Go loader accepts, and clear errors for what it does not. */
class PemFilesTest {

    private static final Path SOURCE = Path.of("test.pem");

    @Test
    void readsPkcs8() throws Exception {
        PrivateKey key = KeyPairGenerator.getInstance("EC").generateKeyPair().getPrivate();
        String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        assertThat(PemFiles.readKey(pem, SOURCE).getEncoded()).isEqualTo(key.getEncoded());
    }

    /** Written by {@code openssl ecparam -genkey -noout}: SEC1 with the curve inside. */
    private static final String SEC1_EC = """
            -----BEGIN EC PRIVATE KEY-----
            MHcCAQEEIIC515aeepUOQAg/fVhFUjxGJNhBZyrkGZStJ+9q76D2oAoGCCqGSM49
            AwEHoUQDQgAEC3eq4S8V8jAxQ6Z5m+Ddag+ppTHhWrbQk6LBjRTi4+bieg7HGpO4
            pRPdEfETgBL3AT5MajUOszPsu1MhlPptGw==
            -----END EC PRIVATE KEY-----
            """;

    /** Written by {@code openssl genrsa -traditional 1024}: PKCS#1. */
    private static final String PKCS1_RSA = """
            -----BEGIN RSA PRIVATE KEY-----
            MIICXAIBAAKBgQDNWwZHnpduCHAFf3+xo0ASQAW12roi+YXc8Ru1gkpLvAps04hX
            xRLCjQZMXrlKvzTw5dpdk6dznobUvgm6rTTYIRAFem6lxYzIN/Gc57h1nCNO+tGm
            hzK5j9O+SKTxLJzPpaEnJS+O4pMEREOBv8Dg65ErjMIIJJCM0ZfZVHsP+wIDAQAB
            AoGAY4CGc29xulwWQ2O68MzEP9OLsMkRxd6XsS2WmoVOEJJFjuOUPcr8ww3oDlsb
            dw9czJjjDNJ9obUfabfHKQ/B+VSOoQDxDSKFfDMIV6QB9qB/RCE9DjiWvroVhBTL
            PdsTw13DCLRyuXzR93o2WB3Sdl6ohs3Nvaw+bSmkbGnURzECQQD2YU6Zl8Y7Ggqo
            mqu0UoIU1ZisVtrzJ1b/4RaGJPCAUxS2oR6GihaWqUe1covT+eAjxDiLi8NBLmhx
            k7H2zDFJAkEA1V+oFqahmRVSz3t9FcAbxNj9TVVaVpDopXA/X8P3PPud2clY5Ps/
            RYZExG2a9ZFTmPqba2WH+E2ANKGhihC7IwJBAOPQ8DPXgmWt28MxWamgTUXkh4p7
            uXLyomByCji5uWR+7f09GBPBZcej+XmO1DqKp7WKv9pQvpfryImUzw7smnkCQHuP
            VCghwEyEs5qg2ROCVtJMEYr51UFx0rcS5DARrBdtYcBfP5ICCGa7VREmo2h3CqD4
            5o1vkyhvwME5o/DutV8CQC7e4O/s+DV8PhFB/zFK8fJU2MtZwNwxpB2Dd3zinT9S
            JCUDGpK0wmLxmE/Ly5Mt2zgoOs0Qi8D2x6yz0mpkwHQ=
            -----END RSA PRIVATE KEY-----
            """;

    @Test
    void readsSec1EcAndPkcs1RsaKeys() throws Exception {
        assertThat(PemFiles.readKey(SEC1_EC, SOURCE).getAlgorithm()).isEqualTo("EC");
        assertThat(PemFiles.readKey(PKCS1_RSA, SOURCE).getAlgorithm()).isEqualTo("RSA");
    }

    @Test
    void writesWhatItReads() throws Exception {
        CertifiedKey issued = new TestPki("ca").issue("relay.test", "relay.test");
        Path dir = java.nio.file.Files.createTempDirectory("pem");
        PemFiles.write(issued, dir.resolve("c.pem"), dir.resolve("k.pem"));
        CertifiedKey read = PemFiles.read(dir.resolve("c.pem"), dir.resolve("k.pem"));
        assertThat(read.chain()).containsExactlyElementsOf(issued.chain());
        assertThat(read.key().getEncoded()).isEqualTo(issued.key().getEncoded());
    }

    @Test
    void readsTheWholeChainInOrder() throws Exception {
        CertifiedKey issued = new TestPki("ca").issue("relay.test", "relay.test");
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(issued.chain().get(0));
            writer.writeObject(issued.chain().get(1));
        }
        assertThat(PemFiles.readChain(out.toString(), SOURCE)).containsExactlyElementsOf(issued.chain());
    }

    @Test
    void namesTheFileWhenABlockIsMissing() {
        assertThatThrownBy(() -> PemFiles.readKey("not a key", SOURCE)).isInstanceOf(IOException.class)
                .hasMessageContaining("test.pem");
        assertThatThrownBy(() -> PemFiles.readChain("", SOURCE)).hasMessageContaining("no CERTIFICATE block in test.pem");
    }
}

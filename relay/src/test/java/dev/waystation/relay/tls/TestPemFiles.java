package dev.waystation.relay.tls;

import java.io.IOException;
import java.nio.file.Path;

/** Lets tests of other packages write certificates and keys as the relay reads them. */
public final class TestPemFiles {

    private TestPemFiles() {
    }

    public static void write(CertifiedKey certified, Path certFile, Path keyFile) throws IOException {
        PemFiles.write(certified, certFile, keyFile);
    }
}

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Lists the signed jars under a directory and exits 1 if there is any (run by app-cds.sh with the
 * JDK's source launcher). A signed jar costs every start: the JVM digests the whole jar against its
 * signature when the first class comes from it, and CDS never archives its classes.
 *
 * <pre>java SignedJars.java DIR</pre>
 */
public final class SignedJars {

    public static void main(String[] args) throws IOException {
        List<Path> signed;
        try (Stream<Path> files = Files.walk(Path.of(args[0]))) {
            signed = files.filter(file -> file.toString().endsWith(".jar")).filter(SignedJars::isSigned).toList();
        }
        for (Path jar : signed) {
            System.err.println("[app-cds] ERROR: " + jar + " is signed: unsign it at packaging, e.g. "
                    + "quarkus.class-loading.removed-resources.\"<group>\\:<artifact>\"=META-INF/<its .SF file> "
                    + "in relay/src/main/resources/application.properties");
        }
        System.exit(signed.isEmpty() ? 0 : 1);
    }

    private static boolean isSigned(Path jar) {
        try (JarFile file = new JarFile(jar.toFile(), false)) {
            return file.stream().map(entry -> entry.getName())
                    .anyMatch(name -> name.startsWith("META-INF/") && name.indexOf('/', 9) < 0
                            && (name.endsWith(".SF") || name.endsWith(".RSA") || name.endsWith(".DSA")
                                    || name.endsWith(".EC")));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + jar, e);
        }
    }
}

package ccflare.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for {@code 127.0.0.1} and {@code localhost} (EC P-256, valid 30 days),
 * made at test time with the JDK's {@code keytool}: the key pair in a PKCS12 key store for a TLS
 * server, the certificate as PEM for a client's CA file. No client trusts it by default, which is
 * what the "untrusted upstream" tests need. Made once per JVM ({@link #shared()}) because each
 * {@code keytool} run costs about a second.
 *
 * @param keyStore         the PKCS12 key store holding the key pair under alias {@code upstream}
 * @param keyStorePassword its password (also the key's)
 * @param pem              the certificate, {@code -----BEGIN CERTIFICATE-----} … {@code -----END CERTIFICATE-----}
 */
public record TestCertificate(Path keyStore, String keyStorePassword, String pem) {

    private static final String ALIAS = "upstream";

    public TestCertificate {
        Objects.requireNonNull(keyStore, "keyStore");
        Objects.requireNonNull(keyStorePassword, "keyStorePassword");
        Objects.requireNonNull(pem, "pem");
    }

    private static final class Holder {
        static final TestCertificate SHARED = generate(tempDir());

        private static Path tempDir() {
            try {
                Path dir = Files.createTempDirectory("ccflare-test-cert");
                dir.toFile().deleteOnExit();
                return dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The certificate every test of this JVM shares. */
    public static TestCertificate shared() { return Holder.SHARED; }

    /** Makes a new key pair and certificate in {@code dir}. */
    public static TestCertificate generate(Path dir) {
        Path store = dir.resolve("upstream-" + System.nanoTime() + ".p12");
        String password = "changeit-" + Long.toHexString(System.nanoTime());
        keytool(List.of("-genkeypair", "-alias", ALIAS, "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=ccflare fake upstream", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "30",
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", password, "-keypass", password));
        String pem = keytool(List.of("-exportcert", "-rfc", "-alias", ALIAS, "-keystore", store.toString(),
                "-storetype", "PKCS12", "-storepass", password));
        store.toFile().deleteOnExit();
        // keytool may print warnings around the PEM on the same stream.
        int begin = pem.indexOf("-----BEGIN CERTIFICATE-----");
        String end = "-----END CERTIFICATE-----";
        int last = pem.indexOf(end);
        if (begin < 0 || last < begin) throw new IllegalStateException("keytool printed no PEM certificate: " + pem.strip());
        return new TestCertificate(store, password, pem.substring(begin, last + end.length()) + "\n");
    }

    /** Writes {@link #pem()} to {@code file} and returns it. */
    public Path writePem(Path file) {
        try {
            return Files.writeString(file, pem, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Omits the password. */
    @Override public String toString() { return "TestCertificate[" + keyStore + "]"; }

    private static String keytool(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(args);
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("keytool " + args.getFirst() + " did not finish within 30 s");
            }
            if (p.exitValue() != 0) throw new IllegalStateException("keytool " + args.getFirst() + " failed: " + out.strip());
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run keytool", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running keytool", e);
        }
    }
}

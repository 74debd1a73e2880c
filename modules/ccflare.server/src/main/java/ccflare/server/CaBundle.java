package ccflare.server;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The extra CA certificates for upstream TLS ({@code CCFLARE_UPSTREAM_CA_FILE}), read once when the
 * configuration is loaded. The server reads the file rather than the proxy: a bad file is then one
 * start-up error line like every other bad setting (exit 2), and the proxy gets plain certificates
 * through {@code Config.Proxy} and never touches the file system.
 *
 * @param file         the PEM file, absolute
 * @param certificates its certificates, in file order; at least one
 */
record CaBundle(Path file, List<X509Certificate> certificates) {

    /** A PEM bundle is a few KiB; anything near this is not one. */
    static final long MAX_BYTES = 4L << 20;

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\\s]*?)-----END CERTIFICATE-----");

    CaBundle {
        requireNonNull(file, "file");
        certificates = List.copyOf(certificates);
        if (certificates.isEmpty()) throw new IllegalArgumentException("certificates: none (expected: at least one)");
    }

    /**
     * Reads every {@code -----BEGIN CERTIFICATE-----} block of {@code file}; text around the blocks
     * (comments, the subject lines some tools print) is ignored.
     *
     * @throws ValueParser.Refused naming the problem: no such file, unreadable, not PEM, a block
     *                             that is not a certificate
     */
    static CaBundle read(Path file) {
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) throw new ValueParser.Refused("is a directory");
            if (Files.size(file) > MAX_BYTES) throw new ValueParser.Refused("larger than " + (MAX_BYTES >> 20) + " MiB");
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ValueParser.Refused("no such file");
        } catch (AccessDeniedException e) {
            throw new ValueParser.Refused("permission denied");
        } catch (IOException e) {
            throw new ValueParser.Refused("cannot be read: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        CertificateFactory x509;
        try {
            x509 = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("the JDK has no X.509 certificate factory", e);
        }
        List<X509Certificate> found = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            int n = found.size() + 1;
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(m.group(1).replaceAll("\\s", ""));
            } catch (IllegalArgumentException e) {
                throw new ValueParser.Refused("certificate " + n + " is not valid base64");
            }
            try {
                found.add((X509Certificate) x509.generateCertificate(new ByteArrayInputStream(der)));
            } catch (CertificateException | ClassCastException e) {
                throw new ValueParser.Refused("certificate " + n + " cannot be parsed"
                        + (e.getMessage() == null ? "" : ": " + e.getMessage().replaceAll("\\s*[\\r\\n]+\\s*", " ")));
            }
        }
        if (found.isEmpty()) {
            throw new ValueParser.Refused(text.contains("-----BEGIN CERTIFICATE-----")
                    ? "a certificate block has no matching END line" : "holds no PEM certificate (no '-----BEGIN CERTIFICATE-----' block)");
        }
        return new CaBundle(file, found);
    }

    /** The file name alone: certificates are long and say nothing to a reader of the settings. */
    @Override public String toString() { return file.toString(); }
}

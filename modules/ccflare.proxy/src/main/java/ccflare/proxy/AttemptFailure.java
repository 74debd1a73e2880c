package ccflare.proxy;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import javax.net.ssl.SSLHandshakeException;

/** How an attempt failed before its response head, in words for the record and the client (see {@link StreamFailure} for after). */
final class AttemptFailure {

    private AttemptFailure() {}

    /**
     * A failure before the response head, in words for the error message: a certificate the
     * upstream's chain does not verify against is named as such, with what to do about it, rather
     * than as the JDK's exception chain (which names internal classes).
     */
    static String describe(Throwable failure) {
        if (hasCause(failure, CertPathBuilderException.class) || hasCause(failure, CertPathValidatorException.class)) {
            Throwable root = failure;
            while (root.getCause() != null) root = root.getCause();
            return "the upstream's TLS certificate is not trusted (" + root.getMessage()
                    + "); for a private or corporate certificate authority, set CCFLARE_UPSTREAM_CA_FILE";
        }
        if (hasCause(failure, SSLHandshakeException.class)) {
            return "TLS handshake with the upstream failed: " + failure.getMessage();
        }
        return String.valueOf(failure.getMessage());
    }

    static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) if (type.isInstance(c)) return true;
        return false;
    }
}

package ccflare.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The credentials systemd hands the service in {@code $CREDENTIALS_DIRECTORY}
 * ({@code LoadCredential=}, {@code LoadCredentialEncrypted=}, {@code SetCredential=}): one file
 * per credential, named by the unit. A credential that is present wins over the file of the same
 * purpose in the state directory; one that is absent changes nothing.
 */
final class SystemdCredentials {

    /** The AES-256 key sealing the stored API keys and tokens (the content of a {@code ccflare.key} file). */
    static final String KEY = "ccflare.key";
    /** The admin token of the TCP API and the dashboard (one line, at least 16 printable characters). */
    static final String ADMIN_TOKEN = "ccflare.admin-token";

    private SystemdCredentials() {}

    /** The file of credential {@code name}, when systemd passed it. */
    static Optional<Path> find(Map<String, String> env, String name) {
        String dir = env.get("CREDENTIALS_DIRECTORY");
        if (dir == null || dir.isBlank()) return Optional.empty();
        Path file = Path.of(dir).resolve(name);
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }
}

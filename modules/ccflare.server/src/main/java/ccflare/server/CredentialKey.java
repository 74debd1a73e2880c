package ccflare.server;

import static java.util.Objects.requireNonNull;

import ccflare.core.SecretBox;
import ccflare.db.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key that seals credentials at rest, and its rotation. A key handed over by systemd
 * ({@code $CREDENTIALS_DIRECTORY}) is only read and cannot be rotated here; a key file of our own
 * is created on first start and can be rotated through {@code POST /api/maintenance/rotate-key}.
 */
final class CredentialKey {

    private static final Logger LOG = LoggerFactory.getLogger(CredentialKey.class);

    private final Path file;
    private final boolean managedBySystemd;
    private SecretBox box;

    private CredentialKey(Path file, boolean managedBySystemd, SecretBox box) {
        this.file = file;
        this.managedBySystemd = managedBySystemd;
        this.box = box;
    }

    /**
     * Loads the key, creating it when it is ours and missing.
     *
     * @throws StartupException (exit 2) when the key file is unsafe or unreadable
     */
    static CredentialKey open(Path file, Map<String, String> env) {
        requireNonNull(file, "file");
        String credentialsDir = env.get("CREDENTIALS_DIRECTORY");
        boolean systemd = credentialsDir != null && !credentialsDir.isBlank() && file.startsWith(Path.of(credentialsDir));
        try {
            SecretBox box = systemd ? SecretBox.load(file) : SecretBox.loadOrCreate(file);
            Path pending = pendingFile(file);
            if (Files.exists(pending)) {
                LOG.warn("An interrupted key rotation left {}; if some accounts cannot be decrypted, move it over {}",
                        pending, file);
            }
            return new CredentialKey(file, systemd, box);
        } catch (SecretBox.KeyFileException e) {
            throw new StartupException(2, "ccflare: CCFLARE_KEY_FILE=" + file + ": " + ConfigLoader.oneLine(e.getMessage()), e);
        }
    }

    synchronized SecretBox box() { return box; }

    /**
     * Writes a new key beside the old one, re-encrypts every secret with it in one transaction,
     * then moves it into place. A crash in between leaves {@code <key>.next} for the operator.
     */
    synchronized Map<String, Object> rotate(Database db) {
        if (managedBySystemd) {
            throw new IllegalStateException("the key comes from systemd's credentials (" + file
                    + "); rotate it there and restart");
        }
        Path pending = pendingFile(file);
        try {
            Files.deleteIfExists(pending);
            SecretBox next = SecretBox.createKeyFile(pending);
            Database.KeyRotation rotation = db.rotateKey(next);
            Files.move(pending, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            String oldId = box.keyId();
            box = next;
            LOG.info("Rotated the credential key {} -> {}: {} accounts re-encrypted, {} skipped", oldId, next.keyId(),
                    rotation.rotated(), rotation.skipped().size());
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("keyId", next.keyId());
            result.put("rotated", rotation.rotated());
            result.put("skipped", rotation.skipped());
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException("key rotation failed at " + file + ": " + e.getMessage(), e);
        }
    }

    /** Accounts whose credentials the current key cannot open, as a health reason; empty when none. */
    static Optional<String> undecryptable(Database db, SecretBox box) {
        var names = db.undecryptableAccounts();
        if (names.isEmpty()) return Optional.empty();
        return Optional.of("credentials of " + String.join(", ", names) + " cannot be decrypted with key "
                + box.keyId() + " (wrong or missing key file; those accounts are skipped)");
    }

    private static Path pendingFile(Path file) { return file.resolveSibling(file.getFileName() + ".next"); }
}

package ccflare.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

/**
 * The token the admin API requires over TCP: the configured one, else systemd's credential
 * {@value SystemdCredentials#ADMIN_TOKEN}, else the one in {@code admin.token} beside the
 * database, else a new one written there with mode 0600. The token
 * itself never appears in a log line, an exception message or {@link #toString()}.
 *
 * @param value  the token
 * @param origin where it came from, for the start-up log line
 */
record AdminToken(String value, Origin origin) {

    static final String FILE_NAME = "admin.token";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    enum Origin { CONFIGURED, CREDENTIAL, FILE, GENERATED }

    @Override
    public String toString() { return "AdminToken[redacted, " + origin + "]"; }

    /**
     * @param configured {@code CCFLARE_ADMIN_TOKEN}, empty when unset
     * @param dir        the database's directory (it exists)
     * @throws StartupException when the file cannot be read or written, or holds no usable token
     */
    static AdminToken resolve(String configured, Path dir, SecureRandom random) {
        return resolve(configured, Optional.empty(), dir, random);
    }

    /**
     * @param credential the file of systemd's credential, when the unit passes one; it wins over {@code admin.token}
     */
    static AdminToken resolve(String configured, Optional<Path> credential, Path dir, SecureRandom random) {
        if (!configured.isEmpty()) return new AdminToken(configured, Origin.CONFIGURED);
        if (credential.isPresent()) {
            Path file = credential.get();
            try {
                // Not chmod-ed: systemd owns the file, on a read-only mount, readable by this service only.
                return new AdminToken(usable(file, Files.readAllBytes(file), "fix the credential the unit passes"), Origin.CREDENTIAL);
            } catch (IOException e) {
                throw new StartupException(1, "ccflare: cannot read the credential " + file + ": " + e.getClass().getSimpleName(), e);
            }
        }
        Path file = dir.resolve(FILE_NAME);
        try {
            String stored = usable(file, Files.readAllBytes(file), "delete the file to have a new one generated");
            if (!Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) Files.setPosixFilePermissions(file, OWNER_ONLY);
            return new AdminToken(stored, Origin.FILE);
        } catch (NoSuchFileException absent) {
            return generate(file, random);
        } catch (IOException e) {
            throw new StartupException(1, "ccflare: cannot read " + file + ": " + e.getClass().getSimpleName(), e);
        }
    }

    private static String usable(Path file, byte[] content, String remedy) {
        String stored = new String(content, StandardCharsets.US_ASCII).strip();
        if (stored.length() < 16 || !stored.codePoints().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new StartupException(2, "ccflare: " + file + " holds no usable token (expected: at least 16 printable "
                    + "characters; " + remedy + ")", null);
        }
        return stored;
    }

    /** Writes a new token to a 0600 temporary file and renames it into place, so a crash leaves no half-written token. */
    private static AdminToken generate(Path file, SecureRandom random) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Path tmp = null;
        try {
            tmp = Files.createTempFile(file.getParent(), ".admin.token", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap((token + "\n").getBytes(StandardCharsets.US_ASCII)));
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            return new AdminToken(token, Origin.GENERATED);
        } catch (IOException e) {
            throw new StartupException(1, "ccflare: cannot write " + file + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the rename normally removed it already
                }
            }
        }
    }
}

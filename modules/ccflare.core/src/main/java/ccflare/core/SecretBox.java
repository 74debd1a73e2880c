package ccflare.core;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals secrets (tokens, API keys) for storage: AES-256-GCM with a random 12-byte nonce per value
 * and the account id as associated data, so a sealed value cannot be moved to another account's
 * row unnoticed. Sealed form: {@code v1:} + base64(nonce | ciphertext | 16-byte tag).
 *
 * <p>The key is 32 random bytes, base64-encoded in a file only its owner can read
 * ({@link #load}, {@link #createKeyFile}). Nothing here ever puts a key or a plaintext into a
 * message or {@link #toString()}; {@link #keyId()} names the key in logs. Thread-safe.
 */
public final class SecretBox {

    /** The prefix of every value sealed by this version. */
    public static final String PREFIX = "v1:";

    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<PosixFilePermission> OWNER_READ_WRITE = PosixFilePermissions.fromString("rw-------");

    private final SecretKeySpec key;
    private final String keyId;

    private SecretBox(byte[] keyBytes) {
        if (keyBytes.length != KEY_BYTES) {
            throw new IllegalArgumentException("key: " + keyBytes.length + " bytes (expected: " + KEY_BYTES + ")");
        }
        this.key = new SecretKeySpec(keyBytes, "AES");
        this.keyId = HexFormat.of().formatHex(sha256(keyBytes), 0, 4);
    }

    /** A box over a key held in memory (tests, or a key from elsewhere); the array is copied. */
    public static SecretBox of(byte[] keyBytes) {
        return new SecretBox(requireNonNull(keyBytes, "keyBytes").clone());
    }

    /**
     * Reads the key file: base64 of 32 bytes, surrounding whitespace ignored.
     *
     * @throws KeyFileException when the file is missing, unreadable, readable or writable by
     *         group or others (POSIX file systems), or does not hold a 32-byte base64 key
     */
    public static SecretBox load(Path keyFile) {
        requireNonNull(keyFile, "keyFile");
        if (!Files.isRegularFile(keyFile)) {
            throw new KeyFileException("key file " + keyFile + " does not exist or is not a regular file");
        }
        PosixFileAttributeView posix = Files.getFileAttributeView(keyFile, PosixFileAttributeView.class);
        if (posix != null) {
            Set<PosixFilePermission> perms;
            try {
                perms = posix.readAttributes().permissions();
            } catch (IOException e) {
                throw new KeyFileException("key file " + keyFile + " cannot be inspected: " + e.getMessage(), e);
            }
            Set<PosixFilePermission> shared = EnumSet.copyOf(perms);
            shared.removeAll(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                    PosixFilePermission.OWNER_EXECUTE));
            if (!shared.isEmpty()) {
                throw new KeyFileException("key file " + keyFile + " is accessible to others (mode "
                        + PosixFilePermissions.toString(perms) + "); run: chmod 600 " + keyFile);
            }
        }
        byte[] text;
        try {
            text = Files.readAllBytes(keyFile);
        } catch (IOException e) {
            throw new KeyFileException("key file " + keyFile + " cannot be read: " + e.getMessage(), e);
        }
        byte[] keyBytes;
        try {
            keyBytes = Base64.getDecoder().decode(new String(text, StandardCharsets.US_ASCII).strip());
        } catch (IllegalArgumentException e) {
            throw new KeyFileException("key file " + keyFile + " is not base64 (expected: 32 random bytes, base64-encoded)");
        } finally {
            Arrays.fill(text, (byte) 0);
        }
        if (keyBytes.length != KEY_BYTES) {
            throw new KeyFileException("key file " + keyFile + " holds " + keyBytes.length
                    + " bytes (expected: 32 random bytes, base64-encoded)");
        }
        return new SecretBox(keyBytes);
    }

    /**
     * Creates a key file with 32 fresh random bytes, owner read/write only (0600) from the moment it
     * exists: the key is written and synced to a private temporary file beside it, which is then
     * linked into place, so the file is never seen partly written and an existing key is never replaced.
     *
     * @throws KeyFileException when the file already exists or cannot be written
     */
    public static SecretBox createKeyFile(Path keyFile) {
        requireNonNull(keyFile, "keyFile");
        Path absolute = keyFile.toAbsolutePath();
        Path dir = absolute.getParent();
        byte[] keyBytes = new byte[KEY_BYTES];
        RANDOM.nextBytes(keyBytes);
        byte[] text = Base64.getEncoder().encode(keyBytes);
        Path tmp = dir.resolve("." + absolute.getFileName() + ".tmp-" + Long.toHexString(RANDOM.nextLong()));
        try {
            if (Files.exists(absolute)) throw new FileAlreadyExistsException(absolute.toString());
            boolean posix = Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class);
            try (FileChannel ch = posix
                    ? FileChannel.open(tmp, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                            PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE))
                    : FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(text));
                ch.write(ByteBuffer.wrap(new byte[] {'\n'}));
                ch.force(true);
            }
            try {
                Files.createLink(absolute, tmp); // fails when the target exists: never replaces a key
            } catch (FileAlreadyExistsException e) {
                throw e;
            } catch (IOException | UnsupportedOperationException e) {
                // no hard links on this file system: a plain move also refuses an existing target
                Files.move(tmp, absolute);
            } finally {
                Files.deleteIfExists(tmp);
            }
            syncDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            throw new KeyFileException("key file " + absolute + " already exists; it is never replaced (remove it"
                    + " only if no stored secret needs it)");
        } catch (IOException | UnsupportedOperationException e) {
            throw new KeyFileException("key file " + absolute + " cannot be created: " + e.getMessage(), e);
        } finally {
            Arrays.fill(text, (byte) 0);
        }
        return new SecretBox(keyBytes);
    }

    /** {@link #load} when the file exists, else {@link #createKeyFile}. */
    public static SecretBox loadOrCreate(Path keyFile) {
        return Files.exists(requireNonNull(keyFile, "keyFile")) ? load(keyFile) : createKeyFile(keyFile);
    }

    /** The first 8 hex digits of the key's SHA-256: names the key in logs without revealing it. */
    public String keyId() { return keyId; }

    /** Seals {@code plaintext} for {@code accountId}'s row; every call uses a fresh nonce. */
    public String seal(String accountId, String plaintext) {
        requireNonNull(accountId, "accountId");
        requireNonNull(plaintext, "plaintext");
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(accountId.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = c.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return PREFIX + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is not available in this runtime", e);
        }
    }

    /**
     * Opens a value sealed for {@code accountId}.
     *
     * @throws WrongKeyException when it was sealed with another key or for another account, or was altered
     * @throws IllegalArgumentException when it is not in the {@code v1:<base64>} form
     */
    public String open(String accountId, String sealed) {
        requireNonNull(accountId, "accountId");
        requireNonNull(sealed, "sealed");
        if (!sealed.startsWith(PREFIX)) {
            throw new IllegalArgumentException("sealed value: not in the " + PREFIX + "<base64> form");
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("sealed value: not in the " + PREFIX + "<base64> form");
        }
        if (raw.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new IllegalArgumentException("sealed value: " + raw.length + " bytes (too short to be sealed)");
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, raw, 0, NONCE_BYTES));
            c.updateAAD(accountId.getBytes(StandardCharsets.UTF_8));
            return new String(c.doFinal(raw, NONCE_BYTES, raw.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new WrongKeyException("a secret of account " + accountId + " cannot be opened with key " + keyId
                    + " (another key, another account's value, or altered)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is not available in this runtime", e);
        }
    }

    @Override
    public String toString() { return "SecretBox[keyId=" + keyId + "]"; }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void syncDirectory(Path dir) {
        // The new name must survive a crash too; directories can be fsynced on Linux, not everywhere.
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UncheckedIOException e) {
            // best effort on file systems that cannot open a directory
        }
    }

    /** A sealed value failed authentication: wrong key, wrong account, or tampered. */
    public static final class WrongKeyException extends CcflareException {
        private static final long serialVersionUID = 1L;
        public WrongKeyException(String message) { super(message); }
    }

    /** The key file is missing, unsafe or malformed; the message names the file and the fix. */
    public static final class KeyFileException extends CcflareException {
        private static final long serialVersionUID = 1L;
        public KeyFileException(String message) { super(message); }
        public KeyFileException(String message, Throwable cause) { super(message, cause); }
    }
}

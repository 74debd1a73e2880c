package ccflare.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretBoxTest {

    @TempDir Path dir;

    private static final String SECRET = "sk-ant-ort01-CANARY-1234";

    @Test
    void sealedValueOpensBackForTheSameAccountAndNeverShowsThePlaintext() {
        SecretBox box = SecretBox.createKeyFile(dir.resolve("ccflare.key"));
        String sealed = box.seal("acct-1", SECRET);
        assertThat(sealed).startsWith("v1:").doesNotContain(SECRET).doesNotContain("CANARY");
        assertThat(box.open("acct-1", sealed)).isEqualTo(SECRET);
        assertThat(box.open("acct-1", box.seal("acct-1", ""))).isEmpty();
        assertThat(box.open("acct-1", box.seal("acct-1", "ünïcødé ✓"))).isEqualTo("ünïcødé ✓");
    }

    @Test
    void everySealUsesAFreshNonce() {
        SecretBox box = SecretBox.of(new byte[32]);
        String a = box.seal("acct-1", SECRET);
        String b = box.seal("acct-1", SECRET);
        assertThat(a).isNotEqualTo(b);
        byte[] ra = Base64.getDecoder().decode(a.substring(3));
        byte[] rb = Base64.getDecoder().decode(b.substring(3));
        assertThat(ra).hasSize(12 + SECRET.length() + 16);
        assertThat(java.util.Arrays.copyOf(ra, 12)).isNotEqualTo(java.util.Arrays.copyOf(rb, 12));
    }

    @Test
    void anotherKeyCannotOpenAValueAndTheMessageNamesOnlyTheKeyId() {
        SecretBox mine = SecretBox.createKeyFile(dir.resolve("a.key"));
        SecretBox other = SecretBox.createKeyFile(dir.resolve("b.key"));
        String sealed = mine.seal("acct-1", SECRET);
        assertThat(mine.keyId()).hasSize(8).matches("[0-9a-f]{8}").isNotEqualTo(other.keyId());
        assertThatThrownBy(() -> other.open("acct-1", sealed))
                .isInstanceOf(SecretBox.WrongKeyException.class)
                .hasMessage("a secret of account acct-1 cannot be opened with key " + other.keyId()
                        + " (another key, another account's value, or altered)")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET));
    }

    @Test
    void aValueMovedToAnotherAccountIsRefused() {
        SecretBox box = SecretBox.of(new byte[32]);
        String sealed = box.seal("acct-1", SECRET);
        assertThatThrownBy(() -> box.open("acct-2", sealed)).isInstanceOf(SecretBox.WrongKeyException.class);
    }

    @Test
    void aTamperedValueIsRefused() {
        SecretBox box = SecretBox.of(new byte[32]);
        byte[] raw = Base64.getDecoder().decode(box.seal("acct-1", SECRET).substring(3));
        for (int i : new int[] {0, 12, raw.length - 1}) {
            byte[] flipped = raw.clone();
            flipped[i] ^= 1;
            String tampered = "v1:" + Base64.getEncoder().encodeToString(flipped);
            assertThatThrownBy(() -> box.open("acct-1", tampered)).as("byte " + i)
                    .isInstanceOf(SecretBox.WrongKeyException.class);
        }
        assertThatThrownBy(() -> box.open("acct-1", "v1:AAAA")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too short");
        assertThatThrownBy(() -> box.open("acct-1", SECRET)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sealed value: not in the v1:<base64> form");
    }

    @Test
    void createdKeyFileIsOwnerOnlyAndLoadsBackToTheSameKey() throws Exception {
        Path file = dir.resolve("ccflare.key");
        SecretBox created = SecretBox.createKeyFile(file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).strip())).hasSize(32);
        try (var listing = Files.list(dir)) {
            assertThat(listing.map(p -> p.getFileName().toString())).containsExactly("ccflare.key");
        }
        SecretBox loaded = SecretBox.load(file);
        assertThat(loaded.keyId()).isEqualTo(created.keyId());
        assertThat(loaded.open("acct-1", created.seal("acct-1", SECRET))).isEqualTo(SECRET);
        assertThat(created.toString()).isEqualTo("SecretBox[keyId=" + created.keyId() + "]");
    }

    @Test
    void anExistingKeyFileIsNeverReplaced() throws Exception {
        Path file = dir.resolve("ccflare.key");
        SecretBox first = SecretBox.createKeyFile(file);
        String before = Files.readString(file);
        assertThatThrownBy(() -> SecretBox.createKeyFile(file)).isInstanceOf(SecretBox.KeyFileException.class)
                .hasMessageContaining("already exists");
        assertThat(Files.readString(file)).isEqualTo(before);
        assertThat(SecretBox.loadOrCreate(file).keyId()).isEqualTo(first.keyId());
        assertThat(SecretBox.loadOrCreate(dir.resolve("new.key")).keyId()).isNotEqualTo(first.keyId());
    }

    @Test
    void aKeyFileReadableByOthersIsRefusedWithTheFix() throws Exception {
        Path file = dir.resolve("ccflare.key");
        SecretBox.createKeyFile(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> SecretBox.load(file)).isInstanceOf(SecretBox.KeyFileException.class)
                .hasMessage("key file " + file + " is accessible to others (mode rw-r--r--); run: chmod 600 " + file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
        assertThat(SecretBox.load(file).keyId()).hasSize(8);
    }

    @Test
    void aMissingOrMalformedKeyFileIsRefusedWithoutShowingItsContent() throws Exception {
        assertThatThrownBy(() -> SecretBox.load(dir.resolve("none.key")))
                .hasMessageContaining("does not exist");
        Path shortKey = dir.resolve("short.key");
        Files.writeString(shortKey, Base64.getEncoder().encodeToString(new byte[16]));
        Files.setPosixFilePermissions(shortKey, PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> SecretBox.load(shortKey)).hasMessageContaining("holds 16 bytes (expected: 32 random bytes");
        Path garbage = dir.resolve("garbage.key");
        Files.writeString(garbage, "not*base64 " + SECRET);
        Files.setPosixFilePermissions(garbage, PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> SecretBox.load(garbage)).hasMessageContaining("is not base64")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET));
    }
}

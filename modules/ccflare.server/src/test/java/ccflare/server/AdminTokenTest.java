package ccflare.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminTokenTest {

    @TempDir Path dir;
    private final SecureRandom random = new SecureRandom();

    @Test
    void configuredTokenWinsAndNoFileIsWritten() {
        AdminToken token = AdminToken.resolve("configured-token-123456", dir, random);

        assertThat(token.value()).isEqualTo("configured-token-123456");
        assertThat(token.origin()).isEqualTo(AdminToken.Origin.CONFIGURED);
        assertThat(dir.resolve("admin.token")).doesNotExist();
    }

    @Test
    void systemdCredentialWinsOverTheStateDirectorysFileAndLeavesItAlone() throws IOException {
        Files.writeString(dir.resolve("admin.token"), "token-from-the-state-directory\n");
        Path credential = Files.writeString(Files.createDirectory(dir.resolve("creds")).resolve("ccflare.admin-token"),
                "token-from-the-credential-123\n");

        AdminToken token = AdminToken.resolve("", Optional.of(credential), dir, random);

        assertThat(token.value()).isEqualTo("token-from-the-credential-123");
        assertThat(token.origin()).isEqualTo(AdminToken.Origin.CREDENTIAL);
        assertThat(Files.readString(dir.resolve("admin.token"))).isEqualTo("token-from-the-state-directory\n");
        assertThat(AdminToken.resolve("configured-token-123456", Optional.of(credential), dir, random).origin())
                .isEqualTo(AdminToken.Origin.CONFIGURED);
    }

    @Test
    void unusableCredentialStopsStartUpNamingTheCredential() throws IOException {
        Path credential = Files.writeString(dir.resolve("ccflare.admin-token"), "short\n");

        StartupException e = catchThrowableOfType(StartupException.class,
                () -> AdminToken.resolve("", Optional.of(credential), dir, random));

        assertThat(e.exitCode()).isEqualTo(2);
        assertThat(e.getMessage()).contains(credential.toString(), "at least 16 printable", "credential").doesNotContain("short");
        assertThat(dir.resolve("admin.token")).doesNotExist();
    }

    @Test
    void firstStartGeneratesA32ByteTokenReadableByTheOwnerOnly() throws IOException {
        AdminToken token = AdminToken.resolve("", dir, random);

        assertThat(token.origin()).isEqualTo(AdminToken.Origin.GENERATED);
        assertThat(token.value()).matches("[A-Za-z0-9_-]{43}");
        Path file = dir.resolve("admin.token");
        assertThat(Files.readString(file).strip()).isEqualTo(token.value());
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void laterStartsReadTheSameTokenAndTightenItsMode() throws IOException {
        String first = AdminToken.resolve("", dir, random).value();
        Files.setPosixFilePermissions(dir.resolve("admin.token"), PosixFilePermissions.fromString("rw-r--r--"));

        AdminToken again = AdminToken.resolve("", dir, random);

        assertThat(again.value()).isEqualTo(first);
        assertThat(again.origin()).isEqualTo(AdminToken.Origin.FILE);
        assertThat(Files.getPosixFilePermissions(dir.resolve("admin.token"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void emptyTokenFileStopsStartUpWithoutBeingReplaced() throws IOException {
        Files.writeString(dir.resolve("admin.token"), "\n");

        StartupException e = catchThrowableOfType(StartupException.class, () -> AdminToken.resolve("", dir, random));

        assertThat(e.exitCode()).isEqualTo(2);
        assertThat(e.getMessage()).startsWith("ccflare: " + dir.resolve("admin.token") + " holds no usable token");
        assertThat(Files.readString(dir.resolve("admin.token"))).isEqualTo("\n");
    }

    @Test
    void toStringNeverShowsTheToken() {
        AdminToken token = AdminToken.resolve("", dir, random);

        assertThat(token.toString()).doesNotContain(token.value()).contains("redacted");
    }
}

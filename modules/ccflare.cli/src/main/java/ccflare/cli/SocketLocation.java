package ccflare.cli;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where {@code ccflarectl} looks for the daemon's admin socket when {@code --socket} is not given,
 * first match wins:
 * <ol>
 *   <li>{@code $CCFLARE_SOCKET_PATH} — the same variable the daemon reads, so one export serves both;</li>
 *   <li>{@code $XDG_RUNTIME_DIR/ccflare/ccflare.sock} — where a user-session daemon
 *       ({@code systemctl --user}, or {@code ccflare} run in a login session) binds it;</li>
 *   <li>{@code ~/.local/share/ccflare/run/ccflare.sock} — the fallback when there is no runtime
 *       directory (a plain SSH session or a container without a session manager).</li>
 * </ol>
 * A system service ({@code RuntimeDirectory=ccflare}) binds {@code /run/ccflare/ccflare.sock};
 * point at it with {@code --socket} or {@code CCFLARE_SOCKET_PATH}.
 */
final class SocketLocation {

    static final String ENV = "CCFLARE_SOCKET_PATH";

    private SocketLocation() {}

    /** The default socket path for this environment and home directory. */
    static Path resolve(Map<String, String> env, Path home) {
        String explicit = env.get(ENV);
        if (explicit != null && !explicit.isBlank()) return Path.of(explicit.strip());
        String runtime = env.get("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isBlank()) return Path.of(runtime.strip(), "ccflare", "ccflare.sock");
        return home.resolve(".local/share/ccflare/run/ccflare.sock");
    }
}

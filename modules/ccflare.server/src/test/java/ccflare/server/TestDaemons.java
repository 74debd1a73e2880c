package ccflare.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** A daemon launched as {@code ccflare} launches it, in a temporary HOME, on a free port. */
final class TestDaemons {

    private TestDaemons() {}

    /**
     * @param home       the HOME; the database is {@code data/ccflare.db} under it
     * @param adminToken the admin token (CCFLARE_ADMIN_TOKEN)
     * @param extra      further environment, which wins over the above
     * @return the running daemon; the test must stop it
     */
    static Daemon start(Path home, String adminToken, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", home.toString());
        env.put("PORT", "0");
        env.put("CCFLARE_DB_PATH", home.resolve("data/ccflare.db").toString());
        env.put("CCFLARE_ADMIN_TOKEN", adminToken);
        env.putAll(extra);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Main.Launch launch = Main.launch(new String[0], env, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(launch).as(err.toString(StandardCharsets.UTF_8)).isInstanceOf(Main.Launch.Running.class);
        return ((Main.Launch.Running) launch).daemon();
    }
}

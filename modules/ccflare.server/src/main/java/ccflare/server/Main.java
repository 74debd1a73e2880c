package ccflare.server;

import ccflare.core.Version;
import java.io.IOException;
import java.io.PrintStream;
import java.time.InstantSource;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code ccflare} daemon's entry point. Exit codes: 0 after a clean stop (SIGTERM, SIGINT) or
 * {@code --help}/{@code --version}; 1 when start-up or the daemon fails; 2 for bad configuration
 * or usage (the reason is one line on stderr).
 */
public final class Main {

    private Main() {}

    /** What {@link #launch} decided: exit now with a code, or a daemon that is serving. */
    sealed interface Launch {
        record Exit(int code) implements Launch {}
        record Running(Daemon daemon) implements Launch {}
    }

    public static void main(String[] args) {
        StartTimeline timeline = StartTimeline.sinceProcessStart();
        // Head starts only: a failure there is left to the real use to report (the tasks are not read).
        Threads.ahead("ccflare-open-modules", () -> { openModules(); return null; });
        Threads.ahead("ccflare-tls-setup", () -> { setUpTls(); return null; });
        Launch launch = launch(args, System.getenv(), System.out, System.err, timeline);
        switch (launch) {
            case Launch.Exit(int code) -> System.exit(code);
            case Launch.Running(Daemon daemon) -> StopSignals.install(daemon);
        }
        // Jetty's non-daemon threads keep the process alive until a signal stops the daemon.
    }

    /**
     * The first look-up of a resource outside a package (SLF4J's and Logback's service files, soon
     * after) opens every module's jar and reads its central directory: tens of milliseconds.
     */
    private static void openModules() {
        try {
            Main.class.getClassLoader().getResources("META-INF/services/org.slf4j.spi.SLF4JServiceProvider");
        } catch (IOException e) {
            // nothing lost: the real look-up reports
        }
    }

    /**
     * The JDK's security providers and default TLS context: the credential key's cipher, the
     * admin token's random source and the proxy's HTTP client (which reads the runtime's CA
     * certificates, cached for every later TLS context) need them while the daemon starts.
     */
    private static void setUpTls() {
        try {
            javax.net.ssl.SSLContext.getDefault();
        } catch (java.security.NoSuchAlgorithmException e) {
            // nothing lost: the real use reports
        }
    }

    /**
     * Parses the command line, loads the configuration, sets up logging and starts the daemon.
     * Never calls {@code System.exit}, so tests can run it.
     */
    static Launch launch(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        return launch(args, env, out, err, StartTimeline.sinceProcessStart());
    }

    static Launch launch(String[] args, Map<String, String> env, PrintStream out, PrintStream err, StartTimeline timeline) {
        LoadedConfig loaded;
        try {
            switch (Invocation.parse(args)) {
                case Invocation.Help h -> {
                    out.print(Invocation.usageText());
                    return new Launch.Exit(0);
                }
                case Invocation.ShowVersion v -> {
                    out.println("ccflare " + Version.current());
                    return new Launch.Exit(0);
                }
                case Invocation.Run run -> loaded = ConfigLoader.load(run.flags(), env);
            }
        } catch (StartupException e) {
            err.println(e.getMessage());
            return new Launch.Exit(e.exitCode());
        }

        timeline.mark("configuration");
        LogOutput.prepare(loaded.config().logging().level(), loaded.config().logging().format(), env);
        Logger log = LoggerFactory.getLogger(Main.class);
        for (String warning : loaded.warnings()) log.warn("{}", warning);
        timeline.mark("logging");
        try {
            return new Launch.Running(Daemon.start(loaded, env, InstantSource.system(), timeline));
        } catch (StartupException e) {
            err.println(e.getMessage());
            log.debug("Start-up failed", e);
            return new Launch.Exit(e.exitCode());
        } catch (RuntimeException e) {
            err.println("ccflare: start-up failed: " + e);
            log.error("Start-up failed", e);
            return new Launch.Exit(1);
        }
    }
}

package ccflare.packaging;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the image tests share when they start the built daemon: a free loopback port and its log for failure messages. */
final class Launches {

    private Launches() {}

    /** A loopback port free right now (the daemon binds it a moment later). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The daemon's captured output, or why there is none, for an assertion message. */
    static String output(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    /** Waits up to 30 s for the started daemon to answer {@code GET /health} with 200; fails with its output otherwise. */
    static void awaitHealth(HttpClient http, URI base, Process daemon, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && daemon.isAlive()) {
            try {
                HttpResponse<String> h = http.send(HttpRequest.newBuilder(base.resolve("/health")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (h.statusCode() == 200) return;
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new AssertionError("daemon not serving /health within 30 s:\n" + output(log));
    }
}

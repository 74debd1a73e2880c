package bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs wrk with the POST script and reads the totals the script prints. */
final class Wrk {

    record Result(long requests, double seconds, double p50Ms, double p99Ms, long errors, long non2xx, String output) {
        double rps() {
            return requests / seconds;
        }
    }

    private final String wrk;
    private final Path lua;
    private final Path body;

    Wrk(String wrk, Path lua, Path body) {
        this.wrk = wrk;
        this.lua = lua;
        this.body = body;
    }

    Result run(int port, int connections, int seconds) throws IOException, InterruptedException {
        int threads = Math.min(2, connections);
        ProcessBuilder pb = new ProcessBuilder(wrk, "-t" + threads, "-c" + connections, "-d" + seconds + "s",
                "--timeout", "10s", "-s", lua.toString(), "http://127.0.0.1:" + port + "/v1/messages")
                .redirectErrorStream(true);
        pb.environment().put("BENCH_BODY_FILE", body.toString());
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(seconds + 30L, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("wrk did not finish within " + (seconds + 30) + " s");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        Map<String, String> v = new HashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (line.startsWith("wrk.") && eq > 0) {
                v.put(line.substring(4, eq), line.substring(eq + 1).trim());
            }
        }
        if (!v.containsKey("requests")) {
            throw new IOException("wrk printed no totals: " + text.strip());
        }
        long errors = 0;
        for (String e : new String[] {"errors_connect", "errors_read", "errors_write", "errors_timeout"}) {
            errors += Long.parseLong(v.get(e));
        }
        return new Result(Long.parseLong(v.get("requests")), Long.parseLong(v.get("duration_us")) / 1e6,
                Double.parseDouble(v.get("p50_us")) / 1e3, Double.parseDouble(v.get("p99_us")) / 1e3, errors,
                Long.parseLong(v.get("errors_status")), text);
    }
}

package bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code ccflarectl} command latency: wall time of a one-shot command against the running daemon,
 * median of N runs, beside {@code java -version} of the image's own runtime (the floor any JVM
 * command pays). CPU seconds come from {@code /usr/bin/time} when it is installed (load changes
 * them less than wall time).
 */
final class Ctl {

    private Ctl() {
    }

    /** Wall and CPU milliseconds of each run (CPU NaN without /usr/bin/time); failures counted. */
    record Runs(double[] wallMs, double[] cpuMs, int failed, String firstFailure) {
    }

    static Runs run(List<String> command, Map<String, String> env, int runs, Path scratch) throws IOException,
            InterruptedException {
        Path time = Path.of("/usr/bin/time");
        boolean timed = Files.isExecutable(time);
        Path cpuFile = scratch.resolve("ctl-time.txt");
        double[] wall = new double[runs];
        double[] cpu = new double[runs];
        int ok = 0;
        int failed = 0;
        String firstFailure = null;
        for (int i = 0; i < runs; i++) {
            List<String> cmd = new ArrayList<>();
            if (timed) {
                cmd.addAll(List.of(time.toString(), "-f", "%U %S", "-o", cpuFile.toString()));
            }
            cmd.addAll(command);
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(scratch.resolve("ctl-out.txt").toFile());
            pb.environment().putAll(env);
            long t0 = System.nanoTime();
            Process p = pb.start();
            boolean ended = p.waitFor(30, TimeUnit.SECONDS);
            double ms = (System.nanoTime() - t0) / 1e6;
            if (!ended) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
            if (!ended || p.exitValue() != 0) {
                failed++;
                if (firstFailure == null) {
                    firstFailure = String.join(" ", command) + (ended ? " exited " + p.exitValue() : " timed out")
                            + ": " + Files.readString(scratch.resolve("ctl-out.txt")).strip().lines().findFirst().orElse("");
                }
                continue;
            }
            wall[ok] = ms;
            cpu[ok] = timed ? cpuMillis(Files.readString(cpuFile)) : Double.NaN;
            ok++;
        }
        return new Runs(java.util.Arrays.copyOf(wall, ok), java.util.Arrays.copyOf(cpu, ok), failed, firstFailure);
    }

    /** "%U %S" of /usr/bin/time (seconds) as milliseconds; the last line, after any warning. */
    private static double cpuMillis(String text) {
        String[] lines = text.strip().split("\n");
        String[] f = lines[lines.length - 1].trim().split("\\s+");
        try {
            return (Double.parseDouble(f[0]) + Double.parseDouble(f[1])) * 1000;
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }
}

package bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads CPU time and memory of a process and its descendants from {@code /proc}: nginx does its
 * work in worker processes, and a launcher script may fork before {@code exec}-ing the JVM.
 */
final class Proc {

    private static final long CLK_TCK = clockTicks();

    private Proc() {
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String s = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return Long.parseLong(s);
        } catch (Exception e) {
            return 100;
        }
    }

    /** The process and every descendant, as pids. */
    static List<Long> tree(long pid) {
        List<Long> all = new ArrayList<>();
        collect(pid, all);
        return all;
    }

    private static void collect(long pid, List<Long> into) {
        into.add(pid);
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        try (var ds = Files.newDirectoryStream(tasks)) {
            for (Path task : ds) {
                String children = read(task.resolve("children"));
                for (String c : children.trim().split("\\s+")) {
                    if (!c.isEmpty()) {
                        collect(Long.parseLong(c), into);
                    }
                }
            }
        } catch (IOException e) {
            // the process is gone: it has no descendants to count
        }
    }

    /** utime + stime of the process tree, in microseconds. */
    static long cpuMicros(long pid) {
        long ticks = 0;
        for (long p : tree(pid)) {
            String stat = read(Path.of("/proc", Long.toString(p), "stat"));
            int close = stat.lastIndexOf(')');
            if (close < 0) {
                continue;
            }
            String[] f = stat.substring(close + 2).split(" ");
            // after "pid (comm) ": f[0] is state (field 3), so utime (field 14) is f[11], stime f[12]
            ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
        }
        return ticks * 1_000_000L / CLK_TCK;
    }

    /**
     * CPU (utime + stime, microseconds) per thread of one process, grouped by thread name with
     * digits replaced by {@code #} (Linux keeps the first 15 characters of a Java thread's name).
     */
    static java.util.Map<String, Long> threadCpuMicros(long pid) {
        java.util.Map<String, Long> groups = new java.util.TreeMap<>();
        try (var ds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : ds) {
                String stat = read(task.resolve("stat"));
                int open = stat.indexOf('(');
                int close = stat.lastIndexOf(')');
                if (open < 0 || close < 0) {
                    continue;
                }
                String name = stat.substring(open + 1, close).replaceAll("[0-9]+", "#");
                String[] f = stat.substring(close + 2).split(" ");
                long micros = (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1_000_000L / CLK_TCK;
                groups.merge(name, micros, Long::sum);
            }
        } catch (IOException e) {
            // the process is gone
        }
        return groups;
    }

    /** Sum of a {@code /proc/<pid>/status} field (in kB) over the tree, in MiB. */
    static double statusMiB(long pid, String field) {
        long kb = 0;
        for (long p : tree(pid)) {
            for (String line : read(Path.of("/proc", Long.toString(p), "status")).split("\n")) {
                if (line.startsWith(field + ":")) {
                    kb += Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
                }
            }
        }
        return kb / 1024.0;
    }

    static double rssMiB(long pid) {
        return statusMiB(pid, "VmRSS");
    }

    static double hwmMiB(long pid) {
        return statusMiB(pid, "VmHWM");
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }

    /** Samples the tree's RSS every 50 ms in the background and keeps the largest value. */
    static final class RssSampler implements AutoCloseable {
        private final long pid;
        private final Thread thread;
        private volatile boolean running = true;
        private volatile double peak;

        RssSampler(long pid) {
            this.pid = pid;
            this.peak = rssMiB(pid);
            this.thread = Thread.ofPlatform().daemon().name("rss-sampler").start(this::loop);
        }

        private void loop() {
            while (running) {
                peak = Math.max(peak, rssMiB(pid));
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        double peak() {
            return Math.max(peak, rssMiB(pid));
        }

        @Override
        public void close() {
            running = false;
            thread.interrupt();
        }
    }
}

package bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The image where a user runs it, beside the build tree: the release tarball installed by its own
 * {@code bin/ccflare-install} into a prefix under the run folder (which records the start-up
 * caches there, as on a real machine), and the same tarball extracted by hand elsewhere (no cache
 * recorded for its path). Both are then launched like the build tree by the start-up scenario.
 */
final class Installed {

    private Installed() {
    }

    /** {@code installed} and {@code extracted} image directories, or an exception naming what failed. */
    static Map<String, Path> prepare(Path image, Path out) throws IOException, InterruptedException {
        String version = Files.readString(image.resolve("VERSION")).strip();
        Path tarball = image.toAbsolutePath().getParent().resolve("ccflare-" + version + ".tar.gz");
        if (!Files.isRegularFile(tarball)) {
            throw new IllegalStateException("no release tarball " + tarball + " beside the image");
        }
        Path dir = out.resolve("installed").toAbsolutePath();
        Path extracted = dir.resolve("extracted");
        Files.createDirectories(extracted);
        run(List.of("tar", "-xzf", tarball.toString(), "-C", extracted.toString()), dir.resolve("extract.log"));
        run(List.of(image.resolve("bin/ccflare-install").toAbsolutePath().toString(), "--system", "--prefix",
                dir.resolve("root").toString(), "--no-start", tarball.toString()), dir.resolve("install.log"));
        Map<String, Path> images = new LinkedHashMap<>();
        images.put("installed", dir.resolve("root/opt/ccflare/current").toRealPath());
        images.put("extracted", extracted.resolve("ccflare-" + version).toRealPath());
        return images;
    }

    private static void run(List<String> command, Path log) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException(command.getFirst() + " did not finish within 10 minutes (" + log + ")");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue() + " (" + log + ")");
        }
    }
}

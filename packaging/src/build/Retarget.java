import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

/**
 * A build step of the image: rewrites a library jar's class files older than version 50 (Java 6)
 * to {@code VERSION}, with stack maps generated, and leaves their code as it is. The JDK 25 AOT
 * cache refuses classes of the old verifier ("Old class has been linked"), so without this every
 * {@code ccflarectl} start loads and links picocli (class-file version 49) from its jar again.
 * Every other entry (module-info, the manifest, resources) is copied unchanged; the manifest
 * gains an attribute saying what was changed (the Apache License's notice of modification).
 * Each rewritten class is checked with the JDK's verifier before the jar is written: a class the
 * rewrite broke fails the build, it never reaches the image.
 *
 * <p>Usage: {@code java Retarget.java JAR VERSION} (the jar is replaced in place).
 */
public final class Retarget {

    /** Class files below this version carry no stack maps and are refused by the AOT cache. */
    private static final int FIRST_WITH_STACK_MAPS = 50;
    static final String NOTE_ATTRIBUTE = "Ccflare-Modified";

    public static void main(String[] args) throws IOException {
        if (args.length != 2) throw new IllegalArgumentException("usage: Retarget JAR VERSION (got " + List.of(args) + ")");
        Path jar = Path.of(args[0]);
        int version;
        try {
            version = Integer.parseInt(args[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("VERSION: '" + args[1] + "' (expected: a class-file major version such as 69)");
        }
        if (version < FIRST_WITH_STACK_MAPS || version > ClassFile.latestMajorVersion()) {
            throw new IllegalArgumentException("VERSION: " + version + " (expected: " + FIRST_WITH_STACK_MAPS + " to "
                    + ClassFile.latestMajorVersion() + ")");
        }
        if (!Files.isRegularFile(jar)) throw new IllegalArgumentException("JAR: " + jar + " is not a file");
        Path out = jar.resolveSibling(jar.getFileName() + ".retarget");
        int rewritten = rewrite(jar, out, version);
        Files.move(out, jar, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("Retarget: " + rewritten + " class files of " + jar.getFileName() + " rewritten to version " + version);
    }

    private static int rewrite(Path jar, Path out, int version) throws IOException {
        int rewritten = 0;
        List<String> problems = new ArrayList<>();
        try (JarFile in = new JarFile(jar.toFile(), false);
             URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
             OutputStream file = Files.newOutputStream(out)) {
            // Stack maps need the common super class of two types: the JDK's, else the jar's own.
            ClassHierarchyResolver resolver = ClassHierarchyResolver.defaultResolver()
                    .orElse(ClassHierarchyResolver.ofResourceParsing(loader)).cached();
            ClassFile cf = ClassFile.of(ClassFile.StackMapsOption.GENERATE_STACK_MAPS, ClassFile.ClassHierarchyResolverOption.of(resolver));
            Manifest manifest = in.getManifest() == null ? new Manifest() : new Manifest(in.getManifest());
            manifest.getMainAttributes().putIfAbsent(Attributes.Name.MANIFEST_VERSION, "1.0");
            manifest.getMainAttributes().putValue(NOTE_ATTRIBUTE, "class files below version " + FIRST_WITH_STACK_MAPS
                    + " rewritten to version " + version + " with stack maps by ccflare's build (packaging/src/build/Retarget.java);"
                    + " their code is unchanged");
            try (JarOutputStream jo = new JarOutputStream(file, manifest)) {
                for (Enumeration<JarEntry> e = in.entries(); e.hasMoreElements(); ) {
                    JarEntry entry = e.nextElement();
                    String name = entry.getName();
                    if (name.equalsIgnoreCase(JarFile.MANIFEST_NAME) || name.equalsIgnoreCase("META-INF/")) continue;
                    byte[] bytes;
                    try (InputStream s = in.getInputStream(entry)) {
                        bytes = s.readAllBytes();
                    }
                    if (name.endsWith(".class") && !name.endsWith("module-info.class") && !name.startsWith("META-INF/")) {
                        ClassModel model = cf.parse(bytes);
                        if (model.majorVersion() < FIRST_WITH_STACK_MAPS) {
                            // Every method body is emitted again (not copied), so that its stack maps are generated.
                            ClassTransform retarget = (builder, element) -> {
                                if (element instanceof ClassFileVersion) builder.withVersion(version, 0);
                                else builder.with(element);
                            };
                            bytes = cf.transformClass(model, ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL).andThen(retarget));
                            for (VerifyError v : cf.verify(bytes)) problems.add(name + ": " + v.getMessage());
                            rewritten++;
                        }
                    }
                    ZipEntry copy = new ZipEntry(name);
                    copy.setTime(entry.getTime());
                    jo.putNextEntry(copy);
                    jo.write(bytes);
                    jo.closeEntry();
                }
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(out);
            throw e;
        }
        if (!problems.isEmpty()) {
            Files.deleteIfExists(out);
            throw new IllegalStateException("Retarget: " + problems.size() + " rewritten class files of " + jar
                    + " do not verify:\n  " + String.join("\n  ", problems));
        }
        return rewritten;
    }
}

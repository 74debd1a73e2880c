package ccflare.api;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.module.ModuleReader;
import java.lang.module.ResolvedModule;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * The dashboard's files, read once from this module's resources under {@value #ROOT} and kept in
 * memory with their ETag, content type, cache policy and (for text) a gzip copy made at load. The
 * files are small (the whole dashboard is a few hundred KiB), so serving is a map look-up and a
 * write; nothing is read from disk after start, and no request path ever reaches a file name:
 * only names found at load can be served, which rules out path traversal by construction.
 *
 * <p>Cache policy (see {@code docs/dashboard.md}): a file whose URL changes whenever its content
 * does may be cached for a year without asking again ({@link Cache#IMMUTABLE}): anything under
 * {@code assets/vendor/<library>/<version>/} where the version starts with a digit (the WebJar
 * files, unpacked with their version in the path), and any file whose name carries a content hash
 * ({@code name.<8 or more hex digits>.ext}). Everything else ({@code index.html}, the
 * dashboard's own modules and styles, whose names stay put across releases) is
 * {@link Cache#REVALIDATE}: the browser keeps it but asks each time, and gets a 304 while the
 * ETag matches.
 */
final class StaticAssets {

    /** Where the dashboard's files sit among the module's resources. */
    static final String ROOT = "ccflare/api/dashboard/";

    private static final Pattern VERSIONED_VENDOR = Pattern.compile("assets/vendor/[^/]+/[0-9][^/]*/.+");
    private static final Pattern HASHED_NAME = Pattern.compile("(?:.*/)?[^/]+\\.[0-9a-f]{8,}\\.[a-z0-9]+");

    enum Cache {
        IMMUTABLE("public, max-age=31536000, immutable"),
        REVALIDATE("no-cache");

        final String header;

        Cache(String header) { this.header = header; }
    }

    /**
     * One file as served.
     *
     * @param name     relative to {@link #ROOT}, e.g. {@code assets/app.js}
     * @param gzip     the gzip-compressed bytes, empty for a type that does not compress or when compressing does not pay
     * @param etag     the strong ETag of {@code bytes}, quoted; the gzip copy's is {@link #gzipEtag()}
     */
    record Asset(String name, String contentType, byte[] bytes, Optional<byte[]> gzip, String etag, Cache cache) {
        String gzipEtag() { return etag.substring(0, etag.length() - 1) + ".gz\""; }

        boolean compressible() { return compressibleType(contentType); }
    }

    private final Supplier<Map<String, Asset>> load;
    // Set once by the first look-up; the map is immutable.
    private volatile Map<String, Asset> assets;

    private StaticAssets(Supplier<Map<String, Asset>> load) { this.load = load; }

    /**
     * Every file under {@link #ROOT} of {@code module}, listed through the module's own reader
     * (works for a jar, a directory and a jlinked image), read and compressed at the first look-up:
     * the daemon's start and its proxied requests never need them (≈ 30 ms of a core and a few
     * hundred KiB of heap at start when read eagerly), the dashboard's first page waits for them once.
     */
    static StaticAssets fromModule(Module module) {
        requireNonNull(module, "module");
        return deferred(() -> loaded(module));
    }

    /** The files {@code load} gives, which it is asked for once, at the first look-up. */
    static StaticAssets deferred(Supplier<StaticAssets> load) {
        requireNonNull(load, "load");
        return new StaticAssets(() -> load.get().assets());
    }

    private static StaticAssets loaded(Module module) {
        Function<String, Optional<byte[]>> read = name -> {
            try (InputStream in = module.getResourceAsStream(ROOT + name)) {
                return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the dashboard resource " + ROOT + name, e);
            }
        };
        return of(listed(module), read);
    }

    /** The files {@code names} (relative to {@link #ROOT}) as {@code read} gives them; a name it has no bytes for is left out. */
    static StaticAssets of(Collection<String> names, Function<String, Optional<byte[]>> read) {
        Map<String, Asset> all = new TreeMap<>();
        for (String name : names) {
            if (name.isEmpty() || name.endsWith("/")) continue;
            read.apply(name).ifPresent(bytes -> all.put(name, asset(name, bytes)));
        }
        Map<String, Asset> copy = Map.copyOf(all);
        return new StaticAssets(() -> copy);
    }

    /** The file at {@code name} (relative to {@link #ROOT}), if it was found at load. */
    Optional<Asset> find(String name) { return Optional.ofNullable(assets().get(name)); }

    /** Every name loaded, sorted. */
    Collection<String> names() { return new TreeMap<>(assets()).keySet(); }

    private Map<String, Asset> assets() {
        Map<String, Asset> a = assets;
        if (a != null) return a;
        synchronized (this) {
            if (assets == null) assets = load.get();
            return assets;
        }
    }

    /**
     * The asset name a request path asks for: {@code /assets/x/y.js} → {@code assets/x/y.js}.
     * Empty for anything that is not a plain path below {@code /assets/}: a {@code .} or
     * {@code ..} segment, an empty segment, a backslash, a percent sign (no asset name needs
     * escaping, so an encoded byte can only be an attempt to smuggle one), a control character.
     */
    static Optional<String> assetName(String rawPath) {
        if (rawPath == null || !rawPath.startsWith("/assets/") || rawPath.length() > 512) return Optional.empty();
        String rest = rawPath.substring(1);
        for (int i = 0; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if (c <= 0x20 || c == 0x7f || c == '\\' || c == '%' || c == ':' || c > 0x7e) return Optional.empty();
        }
        for (String segment : rest.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) return Optional.empty();
        }
        return Optional.of(rest);
    }

    /** The cache policy a file of this name gets (see the class comment). */
    static Cache cacheFor(String name) {
        return VERSIONED_VENDOR.matcher(name).matches() || HASHED_NAME.matcher(name).matches() ? Cache.IMMUTABLE : Cache.REVALIDATE;
    }

    /** The Content-Type of a file, by its extension; {@code application/octet-stream} for one not known. */
    static String contentType(String name) {
        String ext = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        return switch (ext) {
            case "html" -> "text/html; charset=utf-8";
            case "js", "mjs" -> "text/javascript; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "json", "map" -> "application/json";
            case "webmanifest" -> "application/manifest+json";
            case "svg" -> "image/svg+xml";
            case "png" -> "image/png";
            case "ico" -> "image/x-icon";
            case "webp" -> "image/webp";
            case "woff2" -> "font/woff2";
            case "woff" -> "font/woff";
            case "txt" -> "text/plain; charset=utf-8";
            default -> "application/octet-stream";
        };
    }

    static boolean compressibleType(String contentType) {
        return contentType.startsWith("text/") || contentType.startsWith("application/json")
                || contentType.startsWith("application/manifest+json") || contentType.startsWith("image/svg+xml")
                || contentType.equals("image/x-icon");
    }

    /** Whether an {@code Accept-Encoding} value admits gzip (present, and not {@code q=0}). */
    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) return false;
        for (String part : acceptEncoding.split(",")) {
            String[] params = part.trim().split(";");
            String coding = params[0].trim().toLowerCase(Locale.ROOT);
            if (!coding.equals("gzip") && !coding.equals("x-gzip") && !coding.equals("*")) continue;
            boolean refused = false;
            for (int i = 1; i < params.length; i++) {
                String p = params[i].trim().toLowerCase(Locale.ROOT).replace(" ", "");
                if (p.startsWith("q=") && p.substring(2).matches("0(\\.0{0,3})?")) refused = true;
            }
            if (!refused) return true;
        }
        return false;
    }

    /** Whether an {@code If-None-Match} value names {@code etag} (or is {@code *}); weak comparison, as RFC 9110 asks for it. */
    static boolean matches(String ifNoneMatch, String... etags) {
        if (ifNoneMatch == null) return false;
        for (String candidate : ifNoneMatch.split(",")) {
            String c = candidate.trim();
            if (c.equals("*")) return true;
            if (c.startsWith("W/")) c = c.substring(2);
            for (String etag : etags) if (c.equals(etag)) return true;
        }
        return false;
    }

    private static Asset asset(String name, byte[] bytes) {
        String type = contentType(name);
        Optional<byte[]> gzip = Optional.empty();
        if (compressibleType(type)) {
            byte[] z = gzip(bytes);
            // Below a few hundred bytes gzip's header and trailer eat the gain.
            if (z.length < bytes.length * 9 / 10) gzip = Optional.of(z);
        }
        return new Asset(name, type, bytes, gzip, etag(bytes), cacheFor(name));
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(d).substring(0, 22) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 3 + 64);
        try (GZIPOutputStream z = new GZIPOutputStream(out) {{ def.setLevel(Deflater.BEST_COMPRESSION); }}) {
            z.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The names of the module's resources under {@link #ROOT}, relative to it. */
    private static Collection<String> listed(Module module) {
        ModuleLayer layer = module.getLayer();
        if (!module.isNamed() || layer == null) return java.util.List.of();
        Optional<ResolvedModule> resolved = layer.configuration().findModule(module.getName());
        if (resolved.isEmpty()) return java.util.List.of();
        try (ModuleReader reader = resolved.get().reference().open()) {
            return reader.list().filter(n -> n.startsWith(ROOT)).map(n -> n.substring(ROOT.length())).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the dashboard's resources in module " + module.getName(), e);
        }
    }
}

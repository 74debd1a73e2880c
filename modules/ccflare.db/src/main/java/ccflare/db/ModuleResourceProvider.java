package ccflare.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.resource.LoadableResource;

/**
 * Hands Flyway the migration scripts by name, read through this module's own resources. Flyway's
 * class-path scanner cannot see into a named module's encapsulated resources nor into a jlink
 * image ({@code jrt:}), so it silently finds nothing there; a fixed list read with
 * {@link Module#getResourceAsStream(String)} works on the module path, under surefire and in an
 * image, without opening any package.
 */
final class ModuleResourceProvider implements ResourceProvider {

    /** Location of the scripts inside this module. */
    static final String DIRECTORY = "db/migration/";

    /** Every migration script, in order. A test checks this matches the resource directory. */
    static final List<String> MIGRATIONS = List.of("V1__init.sql", "V2__fewer_request_indexes.sql", "V3__client_keys.sql",
            "V4__request_translation.sql");

    private final List<LoadableResource> resources;

    ModuleResourceProvider(List<String> names) {
        List<LoadableResource> list = new ArrayList<>(names.size());
        for (String name : names) list.add(new ModuleResource(name));
        this.resources = List.copyOf(list);
    }

    @Override
    public LoadableResource getResource(String name) {
        for (LoadableResource r : resources) {
            if (r.getRelativePath().equals(name) || r.getFilename().equals(name)) return r;
        }
        return null;
    }

    @Override
    public Collection<LoadableResource> getResources(String prefix, String[] suffixes) {
        List<LoadableResource> found = new ArrayList<>();
        for (LoadableResource r : resources) {
            String file = r.getFilename();
            if (!file.startsWith(prefix)) continue;
            for (String suffix : suffixes) {
                if (file.endsWith(suffix)) {
                    found.add(r);
                    break;
                }
            }
        }
        return found;
    }

    /** Opens one script of this module; a missing script is a packaging bug, reported with its path. */
    static InputStream open(String name) throws IOException {
        InputStream in = ModuleResourceProvider.class.getModule().getResourceAsStream(DIRECTORY + name);
        if (in == null) throw new IOException("migration " + DIRECTORY + name + " is missing from module ccflare.db");
        return in;
    }

    private static final class ModuleResource extends LoadableResource {
        private final String name;

        ModuleResource(String name) { this.name = name; }

        @Override
        public Reader read() {
            try {
                return new InputStreamReader(open(name), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override public String getAbsolutePath() { return DIRECTORY + name; }
        @Override public String getAbsolutePathOnDisk() { return DIRECTORY + name; }
        @Override public String getFilename() { return name; }
        @Override public String getRelativePath() { return name; }
    }
}

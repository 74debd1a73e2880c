package ccflare.providers;

import static java.util.Objects.requireNonNull;

import ccflare.core.ProviderKind;
import java.util.EnumMap;
import java.util.Map;

/** The adapter of each provider kind. */
public final class Providers {
    private static final Map<ProviderKind, ProviderAdapter> ADAPTERS = new EnumMap<>(ProviderKind.class);

    static {
        for (ProviderKind kind : ProviderKind.values()) ADAPTERS.put(kind, KindAdapter.of(kind));
    }

    private Providers() {}

    /** The adapter for a kind; never null. The same stateless, thread-safe instance on every call. */
    public static ProviderAdapter adapter(ProviderKind kind) {
        return ADAPTERS.get(requireNonNull(kind, "kind"));
    }
}

package ccflare.providers;

import ccflare.core.ProviderKind;

/** The adapter of each provider kind. */
public final class Providers {
    private Providers() {}

    /** The adapter for a kind; never null. */
    public static ProviderAdapter adapter(ProviderKind kind) {
        throw new UnsupportedOperationException("provider adapters are being written: " + kind);
    }
}

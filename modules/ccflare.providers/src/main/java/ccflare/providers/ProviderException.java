package ccflare.providers;

import ccflare.core.CcflareException;

/** A provider adapter could not do its work (for example a token endpoint answered garbage). */
public final class ProviderException extends CcflareException {
    private static final long serialVersionUID = 1L;
    public ProviderException(String message) { super(message); }
    public ProviderException(String message, Throwable cause) { super(message, cause); }
}

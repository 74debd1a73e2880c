package ccflare.proxy;

import ccflare.core.CcflareException;

/** The proxy met a failure it did not expect (a bug or a broken environment), not an upstream outcome. */
public final class ProxyException extends CcflareException {
    private static final long serialVersionUID = 1L;
    public ProxyException(String message, Throwable cause) { super(message, cause); }
}

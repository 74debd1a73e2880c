package ccflare.server;

import ccflare.core.CcflareException;

/** The daemon cannot start; the message is the one line printed before exiting with {@link #exitCode()}. */
final class StartupException extends CcflareException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    StartupException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    int exitCode() { return exitCode; }
}

package ccflare.cli;

import static java.util.Objects.requireNonNull;

/**
 * Why a command ended without success; {@link Main} prints {@code ccflarectl: <message>} (or the
 * message alone for {@link ExitCode#UNREACHABLE}, which is already a whole sentence) and exits
 * with {@link #exitCode()}.
 */
final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ExitCode exitCode;

    private Failure(ExitCode exitCode, String message, Throwable cause) {
        super(requireNonNull(message, "message"), cause);
        this.exitCode = exitCode;
    }

    /** The operation was refused or failed (exit 1). */
    static Failure failed(String message) { return new Failure(ExitCode.FAILED, message, null); }

    /** The command line was wrong (exit 2). */
    static Failure usage(String message) { return new Failure(ExitCode.USAGE, message, null); }

    /** No daemon answered (exit 3). */
    static Failure unreachable(String sentence, Throwable cause) { return new Failure(ExitCode.UNREACHABLE, sentence, cause); }

    ExitCode exitCode() { return exitCode; }
}

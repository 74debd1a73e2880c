package ccflare.cli;

/** The exit codes of {@code ccflarectl}, part of its scripting contract. */
enum ExitCode {
    OK(0), FAILED(1), USAGE(2), UNREACHABLE(3);

    final int code;

    ExitCode(int code) { this.code = code; }
}

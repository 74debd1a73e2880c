#!/usr/bin/env python3
"""Milliseconds from starting a full-screen command in a new pseudo-terminal (120 x 40) to the
first time TEXT appears in what it writes; then it sends `q` and ends the command.

    bench/tui-first-frame.py [--runs N] TEXT COMMAND [ARG...]
    bench/tui-first-frame.py --runs 5 Overview packaging/target/ccflare-0.1.0/bin/ccflarectl tui

The terminal answers nothing the command asks (cursor position, device attributes, modes), the
worst case for a program that waits for such answers. Prints one figure per run, 'none' when TEXT
did not appear within 10 s.
"""
import os, pty, select, signal, struct, sys, time, fcntl, termios


def run(text, argv):
    started = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.setdefault("TERM", "xterm-256color")
        os.execvp(argv[0], argv)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    seen, found = b"", None
    while found is None and time.monotonic() - started < 10:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
        if text in seen:
            found = (time.monotonic() - started) * 1000
    try:
        os.write(fd, b"q")
        time.sleep(0.3)
        os.kill(pid, signal.SIGTERM)
    except OSError:
        pass
    os.waitpid(pid, 0)
    os.close(fd)
    return found


def main(args):
    runs = 1
    if args[:1] == ["--runs"]:
        runs, args = int(args[1]), args[2:]
    if len(args) < 2:
        sys.exit(__doc__)
    for _ in range(runs):
        ms = run(args[0].encode(), args[1:])
        print("none" if ms is None else "%.0f" % ms, flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])

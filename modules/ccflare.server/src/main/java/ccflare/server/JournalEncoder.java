package ccflare.server;

import static java.util.Objects.requireNonNull;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * Log output for systemd's journal: every line another encoder writes gets the syslog priority
 * prefix ({@code <3>} error, {@code <4>} warning, {@code <6>} info, {@code <7>} debug and trace),
 * which journald strips and stores as the entry's priority, so {@code journalctl -p warning}
 * selects by level. Each line of a multi-line event (a stack trace) carries the event's prefix:
 * journald reads the prefix per line, and a continuation line without one would count as info.
 */
final class JournalEncoder extends EncoderBase<ILoggingEvent> {

    private final Encoder<ILoggingEvent> lines;

    JournalEncoder(Encoder<ILoggingEvent> lines) {
        this.lines = requireNonNull(lines, "lines");
    }

    /**
     * Whether stdout is the journal: {@code JOURNAL_STREAM} ({@code <device>:<inode>}) is set and,
     * when the process's fd 1 can be read ({@code /proc/self/fd/1}, e.g. {@code socket:[1234]}),
     * it is that stream. A process whose stdout was redirected elsewhere inherits the variable but
     * not the stream, and must not write prefixes into a file or a pipe.
     *
     * @param stdoutLink the target of {@code /proc/self/fd/1}, when readable
     */
    static boolean isJournal(Map<String, String> env, Optional<String> stdoutLink) {
        String stream = env.get("JOURNAL_STREAM");
        if (stream == null || stream.isBlank()) return false;
        int colon = stream.indexOf(':');
        if (colon < 1 || colon == stream.length() - 1) return false;
        String inode = stream.substring(colon + 1).strip();
        return stdoutLink.map(link -> link.equals("socket:[" + inode + "]")).orElse(true);
    }

    /** The syslog priority of a level (RFC 5424 severities: error 3, warning 4, informational 6, debug 7). */
    static int priority(Level level) {
        if (level.isGreaterOrEqual(Level.ERROR)) return 3;
        if (level.isGreaterOrEqual(Level.WARN)) return 4;
        if (level.isGreaterOrEqual(Level.INFO)) return 6;
        return 7;
    }

    @Override
    public void start() {
        if (!lines.isStarted()) lines.start();
        super.start();
    }

    @Override
    public void stop() {
        lines.stop();
        super.stop();
    }

    @Override
    public byte[] headerBytes() { return lines.headerBytes(); }

    @Override
    public byte[] footerBytes() { return lines.footerBytes(); }

    @Override
    public byte[] encode(ILoggingEvent event) {
        byte[] text = lines.encode(event);
        if (text == null || text.length == 0) return text;
        byte[] prefix = ("<" + priority(event.getLevel()) + ">").getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length + 4 * prefix.length);
        boolean lineStart = true;
        for (byte b : text) {
            if (lineStart && b != '\n') out.writeBytes(prefix);
            out.write(b);
            lineStart = b == '\n';
        }
        return out.toByteArray();
    }
}

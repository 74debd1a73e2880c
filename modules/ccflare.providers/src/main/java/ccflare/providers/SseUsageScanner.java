package ccflare.providers;

import ccflare.core.Usage;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.Arrays;

/**
 * Usage of a {@code text/event-stream} body, read line by line as the bytes go by.
 *
 * <p>Lines end with LF, CRLF or CR and may be split anywhere across slices. The current
 * {@code event:} lasts until the blank line that ends the event (not until the slice ends, the
 * original's bug). A {@code data:} line is classified from its event name before its payload is
 * read: usage events stream their payload into a {@link UsageJsonWalker} (no line buffer, however
 * long the event, e.g. a {@code response.completed} that repeats the whole output); token-timing
 * events and every other event are skipped without looking at their payload. A data line with no
 * event name (OpenAI chat chunks) is buffered up to {@value #MAX_LINE} bytes and parsed only when a
 * cheap byte search finds a {@code "usage"} object in it (or while no model is known yet);
 * longer lines are skipped.
 */
final class SseUsageScanner implements UsageScanner {
    /** Longest buffered line; longer ones are skipped. */
    static final int MAX_LINE = 1 << 20;
    private static final int MAX_EVENT_NAME = 256;
    /** A line buffer grown beyond this for one long line is dropped afterwards. */
    private static final int KEPT_BUFFER = 16 * 1024;
    /** Enough of a line to tell {@code data:} from {@code event:}. */
    private static final int FIELD_PREFIX = 6;
    /** Stands for an event name too long to be one we know. */
    private static final String UNKNOWN_EVENT = "\u0000";

    private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT = "event:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] USAGE = "\"usage\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DELTA = "\"delta\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DELTA_TYPE = ".delta\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BLOCK = "\"content_block_".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MESSAGE_DELTA = "\"message_delta\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COMPLETED = "\"response.completed\"".getBytes(StandardCharsets.US_ASCII);

    private enum Mode {
        /** Fewer than {@link #FIELD_PREFIX} bytes of the line seen: field not known yet. */
        START,
        /** An event name or an unnamed data line, kept in {@link #line}. */
        BUFFER_EVENT, BUFFER_DATA,
        /** A usage event's payload, fed to {@link #walker}. */
        STREAM,
        /** Not needed: bytes are dropped until the line ends. */
        SKIP
    }

    private final ScanDialect dialect;
    private final InstantSource clock;
    private final UsageCounters counters = new UsageCounters();

    private Mode mode = Mode.START;
    private byte[] line = new byte[256];
    private int lineLength;
    private boolean afterCr;
    private String event;
    /** The last event name read, and its bytes: a stream repeats a few names, so most lines reuse it. */
    private String lastEvent;
    private byte[] lastEventBytes = new byte[0];
    private UsageJsonWalker walker;
    private boolean finished;
    private long firstTokenAtMs;
    private long lastTokenAtMs;

    SseUsageScanner(ScanDialect dialect, InstantSource clock) {
        this.dialect = dialect;
        this.clock = clock;
    }

    @Override
    public void accept(byte[] bytes, int offset, int length) {
        if (finished || bytes == null || offset < 0 || length <= 0 || offset > bytes.length - length) return;
        int i = offset;
        int end = offset + length;
        while (i < end) {
            if (afterCr) {
                afterCr = false;
                if (bytes[i] == '\n') {
                    i++;
                    continue;
                }
            }
            int eol = i;
            while (eol < end && bytes[eol] != '\n' && bytes[eol] != '\r') eol++;
            append(bytes, i, eol);
            if (eol == end) return;
            endLine();
            afterCr = bytes[eol] == '\r';
            i = eol + 1;
        }
    }

    @Override
    public void finish() {
        if (finished) return;
        // A stream cut inside its last line: that line may still hold complete usage.
        if (mode != Mode.START || lineLength > 0) endLine();
        finished = true;
    }

    @Override public Usage usage() { return dialect.usage(counters); }

    @Override public String model() { return counters.model(); }

    @Override public long firstTokenAtMs() { return firstTokenAtMs; }

    @Override public long lastTokenAtMs() { return lastTokenAtMs; }

    /** Adds bytes [from, to) of the current line, which has not ended yet. */
    private void append(byte[] b, int from, int to) {
        while (from < to) {
            switch (mode) {
                case START -> {
                    int n = Math.min(to - from, FIELD_PREFIX - lineLength);
                    System.arraycopy(b, from, line, lineLength, n);
                    lineLength += n;
                    from += n;
                    if (lineLength >= FIELD_PREFIX) decide();
                }
                case BUFFER_EVENT, BUFFER_DATA -> {
                    int cap = mode == Mode.BUFFER_EVENT ? EVENT.length + MAX_EVENT_NAME : MAX_LINE;
                    int n = to - from;
                    if (lineLength + n > cap) {
                        if (mode == Mode.BUFFER_EVENT) event = UNKNOWN_EVENT;
                        mode = Mode.SKIP;
                        lineLength = 0;
                        return;
                    }
                    ensureCapacity(lineLength + n);
                    System.arraycopy(b, from, line, lineLength, n);
                    lineLength += n;
                    return;
                }
                case STREAM -> {
                    walker.feed(b, from, to - from);
                    return;
                }
                case SKIP -> {
                    return;
                }
            }
        }
    }

    /** Picks the mode of a line from its first bytes (all of them, for a line shorter than the prefix). */
    private void decide() {
        if (startsWith(EVENT)) {
            mode = Mode.BUFFER_EVENT;
        } else if (startsWith(DATA)) {
            decideData();
        } else {
            mode = Mode.SKIP; // comments (": ping"), id:, retry:, unknown fields
        }
    }

    private void decideData() {
        if (event == null) {
            mode = Mode.BUFFER_DATA;
            return;
        }
        switch (dialect.role(event)) {
            case USAGE_IN_WRAPPER -> stream(dialect.wrapper(), false);
            case FINAL_USAGE -> {
                lastTokenAtMs = clock.millis();
                stream(null, true);
            }
            case FINAL_USAGE_IN_WRAPPER -> {
                lastTokenAtMs = clock.millis();
                stream(dialect.wrapper(), false);
            }
            case FIRST_TOKEN -> {
                if (firstTokenAtMs == 0) firstTokenAtMs = clock.millis();
                mode = Mode.SKIP;
            }
            case SKIP -> mode = Mode.SKIP;
        }
    }

    private void stream(String wrapper, boolean acceptRoot) {
        walker = new UsageJsonWalker(wrapper, acceptRoot, counters);
        mode = Mode.STREAM;
        walker.feed(line, DATA.length, lineLength - DATA.length);
    }

    private void endLine() {
        if (mode == Mode.START) {
            if (lineLength == 0) {
                event = null; // a blank line ends the event
            } else {
                decide();
            }
        }
        switch (mode) {
            case BUFFER_EVENT -> event = eventName(EVENT.length, lineLength);
            case BUFFER_DATA -> unnamedData(DATA.length, lineLength);
            case STREAM -> walker.end();
            case START, SKIP -> { }
        }
        walker = null;
        mode = Mode.START;
        lineLength = 0;
        if (line.length > KEPT_BUFFER) line = new byte[256];
    }

    /**
     * The event name in {@code line[from, to)}, without surrounding blanks: the previous one when
     * the bytes are the same (no new strings for each of a stream's thousands of delta events).
     */
    private String eventName(int from, int to) {
        while (from < to && (line[from] == ' ' || line[from] == '\t')) from++;
        while (to > from && (line[to - 1] == ' ' || line[to - 1] == '\t')) to--;
        if (lastEvent != null && Arrays.equals(line, from, to, lastEventBytes, 0, lastEventBytes.length)) return lastEvent;
        lastEventBytes = Arrays.copyOfRange(line, from, to);
        lastEvent = new String(lastEventBytes, StandardCharsets.UTF_8).strip();
        return lastEvent;
    }

    /** A data line with no event name: OpenAI chat chunks, or a provider that omits {@code event:}. */
    private void unnamedData(int from, int to) {
        boolean usage = containsUsageObject(from, to);
        if (dialect == ScanDialect.ANTHROPIC) {
            if (firstTokenAtMs == 0 && indexOf(BLOCK, from, to) >= 0) firstTokenAtMs = clock.millis();
            if (indexOf(MESSAGE_DELTA, from, to) >= 0) lastTokenAtMs = clock.millis();
        } else {
            if (firstTokenAtMs == 0 && (indexOf(DELTA, from, to) >= 0 || indexOf(DELTA_TYPE, from, to) >= 0)) {
                firstTokenAtMs = clock.millis();
            }
            if (usage || indexOf(COMPLETED, from, to) >= 0) lastTokenAtMs = clock.millis();
        }
        if (usage || counters.model().isEmpty()) {
            UsageJsonWalker w = new UsageJsonWalker(dialect.wrapper(), true, counters);
            w.feed(line, from, to - from);
            w.end();
        }
    }

    /** Whether {@code "usage"} is followed by an object (not {@code null}, as in every chunk but OpenAI's last). */
    private boolean containsUsageObject(int from, int to) {
        int at = indexOf(USAGE, from, to);
        while (at >= 0) {
            int i = at + USAGE.length;
            while (i < to && isJsonSpace(line[i])) i++;
            if (i < to && line[i] == ':') {
                i++;
                while (i < to && isJsonSpace(line[i])) i++;
                if (i < to && line[i] == '{') return true;
            }
            at = indexOf(USAGE, at + 1, to);
        }
        return false;
    }

    private int indexOf(byte[] needle, int from, int to) {
        outer:
        for (int i = from; i <= to - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (line[i + j] != needle[j]) continue outer;
            }
            return i;
        }
        return -1;
    }

    private boolean startsWith(byte[] prefix) {
        if (lineLength < prefix.length) return false;
        for (int i = 0; i < prefix.length; i++) {
            if (line[i] != prefix[i]) return false;
        }
        return true;
    }

    private static boolean isJsonSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    private void ensureCapacity(int needed) {
        if (needed <= line.length) return;
        int size = line.length;
        while (size < needed) size = size * 2;
        line = Arrays.copyOf(line, Math.min(size, MAX_LINE));
    }
}

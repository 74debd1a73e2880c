package ccflare.testing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link FakeUpstream} does with a request to a model endpoint (messages, chat completions,
 * responses, count_tokens, models). Build values with the static factories; the nested records are
 * the data behind them. Failures are rendered in the dialect of the endpoint that was called
 * (Anthropic error JSON and {@code anthropic-ratelimit-unified-*} headers on {@code /v1/messages},
 * OpenAI error JSON and {@code x-ratelimit-*} on chat completions, {@code x-codex-*} on Codex responses).
 */
public sealed interface Behaviour {

    /** Normal success: JSON or SSE depending on the request's {@code stream} flag. */
    static Behaviour ok() { return Ok.INSTANCE; }

    /**
     * 429 with {@code retry-after: retryAfterSeconds}, unified status {@code rate_limited}, the unified
     * reset header set to {@code unifiedResetEpochSeconds}, and a {@code rate_limit_error} body.
     */
    static Behaviour rateLimited429(long retryAfterSeconds, long unifiedResetEpochSeconds) {
        return new Fail(429, "rate_limit_error", retryAfterSeconds, unifiedResetEpochSeconds);
    }

    /**
     * A normal 200 answer whose rate-limit headers say the account is exhausted: Anthropic
     * {@code anthropic-ratelimit-unified-status: <unifiedStatus>}, OpenAI {@code x-ratelimit-remaining-requests: 0},
     * Codex {@code x-codex-primary-used-percent: 100}.
     */
    static Behaviour hardLimitedStatus200(String unifiedStatus) { return new HardLimited(unifiedStatus); }

    /** 529 with an {@code overloaded_error} body. */
    static Behaviour overloaded529() { return new Fail(529, "overloaded_error", -1, 0); }

    /** A 5xx answer ({@code 500..599}) with an error body of the endpoint's dialect. */
    static Behaviour serverError(int status) {
        if (status < 500 || status > 599) throw new IllegalArgumentException("status: " + status + " (expected: 500..599)");
        return new Fail(status, errorTypeFor(status), -1, 0);
    }

    /** A 4xx answer ({@code 400..499}) with an error body of the endpoint's dialect. */
    static Behaviour clientError(int status) {
        if (status < 400 || status > 499) throw new IllegalArgumentException("status: " + status + " (expected: 400..499)");
        return new Fail(status, errorTypeFor(status), -1, 0);
    }

    /**
     * Sends the 200 headers and {@code afterEvents} SSE events (for a JSON request: half the body),
     * then resets the TCP connection (RST, {@code SO_LINGER 0}).
     */
    static Behaviour resetMidStream(int afterEvents) { return new Interrupt(afterEvents, true); }

    /**
     * Accepts the request and then drops the connection without sending a byte: RST when {@code reset},
     * otherwise a clean FIN. Models an upstream that fails before the first byte.
     */
    static Behaviour dropConnection(boolean reset) { return new Drop(reset); }

    /** Like {@link #resetMidStream} but closes the connection cleanly (FIN) without ending the chunked body. */
    static Behaviour closeMidStream(int afterEvents) { return new Interrupt(afterEvents, false); }

    /**
     * A 200 SSE stream that sends {@code afterEvents} events and then an in-band
     * {@code event: error} with {@code {"type":"error","error":{"type":<errorType>,…}}}, then ends cleanly.
     * A non-streaming request gets that error object as its 200 body.
     */
    static Behaviour inBandError(int afterEvents, String errorType) { return new InBandError(afterEvents, errorType); }

    /** Waits {@code delay} before sending anything (status line included), then behaves normally. */
    static Behaviour slowFirstByte(Duration delay) { return new Delayed(delay, ok()); }

    /** Waits {@code delay} before sending anything, then behaves like {@code then}. */
    static Behaviour delayed(Duration delay, Behaviour then) { return new Delayed(delay, then); }

    /** Normal success whose streamed deltas are {@code between} apart (overrides {@link FakeUpstream#deltas}). */
    static Behaviour slowDeltas(Duration between) { return new SlowDeltas(between); }

    /**
     * A large 200 stream for back-pressure tests: the normal transcript of the endpoint, but its text delta
     * is {@code bytesPerEvent} ASCII characters and is sent {@code events} times, {@code between} apart.
     * Memory stays flat on the fake's side. A non-streaming request is answered normally.
     */
    static Behaviour bulkStream(int events, int bytesPerEvent, Duration between) {
        return new Bulk(events, bytesPerEvent, between);
    }

    /** Never answers; the request is held until the client goes away or the server is closed. */
    static Behaviour hang() { return Hang.INSTANCE; }

    /**
     * Answers exactly the given status, headers and body chunks (each chunk flushed, {@code between} apart).
     * Use for malformed streams, odd content types or headers the other factories do not produce.
     */
    static Behaviour raw(int status, Map<String, String> headers, List<String> chunks, Duration between) {
        return new Raw(status, headers, chunks, between);
    }

    /** Successive requests take successive steps; the last step repeats forever. */
    static Behaviour sequence(Behaviour... steps) { return new Sequence(List.of(steps)); }

    /**
     * Each request takes one of {@code choices} at random, reproducibly for a given {@code seed}
     * (one random stream per {@link FakeUpstream#behave} registration). For chaos runs.
     */
    static Behaviour random(long seed, Behaviour... choices) { return new RandomChoice(seed, List.of(choices)); }

    /** The first {@code n} requests get {@code failure}, every later one {@code then}. */
    static Behaviour failTimes(int n, Behaviour failure, Behaviour then) {
        if (n < 0) throw new IllegalArgumentException("n: " + n + " (expected: >= 0)");
        Behaviour[] steps = new Behaviour[n + 1];
        java.util.Arrays.fill(steps, 0, n, failure);
        steps[n] = then;
        return new Sequence(List.of(steps));
    }

    private static String errorTypeFor(int status) {
        return switch (status) {
            case 400 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 529 -> "overloaded_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }

    /** See {@link #ok()}. */
    record Ok() implements Behaviour {
        static final Ok INSTANCE = new Ok();
    }

    /**
     * See {@link #rateLimited429}, {@link #overloaded529}, {@link #serverError}, {@link #clientError}.
     *
     * @param retryAfterSeconds  {@code retry-after} value, negative for none
     * @param resetEpochSeconds  rate-limit reset header value, 0 for none
     */
    record Fail(int status, String errorType, long retryAfterSeconds, long resetEpochSeconds) implements Behaviour {
        public Fail {
            if (status < 400 || status > 599) throw new IllegalArgumentException("status: " + status + " (expected: 400..599)");
            Objects.requireNonNull(errorType, "errorType");
        }
    }

    /** See {@link #hardLimitedStatus200}. */
    record HardLimited(String unifiedStatus) implements Behaviour {
        public HardLimited { Objects.requireNonNull(unifiedStatus, "unifiedStatus"); }
    }

    /** See {@link #resetMidStream} and {@link #closeMidStream}. */
    record Interrupt(int afterEvents, boolean reset) implements Behaviour {
        public Interrupt {
            if (afterEvents < 0) throw new IllegalArgumentException("afterEvents: " + afterEvents + " (expected: >= 0)");
        }
    }

    /** See {@link #dropConnection}. */
    record Drop(boolean reset) implements Behaviour {}

    /** See {@link #inBandError}. */
    record InBandError(int afterEvents, String errorType) implements Behaviour {
        public InBandError {
            if (afterEvents < 0) throw new IllegalArgumentException("afterEvents: " + afterEvents + " (expected: >= 0)");
            Objects.requireNonNull(errorType, "errorType");
        }
    }

    /** See {@link #delayed} and {@link #slowFirstByte}. */
    record Delayed(Duration delay, Behaviour then) implements Behaviour {
        public Delayed {
            if (delay.isNegative()) throw new IllegalArgumentException("delay: " + delay + " (expected: >= 0)");
            Objects.requireNonNull(then, "then");
        }
    }

    /** See {@link #slowDeltas}. */
    record SlowDeltas(Duration between) implements Behaviour {
        public SlowDeltas {
            if (between.isNegative()) throw new IllegalArgumentException("between: " + between + " (expected: >= 0)");
        }
    }

    /** See {@link #bulkStream}. */
    record Bulk(int events, int bytesPerEvent, Duration between) implements Behaviour {
        public Bulk {
            if (events < 1) throw new IllegalArgumentException("events: " + events + " (expected: >= 1)");
            if (bytesPerEvent < 1) throw new IllegalArgumentException("bytesPerEvent: " + bytesPerEvent + " (expected: >= 1)");
            if (between.isNegative()) throw new IllegalArgumentException("between: " + between + " (expected: >= 0)");
        }
    }

    /** See {@link #hang()}. */
    record Hang() implements Behaviour {
        static final Hang INSTANCE = new Hang();
    }

    /** See {@link #raw}. */
    record Raw(int status, Map<String, String> headers, List<String> chunks, Duration between) implements Behaviour {
        public Raw {
            if (status < 100 || status > 999) throw new IllegalArgumentException("status: " + status + " (expected: 100..999)");
            headers = Map.copyOf(headers);
            chunks = List.copyOf(chunks);
            if (between.isNegative()) throw new IllegalArgumentException("between: " + between + " (expected: >= 0)");
        }
    }

    /** See {@link #random}. */
    record RandomChoice(long seed, List<Behaviour> choices) implements Behaviour {
        public RandomChoice {
            choices = List.copyOf(choices);
            if (choices.isEmpty()) throw new IllegalArgumentException("choices: [] (expected: at least one)");
        }
    }

    /** See {@link #sequence} and {@link #failTimes}. */
    record Sequence(List<Behaviour> steps) implements Behaviour {
        public Sequence {
            steps = List.copyOf(steps);
            if (steps.isEmpty()) throw new IllegalArgumentException("steps: [] (expected: at least one)");
        }
    }
}

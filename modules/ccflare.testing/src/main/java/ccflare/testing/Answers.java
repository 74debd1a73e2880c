package ccflare.testing;

import ccflare.testing.FakeUpstream.Api;
import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.jetty.http.HttpFields;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link FakeUpstream}'s answers: plays a scripted {@link Behaviour} and writes what it calls for, a
 * success (JSON or SSE in the dialect of the endpoint), a failure, a raw answer or a cut connection.
 * Kept apart from the server so the answer formats can be read without the Jetty plumbing.
 */
final class Answers {
    /** The model endpoints, each with its own success body. */
    enum Endpoint { MESSAGES, COUNT_TOKENS, MODELS, CHAT, RESPONSES }

    /** A behaviour plus the cursors of its sequences. */
    static final class Program {
        private final Behaviour root;
        private final Map<Behaviour.Sequence, Integer> cursors = new IdentityHashMap<>();
        private final Map<Behaviour.RandomChoice, java.util.Random> randoms = new IdentityHashMap<>();

        Program(Behaviour root) { this.root = Objects.requireNonNull(root, "behaviour"); }

        /** Follows sequences and random choices down to one concrete step, advancing their state. */
        synchronized Behaviour step(Behaviour b) {
            while (true) {
                if (b instanceof Behaviour.Sequence s) {
                    int i = cursors.getOrDefault(s, 0);
                    cursors.put(s, i + 1);
                    b = s.steps().get(Math.min(i, s.steps().size() - 1));
                } else if (b instanceof Behaviour.RandomChoice rc) {
                    java.util.Random random = randoms.computeIfAbsent(rc, k -> new java.util.Random(k.seed()));
                    b = rc.choices().get(random.nextInt(rc.choices().size()));
                } else {
                    return b;
                }
            }
        }
    }

    private final InstantSource clock;
    // Numbers the request ids and message ids of every answer, 404s included.
    private final AtomicLong ids = new AtomicLong();

    Answers(InstantSource clock) { this.clock = clock; }

    /** Answers a model endpoint: plays {@code program}, then succeeds as it says; {@code s} as of arrival. */
    void model(Exchange ex, Received r, Program program, Api api, Endpoint endpoint, Settings s) {
        Plan plan = runScript(ex, program, api);
        if (plan != null) succeed(ex, r, api, endpoint, s, plan);
    }

    /** 404 with an Anthropic error body, for anything no route takes. */
    void notFound(Exchange ex, String method, String path) {
        HttpFields.Mutable h = ex.response.getHeaders();
        ex.response.setStatus(404);
        h.put("content-type", "application/json");
        h.put("request-id", "req_fake" + ids.incrementAndGet());
        ex.finish(Transcripts.anthropicError("not_found_error", "Not found: " + method + " " + path));
    }

    /**
     * Plays the scripted behaviour up to the point where a successful answer is due and returns how that
     * answer deviates from normal; null when the script already answered (failure, raw, drop).
     */
    Plan runScript(Exchange ex, Program program, Api api) {
        Behaviour b = program.step(program.root);
        while (true) {
            switch (b) {
                case Behaviour.Delayed d -> {
                    ex.pause(d.delay());
                    b = program.step(d.then());
                }
                case Behaviour.Hang h -> ex.awaitGone();
                case Behaviour.Drop d -> {
                    ex.kill(d.reset());
                    return null;
                }
                case Behaviour.Fail f -> {
                    fail(ex, api, f);
                    return null;
                }
                case Behaviour.Raw raw -> {
                    ex.response.setStatus(raw.status());
                    raw.headers().forEach(ex.response.getHeaders()::put);
                    ex.write(""); // commits the headers even when there are no chunks
                    for (int i = 0; i < raw.chunks().size(); i++) {
                        if (i > 0) ex.pause(raw.between());
                        ex.write(raw.chunks().get(i));
                    }
                    ex.finish("");
                    return null;
                }
                case Behaviour.Sequence seq -> b = program.step(seq);
                case Behaviour.RandomChoice rc -> b = program.step(rc);
                case Behaviour.Ok ok -> {
                    return Plan.NORMAL;
                }
                case Behaviour.HardLimited hl -> {
                    return new Plan(hl.unifiedStatus(), null, null, null, null);
                }
                case Behaviour.SlowDeltas sd -> {
                    return new Plan(null, sd.between(), null, null, null);
                }
                case Behaviour.Interrupt in -> {
                    return new Plan(null, null, in, null, null);
                }
                case Behaviour.InBandError ib -> {
                    return new Plan(null, null, null, ib, null);
                }
                case Behaviour.Bulk bulk -> {
                    return new Plan(null, bulk.between(), null, null, bulk);
                }
            }
        }
    }

    /** How a successful answer deviates from normal. */
    record Plan(String hardStatus, Duration deltaDelay, Behaviour.Interrupt interrupt, Behaviour.InBandError inBand,
                        Behaviour.Bulk bulk) {
        static final Plan NORMAL = new Plan(null, null, null, null, null);
    }

    private void succeed(Exchange ex, Received r, Api api, Endpoint endpoint, Settings settings, Plan plan) {
        Settings s = plan.bulk() == null ? settings : settings.withFixedPiece("x".repeat(plan.bulk().bytesPerEvent()));
        long n = ids.incrementAndGet();
        long nowSec = clock.millis() / 1000;
        HttpFields.Mutable h = ex.response.getHeaders();
        LimitHeaders.write(h, api, s, nowSec, n, plan.hardStatus());

        JsonNode req = null;
        if (endpoint != Endpoint.MODELS) {
            try {
                req = Transcripts.JSON.readTree(r.body());
            } catch (IOException e) {
                req = null;
            }
            if (req == null || !req.isObject()) {
                fail(ex, api, new Behaviour.Fail(400, "invalid_request_error", -1, 0));
                return;
            }
        }
        String json;
        List<Transcripts.Frame> frames = null;
        switch (endpoint) {
            case MODELS -> json = api == Api.ANTHROPIC ? Transcripts.anthropicModels() : Transcripts.openAiModels();
            case COUNT_TOKENS -> json = "{\"input_tokens\":" + s.tokens().input() + "}";
            case MESSAGES -> {
                String model = req.path("model").asText("claude-sonnet-4-5");
                JsonNode tools = req.path("tools");
                String toolName = tools.isArray() && !tools.isEmpty() ? tools.get(0).path("name").asText("tool") : null;
                String id = "msg_fake" + n;
                json = Transcripts.anthropicMessage(id, model, s, toolName);
                if (req.path("stream").asBoolean(false)) frames = Transcripts.anthropicEvents(id, model, s, toolName);
            }
            case CHAT -> {
                String model = req.path("model").asText("gpt-5");
                String id = "chatcmpl-fake" + n;
                json = Transcripts.chatCompletion(id, model, nowSec, s);
                if (req.path("stream").asBoolean(false)) {
                    boolean usage = req.path("stream_options").path("include_usage").asBoolean(false);
                    frames = Transcripts.chatChunks(id, model, nowSec, s, usage);
                }
            }
            case RESPONSES -> {
                String model = req.path("model").asText("gpt-5");
                String id = "resp_fake" + n;
                json = Transcripts.response(id, model, nowSec, s);
                if (req.path("stream").asBoolean(false)) frames = Transcripts.responseEvents(id, model, nowSec, s);
            }
            default -> throw new IllegalStateException("unexpected endpoint " + endpoint);
        }
        ex.response.setStatus(200);
        if (frames == null) {
            h.put("content-type", "application/json");
            if (plan.interrupt() != null) {
                ex.write(json.substring(0, json.length() / 2));
                ex.kill(plan.interrupt().reset());
            } else if (plan.inBand() != null) {
                ex.finish(Transcripts.anthropicError(plan.inBand().errorType(), message(plan.inBand().errorType())));
            } else {
                ex.finish(json);
            }
            return;
        }
        h.put("content-type", "text/event-stream; charset=utf-8");
        h.put("cache-control", "no-cache");
        Duration delay = plan.deltaDelay() != null ? plan.deltaDelay() : s.stream().deltaDelay();
        ex.write(""); // headers go out before the first event, like the real APIs
        for (int i = 0; i < frames.size(); i++) {
            if (plan.interrupt() != null && i == plan.interrupt().afterEvents()) {
                ex.kill(plan.interrupt().reset());
                return;
            }
            if (plan.inBand() != null && i == plan.inBand().afterEvents()) {
                String type = plan.inBand().errorType();
                ex.finish(new Transcripts.Frame("error", Transcripts.anthropicError(type, message(type)), false).wire());
                return;
            }
            Transcripts.Frame f = frames.get(i);
            int repeat = f.delta() && plan.bulk() != null ? plan.bulk().events() : 1;
            byte[] wire = f.wire().getBytes(StandardCharsets.UTF_8);
            for (int k = 0; k < repeat; k++) {
                if (f.delta()) ex.pause(delay);
                ex.write(false, java.nio.ByteBuffer.wrap(wire));
            }
        }
        if (plan.interrupt() != null) {
            ex.kill(plan.interrupt().reset());
            return;
        }
        if (plan.inBand() != null) {
            String type = plan.inBand().errorType();
            ex.finish(new Transcripts.Frame("error", Transcripts.anthropicError(type, message(type)), false).wire());
            return;
        }
        ex.finish("");
    }

    private static String message(String errorType) {
        return switch (errorType) {
            case "rate_limit_error" -> "This request would exceed your account's rate limit. Please try again later.";
            case "overloaded_error" -> "Overloaded";
            case "api_error" -> "Internal server error";
            case "authentication_error" -> "invalid x-api-key";
            case "permission_error" -> "Your credentials do not permit this request.";
            case "not_found_error" -> "Not found";
            default -> "Fake upstream scripted " + errorType;
        };
    }

    private void fail(Exchange ex, Api api, Behaviour.Fail f) {
        long n = ids.incrementAndGet();
        long nowSec = clock.millis() / 1000;
        HttpFields.Mutable h = ex.response.getHeaders();
        ex.response.setStatus(f.status());
        h.put("content-type", "application/json");
        if (f.retryAfterSeconds() >= 0) h.put("retry-after", Long.toString(f.retryAfterSeconds()));
        boolean limited = f.status() == 429;
        long reset = f.resetEpochSeconds() > 0 ? f.resetEpochSeconds()
                : nowSec + Math.max(60, f.retryAfterSeconds());
        String body;
        switch (api) {
            case ANTHROPIC -> {
                h.put("request-id", "req_fake" + n);
                if (limited) {
                    h.put("anthropic-ratelimit-unified-status", "rate_limited");
                    if (f.resetEpochSeconds() > 0) h.put("anthropic-ratelimit-unified-reset", Long.toString(f.resetEpochSeconds()));
                }
                if (f.status() == 529 || f.status() >= 500) h.put("x-should-retry", "true");
                body = Transcripts.anthropicError(f.errorType(), message(f.errorType()));
            }
            case OPENAI -> {
                h.put("x-request-id", "req_fake" + n);
                if (limited) {
                    h.put("x-ratelimit-limit-requests", "10000");
                    h.put("x-ratelimit-remaining-requests", "0");
                    h.put("x-ratelimit-reset-requests", Math.max(0, reset - nowSec) + "s");
                    body = Transcripts.openAiError("requests", "rate_limit_exceeded", "Rate limit reached for requests");
                } else {
                    body = Transcripts.openAiError(f.status() >= 500 ? "server_error" : "invalid_request_error",
                            f.errorType(), message(f.errorType()));
                }
            }
            case CODEX -> {
                h.put("x-request-id", "req_fake" + n);
                if (limited) {
                    h.put("x-codex-primary-used-percent", "100");
                    h.put("x-codex-primary-window-minutes", "300");
                    h.put("x-codex-primary-reset-at", Long.toString(reset));
                    h.put("x-codex-primary-reset-after-seconds", Long.toString(Math.max(0, reset - nowSec)));
                    body = Transcripts.write(Transcripts.JSON.createObjectNode().set("error",
                            Transcripts.JSON.createObjectNode().put("type", "usage_limit_reached")
                                    .put("message", "The usage limit has been reached").put("plan_type", "pro")
                                    .put("resets_at", reset).put("resets_in_seconds", Math.max(0, reset - nowSec))));
                } else {
                    body = Transcripts.openAiError(f.status() >= 500 ? "server_error" : "invalid_request_error",
                            f.errorType(), message(f.errorType()));
                }
            }
            case OAUTH -> {
                String error = switch (f.status()) {
                    case 400 -> "invalid_grant";
                    case 401 -> "invalid_client";
                    case 429 -> "rate_limit_exceeded";
                    default -> f.status() >= 500 ? "server_error" : "invalid_request";
                };
                body = Transcripts.write(Transcripts.JSON.createObjectNode().put("error", error)
                        .put("error_description", message(f.errorType())));
            }
            default -> throw new IllegalStateException("unknown api " + api);
        }
        ex.finish(body);
    }
}

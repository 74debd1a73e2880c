package ccflare.providers.translate;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/**
 * Translation between the Anthropic Messages, OpenAI Chat and OpenAI Responses grammars, as pure
 * functions. Requests go client → upstream: Messages → Chat, Messages → Responses, Chat →
 * Messages, Responses → Messages, Chat → Responses (for Codex), and Responses → Responses with
 * Codex's normalisation only; replies and streams go back the same pair reversed. Every mapping
 * and every dropped field is listed in {@code docs/api.md}.
 */
public final class Translations {
    private Translations() {}

    /**
     * The client's request body in the upstream's grammar.
     *
     * @param codex whether the upstream is the ChatGPT Codex backend (Responses only), which needs
     *              its normalisation on top
     * @throws IllegalArgumentException for a pair that is not translated (the same grammar without
     *         {@code codex}, or Responses → Chat)
     */
    public static Translation request(Dialect client, Dialect upstream, boolean codex, JsonNode body) {
        requireNonNull(body, "body");
        if (codex && upstream != Dialect.RESPONSES) throw new IllegalArgumentException("codex speaks only Responses, not " + upstream);
        if (!body.isObject()) return new Translation.Refused("(body)", "expected a JSON object");
        try {
            ObjectNode out = switch (pair(client, upstream)) {
                case "MESSAGES>CHAT" -> MessagesRequests.toChat(body);
                case "MESSAGES>RESPONSES" -> MessagesRequests.toResponses(body);
                case "CHAT>MESSAGES" -> OpenAiRequests.chatToMessages(body);
                case "RESPONSES>MESSAGES" -> OpenAiRequests.responsesToMessages(body);
                case "CHAT>RESPONSES" -> ChatToResponses.translate(body);
                case "RESPONSES>RESPONSES" -> {
                    if (!codex) throw unsupported(client, upstream);
                    yield ((ObjectNode) body).deepCopy();
                }
                default -> throw unsupported(client, upstream);
            };
            return new Translation.Translated(codex ? CodexNormalisation.apply(out) : out);
        } catch (Untranslatable e) {
            return new Translation.Refused(e.field, e.getMessage());
        } catch (ClassCastException | NullPointerException e) {
            return new Translation.Refused("(body)", "a field has an unexpected type");
        }
    }

    /** A whole successful upstream body in the client's grammar; a body that is not JSON is a 502. */
    public static ClientBody reply(Dialect upstream, Dialect client, byte[] body, long createdEpochSeconds) {
        requireNonNull(body, "body");
        JsonNode tree = Trees.parseOrNull(new String(body, StandardCharsets.UTF_8));
        if (tree == null || !tree.isObject()) {
            return error(client, 502, "the upstream answered a body that is not JSON");
        }
        JsonNode out = switch (pair(upstream, client)) {
            case "MESSAGES>CHAT" -> Replies.messagesToChat(tree, createdEpochSeconds);
            case "MESSAGES>RESPONSES" -> Replies.messagesToResponses(tree, createdEpochSeconds);
            case "CHAT>MESSAGES" -> Replies.chatToMessages(tree);
            case "RESPONSES>MESSAGES" -> Replies.responsesToMessages(tree);
            case "RESPONSES>CHAT" -> Replies.responsesToChat(tree, createdEpochSeconds);
            case "RESPONSES>RESPONSES" -> tree;
            default -> throw unsupported(upstream, client);
        };
        return new ClientBody(200, bytes(out));
    }

    /**
     * A stream translator, upstream events in, client events out.
     *
     * @param includeUsage for a Chat client: whether it asked for {@code stream_options.include_usage}
     */
    public static StreamTranslator stream(Dialect upstream, Dialect client, long createdEpochSeconds, boolean includeUsage) {
        return switch (pair(upstream, client)) {
            case "MESSAGES>CHAT" -> new MessagesStreamToChat(createdEpochSeconds, includeUsage);
            case "MESSAGES>RESPONSES" -> new MessagesStreamToResponses(createdEpochSeconds);
            case "CHAT>MESSAGES" -> new ChatStreamToMessages();
            case "RESPONSES>MESSAGES" -> new ResponsesStreamToMessages();
            case "RESPONSES>CHAT" -> new ResponsesStreamToChat(createdEpochSeconds, includeUsage);
            default -> throw unsupported(upstream, client);
        };
    }

    /**
     * For a client that asked for one JSON body from a Responses upstream that streams anyway
     * (Codex): emits exactly one event, whose data is the client's whole body in its grammar (a
     * Messages message, a Chat completion, a Responses object, or an error), when the upstream
     * stream ends.
     */
    public static StreamTranslator responsesStreamToReply(Dialect client, long createdEpochSeconds) {
        return new ResponsesStreamToReply(client, createdEpochSeconds);
    }

    /** An upstream error body (any family's shape, or not JSON) in the client's shape, with the upstream's status. */
    public static ClientBody upstreamError(Dialect client, int status, byte[] body) {
        String raw = new String(requireNonNull(body, "body"), StandardCharsets.UTF_8);
        return error(client, status, ErrorShapes.message(Trees.parseOrNull(raw), raw));
    }

    /** A refused request: 400 in the client's shape, naming the field. */
    public static ClientBody refused(Dialect client, Translation.Refused refused) {
        return error(client, 400, refused.message());
    }

    /** An error the daemon itself answers, in the client's shape. */
    public static ClientBody error(Dialect client, int status, String message) {
        JsonNode out = client == Dialect.MESSAGES
                ? ErrorShapes.anthropic(ErrorShapes.anthropicType(status), message)
                : ErrorShapes.openAi(ErrorShapes.openAiType(status), message, status == 429 ? "rate_limit_exceeded" : null);
        return new ClientBody(status, bytes(out));
    }

    private static byte[] bytes(JsonNode node) {
        return Trees.write(node).getBytes(StandardCharsets.UTF_8);
    }

    private static String pair(Dialect from, Dialect to) {
        return requireNonNull(from, "from") + ">" + requireNonNull(to, "to");
    }

    private static IllegalArgumentException unsupported(Dialect from, Dialect to) {
        return new IllegalArgumentException("no translation from " + from + " to " + to);
    }
}

package ccflare.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/** Builds the bodies real providers send: Anthropic Messages, OpenAI Chat Completions and Responses. */
final class Transcripts {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOOL_INPUT = "{\"query\": \"fake upstream\", \"limit\": 3}";

    private Transcripts() {}

    /** One SSE event; {@code event} null means a bare {@code data:} line (OpenAI chat). */
    record Frame(String event, String data, boolean delta) {
        String wire() { return (event == null ? "" : "event: " + event + "\n") + "data: " + data + "\n\n"; }
    }

    static String write(Object node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- Anthropic

    private static ObjectNode anthropicUsage(Settings s, long output) {
        ObjectNode u = JSON.createObjectNode();
        u.put("input_tokens", s.tokens().input());
        u.put("cache_creation_input_tokens", s.tokens().cacheCreation());
        u.put("cache_read_input_tokens", s.tokens().cacheRead());
        u.put("output_tokens", output);
        u.put("service_tier", "standard");
        return u;
    }

    static String anthropicMessage(String id, String model, Settings s, String toolName) {
        ObjectNode m = JSON.createObjectNode();
        m.put("id", id);
        m.put("type", "message");
        m.put("role", "assistant");
        m.put("model", model);
        ArrayNode content = m.putArray("content");
        content.addObject().put("type", "text").put("text", s.fullText());
        if (toolName != null) {
            ObjectNode tool = content.addObject().put("type", "tool_use").put("id", "toolu_" + id).put("name", toolName);
            try {
                tool.set("input", JSON.readTree(TOOL_INPUT));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        m.put("stop_reason", toolName == null ? "end_turn" : "tool_use");
        m.putNull("stop_sequence");
        m.set("usage", anthropicUsage(s, s.tokens().output()));
        return write(m);
    }

    static List<Frame> anthropicEvents(String id, String model, Settings s, String toolName) {
        List<Frame> frames = new ArrayList<>();
        ObjectNode message = JSON.createObjectNode();
        message.put("id", id).put("type", "message").put("role", "assistant").put("model", model);
        message.putArray("content");
        message.putNull("stop_reason");
        message.putNull("stop_sequence");
        message.set("usage", anthropicUsage(s, 1));
        ObjectNode start = JSON.createObjectNode().put("type", "message_start");
        start.set("message", message);
        frames.add(new Frame("message_start", write(start), false));

        frames.add(new Frame("content_block_start",
                "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}", false));
        frames.add(new Frame("ping", "{\"type\": \"ping\"}", false));
        for (int i = 0; i < s.deltas(); i++) {
            ObjectNode d = JSON.createObjectNode().put("type", "content_block_delta").put("index", 0);
            d.putObject("delta").put("type", "text_delta").put("text", s.piece(i));
            frames.add(new Frame("content_block_delta", write(d), true));
        }
        frames.add(new Frame("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}", false));
        if (toolName != null) {
            ObjectNode cbs = JSON.createObjectNode().put("type", "content_block_start").put("index", 1);
            cbs.putObject("content_block").put("type", "tool_use").put("id", "toolu_" + id).put("name", toolName)
                    .putObject("input");
            frames.add(new Frame("content_block_start", write(cbs), false));
            int parts = Math.max(2, s.deltas());
            int step = (TOOL_INPUT.length() + parts - 1) / parts;
            for (int from = 0; from < TOOL_INPUT.length(); from += step) {
                ObjectNode d = JSON.createObjectNode().put("type", "content_block_delta").put("index", 1);
                d.putObject("delta").put("type", "input_json_delta")
                        .put("partial_json", TOOL_INPUT.substring(from, Math.min(TOOL_INPUT.length(), from + step)));
                frames.add(new Frame("content_block_delta", write(d), true));
            }
            frames.add(new Frame("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":1}", false));
        }
        ObjectNode md = JSON.createObjectNode().put("type", "message_delta");
        md.putObject("delta").put("stop_reason", toolName == null ? "end_turn" : "tool_use").putNull("stop_sequence");
        md.putObject("usage").put("output_tokens", s.tokens().output());
        frames.add(new Frame("message_delta", write(md), false));
        frames.add(new Frame("message_stop", "{\"type\":\"message_stop\"}", false));
        return frames;
    }

    static String anthropicError(String type, String message) {
        ObjectNode e = JSON.createObjectNode().put("type", "error");
        e.putObject("error").put("type", type).put("message", message);
        return write(e);
    }

    static String anthropicModels() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode data = root.putArray("data");
        for (String[] m : new String[][] {
                {"claude-opus-4-1-20250805", "Claude Opus 4.1"},
                {"claude-sonnet-4-5-20250929", "Claude Sonnet 4.5"},
                {"claude-haiku-4-5-20251001", "Claude Haiku 4.5"}}) {
            data.addObject().put("type", "model").put("id", m[0]).put("display_name", m[1])
                    .put("created_at", "2025-09-29T00:00:00Z");
        }
        root.put("has_more", false);
        root.put("first_id", "claude-opus-4-1-20250805");
        root.put("last_id", "claude-haiku-4-5-20251001");
        return write(root);
    }

    // ---------------------------------------------------------------- OpenAI chat completions

    private static ObjectNode chatUsage(Settings s) {
        ObjectNode u = JSON.createObjectNode();
        u.put("prompt_tokens", s.tokens().input() + s.tokens().cacheRead());
        u.put("completion_tokens", s.tokens().output());
        u.put("total_tokens", s.tokens().input() + s.tokens().cacheRead() + s.tokens().output());
        u.putObject("prompt_tokens_details").put("cached_tokens", s.tokens().cacheRead());
        u.putObject("completion_tokens_details").put("reasoning_tokens", s.tokens().reasoning());
        return u;
    }

    static String chatCompletion(String id, String model, long created, Settings s) {
        ObjectNode c = JSON.createObjectNode().put("id", id).put("object", "chat.completion").put("created", created)
                .put("model", model);
        ObjectNode choice = c.putArray("choices").addObject().put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", s.fullText());
        choice.put("finish_reason", "stop");
        c.set("usage", chatUsage(s));
        return write(c);
    }

    static List<Frame> chatChunks(String id, String model, long created, Settings s, boolean includeUsage) {
        List<Frame> frames = new ArrayList<>();
        for (int i = -1; i <= s.deltas(); i++) {
            ObjectNode c = JSON.createObjectNode().put("id", id).put("object", "chat.completion.chunk")
                    .put("created", created).put("model", model);
            ObjectNode choice = c.putArray("choices").addObject().put("index", 0);
            ObjectNode delta = choice.putObject("delta");
            if (i == -1) delta.put("role", "assistant").put("content", "");
            else if (i < s.deltas()) delta.put("content", s.piece(i));
            if (i == s.deltas()) choice.put("finish_reason", "stop");
            else choice.putNull("finish_reason");
            if (includeUsage) c.putNull("usage");
            frames.add(new Frame(null, write(c), i >= 0 && i < s.deltas()));
        }
        if (includeUsage) {
            ObjectNode c = JSON.createObjectNode().put("id", id).put("object", "chat.completion.chunk")
                    .put("created", created).put("model", model);
            c.putArray("choices");
            c.set("usage", chatUsage(s));
            frames.add(new Frame(null, write(c), false));
        }
        frames.add(new Frame(null, "[DONE]", false));
        return frames;
    }

    static String openAiError(String type, String code, String message) {
        ObjectNode e = JSON.createObjectNode();
        ObjectNode err = e.putObject("error").put("message", message).put("type", type);
        err.putNull("param");
        if (code == null) err.putNull("code");
        else err.put("code", code);
        return write(e);
    }

    static String openAiModels() {
        ObjectNode root = JSON.createObjectNode().put("object", "list");
        ArrayNode data = root.putArray("data");
        for (String id : new String[] {"gpt-5", "gpt-5-mini", "gpt-4.1"}) {
            data.addObject().put("id", id).put("object", "model").put("created", 1754524800L).put("owned_by", "openai");
        }
        return write(root);
    }

    // ---------------------------------------------------------------- OpenAI / Codex responses

    private static ObjectNode responseObject(String id, String model, long created, Settings s, boolean completed) {
        ObjectNode r = JSON.createObjectNode().put("id", id).put("object", "response").put("created_at", created)
                .put("status", completed ? "completed" : "in_progress").put("model", model);
        ArrayNode output = r.putArray("output");
        if (completed) {
            output.add(outputMessage(id, s.fullText(), true));
            ObjectNode u = r.putObject("usage");
            u.put("input_tokens", s.tokens().input() + s.tokens().cacheRead());
            u.putObject("input_tokens_details").put("cached_tokens", s.tokens().cacheRead());
            u.put("output_tokens", s.tokens().output());
            u.putObject("output_tokens_details").put("reasoning_tokens", s.tokens().reasoning());
            u.put("total_tokens", s.tokens().input() + s.tokens().cacheRead() + s.tokens().output());
        } else {
            r.putNull("usage");
        }
        return r;
    }

    private static ObjectNode outputMessage(String responseId, String text, boolean done) {
        ObjectNode item = JSON.createObjectNode().put("id", "msg_" + responseId).put("type", "message")
                .put("status", done ? "completed" : "in_progress").put("role", "assistant");
        ArrayNode content = item.putArray("content");
        if (done) content.addObject().put("type", "output_text").put("text", text).putArray("annotations");
        return item;
    }

    static String response(String id, String model, long created, Settings s) {
        return write(responseObject(id, model, created, s, true));
    }

    static List<Frame> responseEvents(String id, String model, long created, Settings s) {
        List<Frame> frames = new ArrayList<>();
        int[] seq = {0};
        java.util.function.BiConsumer<String, ObjectNode> add = (type, node) -> {
            ObjectNode e = JSON.createObjectNode().put("type", type).put("sequence_number", seq[0]++);
            e.setAll(node);
            frames.add(new Frame(type, write(e), type.equals("response.output_text.delta")));
        };
        String itemId = "msg_" + id;
        add.accept("response.created", (ObjectNode) JSON.createObjectNode().set("response", responseObject(id, model, created, s, false)));
        add.accept("response.in_progress", (ObjectNode) JSON.createObjectNode().set("response", responseObject(id, model, created, s, false)));
        ObjectNode added = JSON.createObjectNode().put("output_index", 0);
        added.set("item", outputMessage(id, "", false));
        add.accept("response.output_item.added", added);
        ObjectNode partAdded = JSON.createObjectNode().put("item_id", itemId).put("output_index", 0).put("content_index", 0);
        partAdded.putObject("part").put("type", "output_text").put("text", "").putArray("annotations");
        add.accept("response.content_part.added", partAdded);
        for (int i = 0; i < s.deltas(); i++) {
            add.accept("response.output_text.delta", JSON.createObjectNode().put("item_id", itemId).put("output_index", 0)
                    .put("content_index", 0).put("delta", s.piece(i)));
        }
        add.accept("response.output_text.done", JSON.createObjectNode().put("item_id", itemId).put("output_index", 0)
                .put("content_index", 0).put("text", s.fullText()));
        ObjectNode partDone = JSON.createObjectNode().put("item_id", itemId).put("output_index", 0).put("content_index", 0);
        partDone.putObject("part").put("type", "output_text").put("text", s.fullText()).putArray("annotations");
        add.accept("response.content_part.done", partDone);
        ObjectNode itemDone = JSON.createObjectNode().put("output_index", 0);
        itemDone.set("item", outputMessage(id, s.fullText(), true));
        add.accept("response.output_item.done", itemDone);
        add.accept("response.completed", (ObjectNode) JSON.createObjectNode().set("response", responseObject(id, model, created, s, true)));
        return frames;
    }
}

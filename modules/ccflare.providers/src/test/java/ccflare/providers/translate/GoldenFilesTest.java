package ccflare.providers.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every direction against transcripts written down from the public API references, under
 * {@code src/test/resources/translate/<client>-via-<upstream>/}: the client's request → the
 * upstream request, the upstream's JSON reply → the client's, the upstream's SSE (whole and cut
 * short) → the client's. The expected files were reviewed by hand; {@code
 * -Dtranslate.golden.write=true} writes a missing one from the current code for review.
 */
class GoldenFilesTest {
    static final Path ROOT = Path.of("src/test/resources/translate");
    static final long CREATED = 1_700_000_000L;

    @Test
    void messagesClientOnChatUpstream() throws IOException {
        check("messages-via-chat", Dialect.MESSAGES, Dialect.CHAT, false);
    }

    @Test
    void messagesClientOnResponsesUpstream() throws IOException {
        check("messages-via-responses", Dialect.MESSAGES, Dialect.RESPONSES, false);
    }

    @Test
    void messagesClientOnCodexUpstreamIsNormalised() throws IOException {
        Path dir = ROOT.resolve("messages-via-responses");
        Translation t = Translations.request(Dialect.MESSAGES, Dialect.RESPONSES, true, json(dir.resolve("request.json")));
        assertThat(t).isInstanceOf(Translation.Translated.class);
        assertJson(dir.resolve("codex-request.json"), ((Translation.Translated) t).body());
    }

    @Test
    void chatClientOnMessagesUpstream() throws IOException {
        check("chat-via-messages", Dialect.CHAT, Dialect.MESSAGES, true);
    }

    @Test
    void responsesClientOnMessagesUpstream() throws IOException {
        check("responses-via-messages", Dialect.RESPONSES, Dialect.MESSAGES, false);
    }

    @Test
    void codexStreamAnsweredAsOneMessagesBody() throws IOException {
        Path dir = ROOT.resolve("messages-via-responses");
        List<SseEvent> out = translate(Translations.responsesStreamToReply(Dialect.MESSAGES, CREATED), Files.readAllBytes(dir.resolve("upstream.sse")), false);
        assertThat(out).hasSize(1);
        assertJson(dir.resolve("reply-from-stream.json"), Trees.parse(out.get(0).data(), "reply"));
    }

    @Test
    void chatClientOnCodexUpstream() throws IOException {
        Path dir = ROOT.resolve("chat-via-responses");
        Translation t = Translations.request(Dialect.CHAT, Dialect.RESPONSES, true, json(dir.resolve("request.json")));
        assertThat(t).as("request translation").isInstanceOf(Translation.Translated.class);
        assertJson(dir.resolve("codex-request.json"), ((Translation.Translated) t).body());
        for (String stream : List.of("", "-interrupted")) {
            StreamTranslator translator = Translations.stream(Dialect.RESPONSES, Dialect.CHAT, CREATED, true);
            List<SseEvent> out = translate(translator, Files.readAllBytes(dir.resolve("upstream" + stream + ".sse")), true);
            assertThat(translator.complete()).isEqualTo(stream.isEmpty());
            assertSse(dir.resolve("client" + stream + ".sse"), out);
        }
        List<SseEvent> reply = translate(Translations.responsesStreamToReply(Dialect.CHAT, CREATED), Files.readAllBytes(dir.resolve("upstream.sse")), false);
        assertThat(reply).hasSize(1);
        assertJson(dir.resolve("reply-from-stream.json"), Trees.parse(reply.get(0).data(), "reply"));
    }

    @Test
    void responsesClientOnCodexUpstreamIsOnlyNormalised() throws IOException {
        Path dir = ROOT.resolve("responses-via-codex");
        Translation t = Translations.request(Dialect.RESPONSES, Dialect.RESPONSES, true, json(dir.resolve("request.json")));
        assertThat(t).as("request translation").isInstanceOf(Translation.Translated.class);
        assertJson(dir.resolve("codex-request.json"), ((Translation.Translated) t).body());
        List<SseEvent> reply = translate(Translations.responsesStreamToReply(Dialect.RESPONSES, CREATED), Files.readAllBytes(dir.resolve("upstream.sse")), false);
        assertThat(reply).hasSize(1);
        assertJson(dir.resolve("reply-from-stream.json"), Trees.parse(reply.get(0).data(), "reply"));
    }

    @Test
    void responsesToResponsesWithoutCodexIsNotATranslation() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Translations.request(Dialect.RESPONSES, Dialect.RESPONSES, false, Trees.object()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RESPONSES");
    }

    private void check(String name, Dialect client, Dialect upstream, boolean includeUsage) throws IOException {
        Path dir = ROOT.resolve(name);
        Translation t = Translations.request(client, upstream, false, json(dir.resolve("request.json")));
        assertThat(t).as("request translation").isInstanceOf(Translation.Translated.class);
        assertJson(dir.resolve("upstream-request.json"), ((Translation.Translated) t).body());

        ClientBody reply = Translations.reply(upstream, client, Files.readAllBytes(dir.resolve("upstream-reply.json")), CREATED);
        assertThat(reply.status()).isEqualTo(200);
        assertJson(dir.resolve("reply.json"), Trees.parse(new String(reply.body(), StandardCharsets.UTF_8), "reply"));

        for (String stream : List.of("", "-interrupted")) {
            StreamTranslator translator = Translations.stream(upstream, client, CREATED, includeUsage);
            List<SseEvent> out = translate(translator, Files.readAllBytes(dir.resolve("upstream" + stream + ".sse")), true);
            assertThat(translator.complete()).isEqualTo(stream.isEmpty());
            assertSse(dir.resolve("client" + stream + ".sse"), out);
        }
    }

    /**
     * Feeds the upstream body one byte at a time and checks that every upstream event carrying a
     * delta yields its client event(s) before the next upstream byte arrives.
     */
    static List<SseEvent> translate(StreamTranslator translator, byte[] upstream, boolean checkIncremental) {
        List<SseEvent> out = new ArrayList<>();
        SseFramer framer = new SseFramer(1 << 20, (name, data) -> {
            int before = out.size();
            translator.onEvent(name, data, out::add);
            if (checkIncremental && data.contains("delta\"") && !data.contains("signature_delta") && !data.contains("\"partial_json\":\"\"")) {
                assertThat(out.size()).as("client events right after upstream event %s", data).isGreaterThan(before);
            }
        });
        for (int i = 0; i < upstream.length; i++) framer.accept(upstream, i, 1);
        framer.finish();
        translator.onEnd(out::add);
        return out;
    }

    static JsonNode json(Path path) throws IOException {
        return Trees.parse(Files.readString(path), path.toString());
    }

    private static void assertJson(Path expected, JsonNode tree) throws IOException {
        // Through text and back: numbers compare by value, not by the node class that built them.
        JsonNode actual = Trees.parse(Trees.write(tree), "actual");
        if (!Files.exists(expected) && Boolean.getBoolean("translate.golden.write")) {
            Files.writeString(expected, Trees.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(actual) + "\n");
        }
        assertThat(actual).as(expected.toString()).isEqualTo(json(expected));
    }

    private static void assertSse(Path expected, List<SseEvent> actual) throws IOException {
        if (!Files.exists(expected) && Boolean.getBoolean("translate.golden.write")) {
            StringBuilder text = new StringBuilder();
            for (SseEvent e : actual) text.append(new String(e.bytes(), StandardCharsets.UTF_8));
            Files.writeString(expected, text);
        }
        List<String> want = new ArrayList<>();
        List<JsonNode> wantData = new ArrayList<>();
        new SseFramer(1 << 20, (n, d) -> {
            want.add(n);
            wantData.add(d.equals("[DONE]") ? Trees.NODES.textNode(d) : Trees.parse(d, expected.toString()));
        }).accept(Files.readAllBytes(expected), 0, (int) Files.size(expected));
        assertThat(actual.stream().map(SseEvent::name).toList()).as(expected + " event names").isEqualTo(want);
        for (int i = 0; i < actual.size(); i++) {
            String d = actual.get(i).data();
            JsonNode got = d.equals("[DONE]") ? Trees.NODES.textNode(d) : Trees.parse(d, "actual");
            assertThat(got).as(expected + " event " + i).isEqualTo(wantData.get(i));
        }
    }
}

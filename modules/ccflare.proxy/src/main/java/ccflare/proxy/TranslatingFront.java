package ccflare.proxy;

import ccflare.core.Account;
import ccflare.core.ProviderKind;
import ccflare.providers.translate.ClientBody;
import ccflare.providers.translate.Dialect;
import ccflare.providers.translate.Translation;
import ccflare.providers.translate.Translations;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The door of the translating routes ({@code /v1/ccflare/**}): checks the client like every
 * route does, reads the JSON body (bounded), picks the family from the model's prefix, translates
 * the body, and hands the request to the same {@link Exchange} as the pass-through routes (one
 * code path for selection, failover, cool-downs and the record), with a {@link TranslatingResponse}
 * that turns the answer into the client's grammar. What it refuses itself (bad JSON, no prefix, a
 * field that cannot be translated, no account of the family) is answered in the client's shape
 * and not recorded, like the proxy's other refusals before an account is chosen.
 */
final class TranslatingFront {
    private static final Logger LOG = LoggerFactory.getLogger(TranslatingFront.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Proxy proxy;
    private final Request request;
    private final Response response;
    private final Callback callback;
    private final String path;
    private final Dialect client;

    TranslatingFront(Proxy proxy, Request request, Response response, Callback callback, String path, Dialect client) {
        this.proxy = proxy;
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.path = path;
        this.client = client;
    }

    void begin() {
        var refusal = ClientGate.check(proxy.hosts, request.getHeaders(), request.isSecure());
        if (refusal.isPresent()) {
            refuseUnread(Translations.error(client, refusal.get().status(), refusal.get().message()));
            return;
        }
        if (!"POST".equals(request.getMethod())) {
            refuseUnread(Translations.error(client, 405, "the translating routes take POST with a JSON body"));
            return;
        }
        BodyReader.read(request, proxy.config.maxBodyBytes(), new BodyReader.Outcome() {
            @Override
            public void read(byte[] whole) {
                translate(whole);
            }

            @Override
            public void tooLarge() {
                // Not read further: the rest of the body may still be on its way, so the connection ends with the answer.
                response.getHeaders().put(HttpHeader.CONNECTION, "close");
                answer(Translations.error(client, 413, "request body exceeds the limit of " + proxy.config.maxBodyBytes() + " bytes"));
            }

            @Override
            public void failed(Throwable failure) {
                callback.failed(failure);
            }
        });
    }

    private void translate(byte[] body) {
        JsonNode tree;
        try {
            tree = JSON.readTree(body);
        } catch (java.io.IOException e) {
            answer(Translations.error(client, 400, "the request body is not JSON: " + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage())));
            return;
        }
        if (tree == null || !tree.isObject()) {
            answer(Translations.error(client, 400, "the request body must be a JSON object"));
            return;
        }
        Object decided = TranslatingRoute.plan(client, tree.path("model").asText(""), hasAccount(ProviderKind.CODEX));
        if (decided instanceof String sentence) {
            answer(Translations.error(client, 400, sentence));
            return;
        }
        TranslatingRoute.Plan plan = (TranslatingRoute.Plan) decided;
        if (!hasAccount(plan)) {
            String family = plan.upstream() == Dialect.MESSAGES ? "anthropic" : "openai";
            answer(Translations.error(client, 503, "No usable accounts available for the '" + family + "' compatibility family"));
            return;
        }
        ((ObjectNode) tree).put("model", plan.model());
        boolean streams = tree.path("stream").asBoolean(false);
        boolean includeUsage = tree.path("stream_options").path("include_usage").asBoolean(false);
        byte[] upstreamBody;
        if (plan.rewritesRequest()) {
            Translation t = Translations.request(plan.client(), plan.upstream(), plan.codex(), tree);
            if (t instanceof Translation.Refused refused) {
                answer(Translations.refused(client, refused));
                return;
            }
            upstreamBody = write(((Translation.Translated) t).body());
        } else {
            upstreamBody = write(tree);
        }
        String translation = plan.translation().orElse(null);
        if (LOG.isDebugEnabled()) LOG.debug("C2P {} {} translation {} model {}", request.getMethod(), path, translation, plan.model());
        Request translated = new TranslatedRequest(request, upstreamBody, plan.upstream() == Dialect.MESSAGES);
        Response out = plan.rewritesResponse(streams)
                ? new TranslatingResponse(translated, response, plan, streams, includeUsage, proxy.clock.millis() / 1000,
                        (int) Math.min(Integer.MAX_VALUE, Math.max(proxy.config.maxBodyBytes(), 1 << 20) * 8))
                : response;
        new Exchange(proxy, translated, out, callback, plan.match(), path).translation(translation).begin();
    }

    private boolean hasAccount(TranslatingRoute.Plan plan) {
        for (Account a : proxy.accounts.accounts()) if (plan.match().kinds().contains(a.provider())) return true;
        return false;
    }

    private boolean hasAccount(ProviderKind kind) {
        for (Account a : proxy.accounts.accounts()) if (a.provider() == kind) return true;
        return false;
    }

    private static byte[] write(JsonNode tree) {
        try {
            return JSON.writeValueAsBytes(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree did not serialise", e);
        }
    }

    /** A refusal before the body was read: the body is discarded first, so the client's connection stays usable. */
    private void refuseUnread(ClientBody body) {
        UnreadBody.discardThen(request, response, proxy.config.maxBodyBytes(), () -> answer(body));
    }

    private void answer(ClientBody body) {
        response.setStatus(body.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body.body()), callback);
    }

    /** Any other {@code /v1/ccflare/**} path: 404 naming the routes, never the drop-in Anthropic route; the body is discarded first. */
    static void notFound(Request request, Response response, Callback callback, String path, long maxBodyBytes) {
        ClientBody body = Translations.error(path.startsWith(TranslatingRoute.PREFIX + "openai/") ? Dialect.CHAT : Dialect.MESSAGES, 404,
                "no translating route " + path + " (expected: POST " + TranslatingRoute.MESSAGES_PATH + ", "
                        + TranslatingRoute.CHAT_PATH + " or " + TranslatingRoute.RESPONSES_PATH + ", or GET "
                        + TranslatingRoute.ANTHROPIC_MODELS_PATH + " or " + TranslatingRoute.OPENAI_MODELS_PATH + ")");
        UnreadBody.discardThen(request, response, maxBodyBytes, () -> {
            response.setStatus(404);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.write(true, ByteBuffer.wrap(body.body()), callback);
        });
    }
}

package ccflare.proxy;

import ccflare.core.Account;
import ccflare.providers.ApiFamily;
import ccflare.providers.translate.ClientBody;
import ccflare.providers.translate.Dialect;
import ccflare.providers.translate.Translations;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /v1/ccflare/{anthropic|openai}/models} (and {@code …/anthropic/v1/models}, where an
 * Anthropic SDK with base URL {@code …/v1/ccflare/anthropic} asks): answered by the daemon from
 * the pricing table's models and the configured accounts ({@link ModelList}), never sent upstream
 * and not recorded. The Host/Origin rule and client keys apply as on every {@code /v1/**} route.
 */
final class TranslatingModels {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TranslatingModels() {}

    static void answer(Proxy proxy, Request request, Response response, Callback callback, Dialect client) {
        // A GET has no body as a rule; one that has is discarded first, so the connection stays usable.
        UnreadBody.discardThen(request, response, proxy.config.maxBodyBytes(), () -> list(proxy, request, response, callback, client));
    }

    private static void list(Proxy proxy, Request request, Response response, Callback callback, Dialect client) {
        var refusal = ClientGate.check(proxy.hosts, request.getHeaders(), request.isSecure());
        if (refusal.isPresent()) {
            write(response, callback, Translations.error(client, refusal.get().status(), refusal.get().message()));
            return;
        }
        var key = proxy.admission.admit(request.getHeaders(), proxy.clock.millis());
        if (!key.admitted()) {
            if (key.retryAfterSeconds() > 0) response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(key.retryAfterSeconds()));
            write(response, callback, Translations.error(client, key.status(), key.message()));
            return;
        }
        if (!"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod())) {
            write(response, callback, Translations.error(client, 405, "the model list takes GET"));
            return;
        }
        Set<ApiFamily> families = EnumSet.noneOf(ApiFamily.class);
        for (Account a : proxy.accounts.accounts()) families.add(ApiFamily.of(a.provider()));
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(ModelList.of(client, families, proxy.pricing.models()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree did not serialise", e);
        }
        write(response, callback, new ClientBody(200, body));
    }

    private static void write(Response response, Callback callback, ClientBody body) {
        response.setStatus(body.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body.body()), callback);
    }
}

package ccflare.proxy;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * The client's request as {@link Exchange} sees it on a translating route: the translated body
 * (already read whole, as Exchange would), and the headers the upstream family expects.
 */
final class TranslatedRequest extends Request.Wrapper {
    private final byte[] body;
    private final HttpFields headers;
    private boolean read;

    TranslatedRequest(Request wrapped, byte[] body, boolean anthropicUpstream) {
        super(wrapped);
        this.body = body;
        HttpFields.Mutable fields = HttpFields.build(wrapped.getHeaders());
        fields.put(HttpHeader.CONTENT_LENGTH, Long.toString(body.length));
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        // The translated body is what the upstream reads; its answer must come back uncompressed for the translator.
        fields.remove(HttpHeader.ACCEPT_ENCODING);
        if (anthropicUpstream) {
            if (!fields.contains("anthropic-version")) fields.put("anthropic-version", "2023-06-01");
        } else {
            fields.remove("anthropic-version");
            fields.remove("anthropic-beta");
        }
        this.headers = fields.asImmutable();
    }

    @Override
    public HttpFields getHeaders() {
        return headers;
    }

    @Override
    public long getLength() {
        return body.length;
    }

    @Override
    public Content.Chunk read() {
        if (read) return Content.Chunk.EOF;
        read = true;
        return Content.Chunk.from(ByteBuffer.wrap(body), true);
    }

    @Override
    public void demand(Runnable demandCallback) {
        demandCallback.run();
    }
}

package ccflare.proxy;

import ccflare.providers.translate.ClientBody;
import ccflare.providers.translate.Dialect;
import ccflare.providers.translate.SseEvent;
import ccflare.providers.translate.SseFramer;
import ccflare.providers.translate.StreamTranslator;
import ccflare.providers.translate.Translations;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The client's response on a translating route. {@link Exchange} writes the upstream's status,
 * headers and bytes as they come (its usage scanner has already read them, so usage and cost are
 * in the upstream's terms); this wrapper turns them into the client's grammar on the way out:
 * <ul>
 *   <li>a 2xx event stream, for a client that asked to stream: each write is cut into events and
 *       each event translated at once, so every client event leaves with the upstream write that
 *       completed it;</li>
 *   <li>a 2xx event stream for a client that asked for JSON (Codex always streams): collected,
 *       answered as one JSON body at the end;</li>
 *   <li>a 2xx JSON body: translated whole at the end (it is one value);</li>
 *   <li>any other status, the upstream's or the proxy's own: the error body in the client's
 *       shape, the status and the headers ({@code retry-after}) kept.</li>
 * </ul>
 * Writes from Exchange come one at a time, never concurrently.
 */
final class TranslatingResponse extends Response.Wrapper {
    /** Bigger events end the stream with an error: the framer never buffers on without bound. */
    static final int MAX_EVENT = 8 << 20;
    private enum Mode { UNDECIDED, STREAM, STREAM_TO_BODY, BODY }

    private final Dialect client;
    private final Dialect upstream;
    private final boolean clientStreams;
    private final boolean includeUsage;
    private final long createdEpochSeconds;
    private final int maxBody;
    private Mode mode = Mode.UNDECIDED;
    private SseFramer framer;
    private StreamTranslator translator;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    private final Consumer<SseEvent> sink;
    private ByteArrayOutputStream whole;
    private int status;
    private boolean singleBody;

    TranslatingResponse(Request request, Response wrapped, TranslatingRoute.Plan plan, boolean clientStreams,
                        boolean includeUsage, long createdEpochSeconds, int maxBody) {
        super(request, wrapped);
        this.client = plan.client();
        this.upstream = plan.upstream();
        this.clientStreams = clientStreams;
        this.includeUsage = includeUsage;
        this.createdEpochSeconds = createdEpochSeconds;
        this.maxBody = maxBody;
        this.sink = event -> {
            if (singleBody) out.writeBytes(event.data().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            else event.writeTo(out);
        };
    }

    @Override
    public void write(boolean last, ByteBuffer content, Callback callback) {
        if (mode == Mode.UNDECIDED) decide();
        byte[] bytes = new byte[content == null ? 0 : content.remaining()];
        if (bytes.length > 0) content.get(bytes);
        switch (mode) {
            case STREAM, STREAM_TO_BODY -> {
                // A stream's events leave with each write; a collected answer stays until the end.
                if (mode == Mode.STREAM) out.reset();
                try {
                    framer.accept(bytes, 0, bytes.length);
                    if (last) {
                        framer.finish();
                        translator.onEnd(sink);
                    }
                } catch (IllegalStateException tooLong) {
                    translator.onEnd(sink);
                    last = true;
                }
                if (mode == Mode.STREAM) {
                    super.write(last, ByteBuffer.wrap(out.toByteArray()), callback);
                } else if (last) {
                    byte[] body = out.size() > 0 ? out.toByteArray()
                            : Translations.error(client, 502, "the upstream stream ended without an answer").body();
                    getWrapped().getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                    super.write(true, ByteBuffer.wrap(body), callback);
                } else {
                    // Held until the whole answer is known; out keeps only what the collector emitted.
                    callback.succeeded();
                }
            }
            case BODY -> {
                if (whole.size() + bytes.length <= maxBody) whole.writeBytes(bytes);
                if (!last) {
                    callback.succeeded();
                    return;
                }
                ClientBody body = status >= 200 && status < 300
                        ? Translations.reply(upstream, client, whole.toByteArray(), createdEpochSeconds)
                        : Translations.upstreamError(client, status, whole.toByteArray());
                if (body.status() != status) getWrapped().setStatus(body.status());
                getWrapped().getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                super.write(true, ByteBuffer.wrap(body.body()), callback);
            }
            case UNDECIDED -> throw new IllegalStateException("unreachable");
        }
    }

    /** On the first write the status and headers are set: choose how to translate the body. */
    private void decide() {
        HttpFields.Mutable headers = getWrapped().getHeaders();
        status = getWrapped().getStatus();
        String type = headers.get(HttpHeader.CONTENT_TYPE);
        // The body's length changes; Jetty computes the new one (or chunks a stream).
        headers.remove(HttpHeader.CONTENT_LENGTH);
        headers.remove(HttpHeader.CONTENT_ENCODING);
        boolean sse = status >= 200 && status < 300 && type != null && type.contains("text/event-stream");
        if (sse && clientStreams) {
            mode = Mode.STREAM;
            translator = Translations.stream(upstream, client, createdEpochSeconds, includeUsage);
        } else if (sse && upstream == Dialect.RESPONSES) {
            mode = Mode.STREAM_TO_BODY;
            singleBody = true;
            translator = Translations.responsesStreamToReply(client, createdEpochSeconds);
        } else {
            mode = Mode.BODY;
            whole = new ByteArrayOutputStream(4096);
            return;
        }
        framer = new SseFramer(MAX_EVENT, (name, data) -> translator.onEvent(name, data, sink));
    }
}

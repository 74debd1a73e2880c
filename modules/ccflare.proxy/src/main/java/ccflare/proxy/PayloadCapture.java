package ccflare.proxy;

import ccflare.core.RequestRecord;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/**
 * The optional copy of one request and its response for the request log: headers with
 * credentials redacted, bodies capped at a size so a long stream cannot grow memory. Guarded by
 * its owner's lock.
 *
 * <p>It lives as long as its stream, so with thousands of concurrent streams its bytes are most
 * of what each stream keeps on the heap. The request body is the exchange's own array (never
 * written after it was read), not a copy. The response is kept as the pieces that arrived, each
 * copied once at its exact size and joined once at the end: no doubling buffer whose copies and
 * unused half (up to as much again as the stream so far) every stream carried.
 */
final class PayloadCapture {

    static final String REDACTED = "[redacted]";
    /** Headers whose values are never captured; all but x-api-key are Jetty HttpHeaders, matched without lower-casing. */
    static final Set<String> SECRET_HEADERS =
            Set.of("authorization", "x-api-key", "cookie", "set-cookie", "proxy-authorization");
    static final EnumSet<HttpHeader> SECRET_KNOWN = EnumSet.of(HttpHeader.AUTHORIZATION, HttpHeader.COOKIE,
            HttpHeader.SET_COOKIE, HttpHeader.PROXY_AUTHORIZATION);

    private final int maxBytes;
    private List<Map.Entry<String, String>> requestHeaders = List.of();
    private byte[] requestBody = new byte[0];
    private List<Map.Entry<String, String>> responseHeaders = List.of();
    /** The response body as it arrived, at most {@link #maxBytes} in all. */
    private final List<byte[]> responsePieces = new ArrayList<>();
    private int responseLength;
    private boolean truncated;

    PayloadCapture(int maxBytes) { this.maxBytes = maxBytes; }

    /** @param body the request body; kept as it is (not copied) when within the cap, so never change it after */
    void request(HttpFields headers, byte[] body) {
        requestHeaders = redacted(headers);
        if (body.length <= maxBytes) {
            requestBody = body;
        } else {
            truncated = true;
            requestBody = Arrays.copyOf(body, maxBytes);
        }
    }

    void responseHeaders(HttpFields headers) { responseHeaders = redacted(headers); }

    /** Appends response bytes without consuming {@code bytes}. */
    void response(ByteBuffer bytes) {
        int room = maxBytes - responseLength;
        int n = Math.min(room, bytes.remaining());
        if (n < bytes.remaining()) truncated = true;
        if (n <= 0) return;
        byte[] piece = new byte[n];
        bytes.get(bytes.position(), piece);
        responsePieces.add(piece);
        responseLength += n;
    }

    void response(byte[] bytes) { response(ByteBuffer.wrap(bytes)); }

    RequestRecord.Payload toPayload(boolean streamed) {
        return new RequestRecord.Payload(requestHeaders, requestBody, responseHeaders, responseBody(), streamed, truncated);
    }

    private byte[] responseBody() {
        if (responsePieces.size() == 1) return responsePieces.get(0);
        byte[] whole = new byte[responseLength];
        int at = 0;
        for (byte[] piece : responsePieces) {
            System.arraycopy(piece, 0, whole, at, piece.length);
            at += piece.length;
        }
        return whole;
    }

    static List<Map.Entry<String, String>> redacted(HttpFields headers) {
        List<Map.Entry<String, String>> out = new ArrayList<>(headers.size());
        for (HttpField f : headers) {
            HttpHeader known = f.getHeader();
            boolean secret = known != null ? SECRET_KNOWN.contains(known) : f.is("x-api-key");
            String value = secret ? REDACTED : f.getValue();
            out.add(Map.entry(f.getName(), value == null ? "" : value));
        }
        return out;
    }
}

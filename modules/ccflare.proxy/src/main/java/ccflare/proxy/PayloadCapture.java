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
    private byte[] responseBody = new byte[64];
    private int responseLength;
    private boolean truncated;

    PayloadCapture(int maxBytes) { this.maxBytes = maxBytes; }

    void request(HttpFields headers, byte[] body) {
        requestHeaders = redacted(headers);
        int keep = Math.min(body.length, maxBytes);
        if (keep < body.length) truncated = true;
        requestBody = Arrays.copyOf(body, keep);
    }

    void responseHeaders(HttpFields headers) { responseHeaders = redacted(headers); }

    /** Appends response bytes without consuming {@code bytes}. */
    void response(ByteBuffer bytes) {
        int room = maxBytes - responseLength;
        int n = Math.min(room, bytes.remaining());
        if (n < bytes.remaining()) truncated = true;
        if (n <= 0) return;
        if (responseBody.length < responseLength + n) {
            responseBody = Arrays.copyOf(responseBody, Math.min(maxBytes, Math.max(responseLength + n, responseBody.length * 2)));
        }
        bytes.duplicate().get(responseBody, responseLength, n);
        responseLength += n;
    }

    void response(byte[] bytes) { response(ByteBuffer.wrap(bytes)); }

    RequestRecord.Payload toPayload(boolean streamed) {
        return new RequestRecord.Payload(requestHeaders, requestBody, responseHeaders,
                Arrays.copyOf(responseBody, responseLength), streamed, truncated);
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

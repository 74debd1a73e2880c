package ccflare.proxy;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/**
 * The header rules of SPEC §2, both directions. Every header not named here passes unchanged and
 * in order, so clients' unknown headers ({@code x-stainless-*}, {@code x-app}, session ids)
 * reach the provider as sent.
 */
final class HeaderRewrite {

    private HeaderRewrite() {}

    /** Hop-by-hop headers (RFC 9110 §7.6.1 and the legacy ones): they describe one connection, not the message. */
    static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "transfer-encoding",
            "te", "trailer", "upgrade", "proxy-authorization", "proxy-authenticate");

    /*
     * The rules look at the header Jetty recognised while parsing (HttpField.getHeader(), an enum,
     * matched case-insensitively) and compare names only for fields it did not recognise: an
     * EnumSet test costs no hashing and no lower-casing. Every name of HOP_BY_HOP and
     * REQUEST_DROPPED_NAMES is a Jetty HttpHeader (HeaderRewriteTest checks it), so a field with
     * no HttpHeader is none of them; only x-api-key, anthropic-beta and names listed in
     * Connection need a look at the name.
     */
    static final EnumSet<HttpHeader> HOP_BY_HOP_HEADERS = EnumSet.of(HttpHeader.CONNECTION,
            HttpHeader.KEEP_ALIVE, HttpHeader.PROXY_CONNECTION, HttpHeader.TRANSFER_ENCODING, HttpHeader.TE,
            HttpHeader.TRAILER, HttpHeader.UPGRADE, HttpHeader.PROXY_AUTHORIZATION, HttpHeader.PROXY_AUTHENTICATE);
    /**
     * Dropped from requests besides hop-by-hop ones: the HTTP client sets Host for the upstream
     * and recomputes Content-Length from the body; the whole body is already in hand, so there is
     * nothing to "continue" (Expect); Accept-Encoding is stripped so the provider answers
     * uncompressed: the bytes still pass through untouched, and the usage scanner can read them (a
     * gzip body would leave every request without usage).
     */
    static final EnumSet<HttpHeader> REQUEST_DROPPED = EnumSet.of(HttpHeader.HOST,
            HttpHeader.CONTENT_LENGTH, HttpHeader.EXPECT, HttpHeader.ACCEPT_ENCODING);
    static final Set<String> REQUEST_DROPPED_NAMES = Set.of("host", "content-length", "expect", "accept-encoding");

    static final String ANTHROPIC_BETA = "anthropic-beta";
    private static final String X_API_KEY = "x-api-key";

    /**
     * The headers to send upstream.
     *
     * @param client        the client's request headers
     * @param credential    the account's credential header (lower-case name), or null for
     *                      pass-through, where the client's own credentials go through untouched
     *                      (but never a client key of this proxy)
     * @param requiredBetas values the account's kind adds to {@code anthropic-beta}
     */
    static HttpFields.Mutable upstreamRequest(HttpFields client, Map.Entry<String, String> credential,
                                              List<String> requiredBetas) {
        Set<String> connectionListed = connectionTokens(client);
        HttpFields.Mutable out = HttpFields.build(client.size() + 3);
        boolean betaWritten = false;
        for (HttpField field : client) {
            HttpHeader known = field.getHeader();
            if (known != null) {
                if (HOP_BY_HOP_HEADERS.contains(known) || REQUEST_DROPPED.contains(known)
                        || (known == HttpHeader.AUTHORIZATION
                                && (credential != null || ClientAdmission.carriesClientKey(known, field.getValue())))
                        || (connectionListed != null && connectionListed.contains(known.lowerCaseName()))) {
                    continue;
                }
                out.add(field);
                continue;
            }
            if (connectionListed != null && connectionListed.contains(field.getLowerCaseName())) continue;
            // A client key (ccf_…) is this proxy's, never the upstream's: dropped in pass-through too.
            if (field.is(X_API_KEY) && (credential != null || ClientAdmission.carriesClientKey(null, field.getValue()))) continue;
            if (field.is(ANTHROPIC_BETA)) {
                // The set goes where the client put its first anthropic-beta line, once.
                if (!betaWritten) {
                    out.add(ANTHROPIC_BETA, mergedBetas(client, credential == null ? List.of() : requiredBetas));
                    betaWritten = true;
                }
                continue;
            }
            out.add(field);
        }
        if (!betaWritten && credential != null && !requiredBetas.isEmpty()) {
            out.add(ANTHROPIC_BETA, String.join(",", requiredBetas));
        }
        if (credential != null) out.add(credential.getKey(), credential.getValue());
        return out;
    }

    /** {@code anthropic-beta} as a set: the client's values in its order, then missing required ones; no duplicates. */
    static String mergedBetas(HttpFields client, List<String> requiredBetas) {
        List<String> values = new ArrayList<>();
        for (HttpField field : client) {
            if (field.getHeader() != null || !field.is(ANTHROPIC_BETA)) continue;
            String value = field.getValue();
            if (value == null) continue;
            int start = 0;
            while (start <= value.length()) {
                int comma = value.indexOf(',', start);
                int end = comma < 0 ? value.length() : comma;
                String token = value.substring(start, end).trim();
                if (!token.isEmpty() && !values.contains(token)) values.add(token);
                start = end + 1;
            }
        }
        for (String beta : requiredBetas) {
            if (!values.contains(beta)) values.add(beta);
        }
        return String.join(",", values);
    }

    /**
     * Copies upstream response headers to the client response, less hop-by-hop ones; the
     * upstream's {@code Date} replaces the one Jetty already set. The body
     * passes byte for byte, so the upstream's {@code Content-Length} still holds and is kept: the
     * client then knows the response is complete with its last byte, in the same write (chunked
     * re-framing cost a second write for the terminal chunk), and a body cut short by the upstream
     * ends in a broken connection either way. It is dropped only beside a
     * {@code Transfer-Encoding} (a malformed message: RFC 9112 §6.3 lets the encoding win).
     */
    static void copyResponse(HttpFields upstream, HttpFields.Mutable client) {
        Set<String> connectionListed = connectionTokens(upstream);
        boolean encoded = upstream.contains(HttpHeader.TRANSFER_ENCODING);
        for (HttpField field : upstream) {
            HttpHeader known = field.getHeader();
            boolean drop = known != null
                    ? HOP_BY_HOP_HEADERS.contains(known) || (encoded && known == HttpHeader.CONTENT_LENGTH)
                            || (connectionListed != null && connectionListed.contains(known.lowerCaseName()))
                    : connectionListed != null && connectionListed.contains(field.getLowerCaseName());
            if (drop) continue;
            // Jetty put its own Date on the response when the request arrived; the origin's replaces it (one Date).
            if (known == HttpHeader.DATE) client.put(field);
            else client.add(field);
        }
    }

    /** Header names listed in {@code Connection}: hop-by-hop by declaration (RFC 9110 §7.6.1); null when none. */
    private static Set<String> connectionTokens(HttpFields fields) {
        Set<String> names = null;
        for (HttpField field : fields) {
            if (field.getHeader() != HttpHeader.CONNECTION) continue;
            for (String token : field.getValues()) {
                if (names == null) names = new java.util.HashSet<>();
                names.add(token.trim().toLowerCase(java.util.Locale.ROOT));
            }
        }
        return names;
    }
}

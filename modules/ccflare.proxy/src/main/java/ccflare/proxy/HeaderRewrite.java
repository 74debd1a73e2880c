package ccflare.proxy;

import java.util.ArrayList;
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

    static final String ANTHROPIC_BETA = "anthropic-beta";

    /**
     * The headers to send upstream.
     *
     * @param client        the client's request headers
     * @param credential    the account's credential header (lower-case name), or null for
     *                      pass-through, where the client's own credentials go through untouched
     * @param requiredBetas values the account's kind adds to {@code anthropic-beta}
     */
    static HttpFields.Mutable upstreamRequest(HttpFields client, Map.Entry<String, String> credential,
                                              List<String> requiredBetas) {
        Set<String> connectionListed = connectionTokens(client);
        HttpFields.Mutable out = HttpFields.build(client.size() + 2);
        boolean betaWritten = false;
        for (HttpField field : client) {
            String name = field.getLowerCaseName();
            if (dropFromRequest(name, connectionListed)) continue;
            if (credential != null && (name.equals("x-api-key") || name.equals("authorization"))) continue;
            if (name.equals(ANTHROPIC_BETA)) {
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

    private static boolean dropFromRequest(String name, Set<String> connectionListed) {
        return HOP_BY_HOP.contains(name) || connectionListed.contains(name)
                // The HTTP client sets Host for the upstream and recomputes Content-Length from the body.
                || name.equals("host") || name.equals("content-length")
                // The whole body is already in hand, so there is nothing to "continue".
                || name.equals("expect")
                // Stripped so the provider answers uncompressed: the bytes still pass through untouched,
                // and the usage scanner can read them (a gzip body would leave every request without usage).
                || name.equals("accept-encoding");
    }

    /** {@code anthropic-beta} as a set: the client's values in its order, then missing required ones; no duplicates. */
    static String mergedBetas(HttpFields client, List<String> requiredBetas) {
        List<String> values = new ArrayList<>();
        for (HttpField field : client) {
            if (!field.getLowerCaseName().equals(ANTHROPIC_BETA)) continue;
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

    /** Copies upstream response headers to the client response, less hop-by-hop ones and Content-Length (re-framed here). */
    static void copyResponse(HttpFields upstream, HttpFields.Mutable client) {
        Set<String> connectionListed = connectionTokens(upstream);
        for (HttpField field : upstream) {
            String name = field.getLowerCaseName();
            if (HOP_BY_HOP.contains(name) || connectionListed.contains(name) || name.equals("content-length")) continue;
            client.add(field);
        }
    }

    /** Header names listed in {@code Connection}: hop-by-hop by declaration (RFC 9110 §7.6.1). */
    private static Set<String> connectionTokens(HttpFields fields) {
        Set<String> names = null;
        for (HttpField field : fields) {
            if (field.getHeader() != HttpHeader.CONNECTION) continue;
            for (String token : field.getValues()) {
                if (names == null) names = new java.util.HashSet<>();
                names.add(token.trim().toLowerCase(java.util.Locale.ROOT));
            }
        }
        return names == null ? Set.of() : names;
    }
}

package ccflare.proxy;

import ccflare.core.HostPolicy;
import java.util.Optional;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/**
 * Who may send a request through the proxy: the DNS-rebinding and cross-site defence of
 * {@code /v1/**}. Claude Code, the SDKs and curl send a Host naming this daemon and no
 * {@code Origin}; a web page the user visits sends its own Origin (and {@code Sec-Fetch-Site:
 * cross-site}), and a page that rebound its name to 127.0.0.1 sends its own Host. Those are
 * refused before any account is chosen, so no web page can spend the user's accounts.
 */
final class ClientGate {

    private ClientGate() {}

    /** A refusal: the status, the Anthropic error type and the sentence the client is given. */
    record Refusal(int status, String type, String message) {}

    /** The refusal of a request with these headers; empty when it may be proxied. */
    static Optional<Refusal> check(HostPolicy hosts, HttpFields headers, boolean secure) {
        String host = headers.get(HttpHeader.HOST);
        Optional<String> problem = hosts.hostProblem(host);
        if (problem.isPresent()) return Optional.of(new Refusal(421, ErrorBodies.INVALID_REQUEST, problem.get()));
        problem = hosts.sameOriginProblem(headers.get(HttpHeader.ORIGIN), host, secure)
                .or(() -> HostPolicy.fetchSiteProblem(headers.get("sec-fetch-site")));
        return problem.map(p -> new Refusal(403, ErrorBodies.PERMISSION, p));
    }
}

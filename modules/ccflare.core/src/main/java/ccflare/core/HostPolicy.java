package ccflare.core;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which {@code Host} and {@code Origin} headers a request over TCP may carry: the defence against
 * DNS rebinding and cross-site requests, the same rule for {@code /v1/**}, {@code /api/**},
 * {@code /ws/**} and the dashboard. Pure: every answer is a function of the header values.
 *
 * <p>Listening on loopback does not keep web pages out. A page the user opens can send a
 * {@code text/plain} POST to {@code http://127.0.0.1:8080/v1/messages} (no CORS pre-flight is
 * needed for that), and a page whose name an attacker rebinds to 127.0.0.1 can even read the
 * answer. The first carries a foreign {@code Origin}, the second a foreign {@code Host}; the
 * clients this daemon serves (Claude Code, the SDKs, curl) send a loopback Host and no Origin.
 *
 * <p>Host names allowed: {@code localhost}, {@code 127.0.0.1}, {@code [::1]}, the bind address
 * when it is a specific one, the names of {@code CCFLARE_ALLOWED_HOSTS}, and, when bound to a
 * wildcard address, any IP literal (a rebinding attack needs a name; a literal cannot be one).
 */
public final class HostPolicy {

    private static final List<String> LOOPBACK = List.of("localhost", "127.0.0.1", "[::1]");
    private static final Set<String> WILDCARDS = Set.of("0.0.0.0", "::", "[::]", "*");

    private final Set<String> names;
    private final boolean anyIpLiteral;
    private final String expected;

    private HostPolicy(Set<String> names, boolean anyIpLiteral) {
        this.names = Set.copyOf(names);
        this.anyIpLiteral = anyIpLiteral;
        List<String> all = new java.util.ArrayList<>(names);
        if (anyIpLiteral) all.add("an IP address");
        this.expected = String.join(", ", all.subList(0, all.size() - 1)) + " or " + all.getLast() + ", with the port";
    }

    /** Loopback names only: what a daemon bound to 127.0.0.1 without an allow-list accepts. */
    public static HostPolicy loopback() {
        return of("127.0.0.1", List.of());
    }

    /**
     * @param bindHost the address the TCP port binds to ({@code HOST})
     * @param allowed  further host names (no ports) a browser or client may use for this daemon
     * @throws IllegalArgumentException naming the first entry that is not a host name or IP address
     */
    public static HostPolicy of(String bindHost, Collection<String> allowed) {
        Set<String> names = new LinkedHashSet<>(LOOPBACK);
        String bind = bindHost.trim().toLowerCase(Locale.ROOT);
        boolean wildcard = bind.isEmpty() || WILDCARDS.contains(bind);
        if (!wildcard) names.add(normalisedHost(bind));
        for (String a : allowed) {
            if (!acceptableName(a)) {
                throw new IllegalArgumentException("'" + printable(a) + "' is not a host name or IP address (expected: names"
                        + " like ccflare.lan or 192.168.1.5, without scheme or port)");
            }
            names.add(normalisedHost(a.trim().toLowerCase(Locale.ROOT)));
        }
        return new HostPolicy(names, wildcard);
    }

    /** Whether {@code name} may be listed as a further host: a host name or IP address, without scheme or port. */
    public static boolean acceptableName(String name) {
        String n = normalisedHost(name.trim().toLowerCase(Locale.ROOT));
        return validHostName(n) || ipLiteral(n);
    }

    /** Why a request with this {@code Host} header is refused; empty when the header names this daemon. */
    public Optional<String> hostProblem(String host) {
        if (host == null || host.isBlank()) {
            return Optional.of("missing Host header (expected: " + expected + ")");
        }
        if (allowedAuthority(host)) return Optional.empty();
        return Optional.of("host '" + printable(host) + "' is not served here (expected: " + expected
                + "; other names are refused to stop DNS rebinding, see CCFLARE_ALLOWED_HOSTS)");
    }

    /**
     * Why an {@code Origin} is refused where any page of an allowed host may call (the admin API,
     * whatever the page's port); empty when absent or allowed.
     */
    public Optional<String> originProblem(String origin) {
        if (origin == null) return Optional.empty();
        if (parseOrigin(origin).filter(o -> allowedAuthority(o.authority())).isPresent()) return Optional.empty();
        return Optional.of("origin '" + printable(origin) + "' may not use this API (expected: a page served from "
                + expected + ")");
    }

    /**
     * Why an {@code Origin} is refused where only this daemon's own pages may call: {@code /v1/**},
     * whose requests spend the user's accounts, and WebSocket handshakes, which browsers send
     * cross-site without asking. Empty when absent (a command-line client or SDK) or when the
     * Origin is an allowed host with the request's own scheme and port.
     *
     * @param host   the request's Host header (already accepted by {@link #hostProblem})
     * @param secure whether the request arrived over TLS
     */
    public Optional<String> sameOriginProblem(String origin, String host, boolean secure) {
        if (origin == null) return Optional.empty();
        Optional<ParsedOrigin> parsed = parseOrigin(origin);
        if (parsed.isPresent() && host != null && allowedAuthority(parsed.get().authority())) {
            ParsedOrigin o = parsed.get();
            boolean https = o.scheme().equals("https");
            int hostPort = portOf(host.trim(), secure ? 443 : 80);
            // Any allowed name on this very port is this daemon (localhost and 127.0.0.1 alike).
            if (https == secure && portOf(o.authority(), https ? 443 : 80) == hostPort) {
                return Optional.empty();
            }
        }
        return Optional.of("origin '" + printable(origin) + "' may not use this daemon (expected: no Origin, as"
                + " command-line clients and SDKs send, or a page served by this daemon itself, same scheme and"
                + " port; pages of other sites and other local servers are refused)");
    }

    /**
     * Why a request whose {@code Sec-Fetch-Site} says a browser sent it from another site is
     * refused; empty when absent (not a browser) or {@code same-origin} / {@code none} (typed by
     * the user). Covers the requests a browser sends without an {@code Origin} header.
     */
    public static Optional<String> fetchSiteProblem(String secFetchSite) {
        if (secFetchSite == null) return Optional.empty();
        String v = secFetchSite.trim().toLowerCase(Locale.ROOT);
        if (v.equals("same-origin") || v.equals("none")) return Optional.empty();
        return Optional.of("a browser sent this request from another site (Sec-Fetch-Site: " + printable(v)
                + "); only command-line clients, SDKs and this daemon's own pages may use it");
    }

    /** {@code host} or {@code host:port} where host is an allowed name. */
    public boolean allowedAuthority(String authority) {
        String a = authority.trim().toLowerCase(Locale.ROOT);
        String host = hostOf(a);
        if (host == null) return false;
        String rest = a.substring(host.length());
        if (!rest.isEmpty()) {
            if (rest.length() < 2 || rest.length() > 6 || rest.charAt(0) != ':') return false;
            for (int i = 1; i < rest.length(); i++) {
                if (rest.charAt(i) < '0' || rest.charAt(i) > '9') return false;
            }
        }
        return names.contains(host) || (anyIpLiteral && ipLiteral(host));
    }

    private record ParsedOrigin(String scheme, String authority) {}

    private static Optional<ParsedOrigin> parseOrigin(String origin) {
        try {
            URI uri = new URI(origin.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getRawAuthority() != null
                    && uri.getRawUserInfo() == null && (uri.getRawPath() == null || uri.getRawPath().isEmpty())) {
                return Optional.of(new ParsedOrigin(scheme, uri.getRawAuthority().toLowerCase(Locale.ROOT)));
            }
        } catch (URISyntaxException e) {
            // an unparsable origin is not an allowed one
        }
        return Optional.empty();
    }

    /** The host part of a lower-case authority ({@code [v6]} kept in brackets); null when malformed. */
    private static String hostOf(String authority) {
        if (authority.startsWith("[")) {
            int end = authority.indexOf(']');
            return end < 0 ? null : authority.substring(0, end + 1);
        }
        int colon = authority.indexOf(':');
        return colon < 0 ? authority : authority.substring(0, colon);
    }

    private static int portOf(String authority, int dflt) {
        String host = hostOf(authority.toLowerCase(Locale.ROOT));
        if (host == null || authority.length() == host.length()) return dflt;
        try {
            return Integer.parseInt(authority.substring(host.length() + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** A bare IPv6 address gets its brackets, as it appears in a Host header. */
    private static String normalisedHost(String host) {
        return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static boolean ipLiteral(String host) {
        if (host.startsWith("[") && host.endsWith("]") && host.length() > 3) {
            String v6 = host.substring(1, host.length() - 1);
            return v6.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0) && v6.indexOf(':') >= 0;
        }
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) return false;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9') || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    private static boolean validHostName(String host) {
        if (host.isEmpty() || host.length() > 253) return false;
        for (String label : host.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) return false;
            if (!label.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
        }
        return true;
    }

    /** The value with control characters shown as code points and cut to a readable length. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 80; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.toString();
    }
}

package ccflare.api;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.FormFields;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * The web dashboard's pages: {@code /} (the dashboard with a session, else the sign-in page),
 * {@code POST /login} (the admin token pasted into that page), {@code POST /logout},
 * {@code /assets/**} (public, from {@link StaticAssets}), {@code /signin.css} and
 * {@code /favicon.ico} (the icon, for browsers that ask for it by that name). Every other
 * path is declined, so the handler can sit in a sequence before the 404.
 *
 * <p>A visit to {@code /?login=CODE} trades a one-time code from {@link LoginCodes} for the
 * session cookie and redirects (303) to the bare {@code /}, so the code does not stay in the
 * address bar. The code, the token and the cookie never reach a log line: this handler logs
 * nothing about a request.
 *
 * <p>Over TCP the {@code Host} header must be loopback (421 otherwise), as for the API, and an
 * {@code Origin}, when sent, loopback (403); {@code POST /logout} with a session needs this
 * daemon's own Origin. Every answer carries {@link SecurityHeaders}. Blocking only in
 * {@code POST /login}, which reads a small form body; everything else is served from memory.
 */
final class DashboardHandler extends Handler.Abstract {

    private static final String FORM = "application/x-www-form-urlencoded";
    private static final int MAX_FORM_BYTES = 4096;
    private static final HttpField HTML = new HttpField(HttpHeader.CONTENT_TYPE, "text/html; charset=utf-8");
    private static final HttpField NO_STORE = new HttpField(HttpHeader.CACHE_CONTROL, "no-store");
    private static final HttpField VARY_ENCODING = new HttpField(HttpHeader.VARY, "Accept-Encoding");
    private static final byte[] MISSING_INDEX = ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>ccflare</title>"
            + "</head><body><p>This build of ccflare has no dashboard files (ccflare/api/dashboard/index.html is missing from"
            + " the ccflare.api module). The API is available at /api/.</p></body></html>").getBytes(StandardCharsets.UTF_8);

    private final StaticAssets assets;
    private final StaticAssets.Asset signInCss;
    private final AdminGate gate;
    private final SessionGate sessionGate;
    private final DashboardSessions sessions;
    private final LoginCodes codes;

    DashboardHandler(StaticAssets assets, AdminGate gate, DashboardSessions sessions, LoginCodes codes) {
        super(InvocationType.BLOCKING);
        this.assets = requireNonNull(assets, "assets");
        this.gate = requireNonNull(gate, "gate");
        this.sessions = requireNonNull(sessions, "sessions");
        this.sessionGate = new SessionGate(sessions);
        this.codes = requireNonNull(codes, "codes");
        this.signInCss = StaticAssets.of(java.util.List.of("signin.css"), n -> Optional.of(SignInPage.CSS.getBytes(StandardCharsets.UTF_8)))
                .find("signin.css").orElseThrow();
    }

    static final String FAVICON = "/favicon.ico";
    static final String ICON = "assets/icon.svg";

    /** Whether this handler answers {@code path} (any method; a wrong one gets 405). */
    static boolean serves(String path) {
        return path.equals("/") || path.equals("/login") || path.equals("/logout") || path.equals("/signin.css")
                || path.equals(FAVICON) || path.startsWith("/assets/");
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = request.getHttpURI().getPath();
        if (path == null || !serves(path)) return false;
        HttpFields.Mutable headers = response.getHeaders();
        if (!AdminGate.overUnixSocket(request)) {
            Optional<String> host = gate.hostProblem(request);
            if (host.isPresent()) return text(response, callback, 421, host.get());
            Optional<String> origin = opaqueFormOrigin(request, path) ? Optional.empty() : gate.originProblem(request);
            if (origin.isPresent()) return text(response, callback, 403, origin.get());
        }
        String method = request.getMethod();
        boolean read = method.equals("GET") || method.equals("HEAD");
        switch (path) {
            case "/" -> {
                if (!read) return notAllowed(response, callback, "GET, HEAD");
                return root(request, response, callback);
            }
            case "/login" -> {
                if (!method.equals("POST")) return notAllowed(response, callback, "POST");
                return login(request, response, callback);
            }
            case "/logout" -> {
                if (!method.equals("POST")) return notAllowed(response, callback, "POST");
                return logout(request, response, callback);
            }
            case FAVICON -> {
                if (!read) return notAllowed(response, callback, "GET, HEAD");
                Optional<StaticAssets.Asset> icon = assets.find(ICON);
                if (icon.isEmpty()) return text(response, callback, 404, "no icon");
                return asset(icon.get(), request, response, callback);
            }
            case "/signin.css" -> {
                if (!read) return notAllowed(response, callback, "GET, HEAD");
                return asset(signInCss, request, response, callback);
            }
            default -> {
                if (!read) return notAllowed(response, callback, "GET, HEAD");
                Optional<StaticAssets.Asset> asset = StaticAssets.assetName(path).flatMap(assets::find);
                if (asset.isEmpty()) {
                    headers.put(NO_STORE);
                    return text(response, callback, 404, "no such dashboard file: " + printable(path));
                }
                return asset(asset.get(), request, response, callback);
            }
        }
    }

    /** {@code /}: trade a login code, or the dashboard with a session, or the sign-in page. */
    private boolean root(Request request, Response response, Callback callback) {
        Optional<String> session = sessionGate.session(request);
        String code = Request.extractQueryParameters(request).getValue("login");
        if (code != null) {
            LoginCodes.Redemption outcome = codes.redeem(code);
            if (outcome instanceof LoginCodes.Redemption.Accepted) return signedIn(request, response, callback);
            // Already signed in: a stale link is no reason to show an error; drop the code from the address bar.
            if (session.isPresent()) return seeOther(response, callback);
            return signInPage(response, callback, 401, switch (outcome) {
                case LoginCodes.Redemption.AlreadyUsed u -> SignInPage.CODE_USED;
                case LoginCodes.Redemption.Expired e -> SignInPage.CODE_EXPIRED;
                default -> SignInPage.CODE_UNKNOWN;
            });
        }
        if (session.isEmpty()) return signInPage(response, callback, 200, null);
        Optional<StaticAssets.Asset> index = assets.find("index.html");
        if (index.isEmpty()) {
            response.getHeaders().put(NO_STORE);
            return html(response, callback, 503, MISSING_INDEX);
        }
        return asset(index.get(), request, response, callback);
    }

    private boolean login(Request request, Response response, Callback callback) {
        String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        String mime = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        if (!mime.equals(FORM)) {
            return text(response, callback, 415, "content-type: " + (type == null ? "missing" : "'" + printable(mime) + "'")
                    + " (expected: " + FORM + ", the sign-in page's form)");
        }
        if (request.getLength() > MAX_FORM_BYTES) return text(response, callback, 413, "form over " + MAX_FORM_BYTES + " bytes");
        Fields fields;
        try {
            fields = FormFields.getFields(request, 4, MAX_FORM_BYTES);
        } catch (RuntimeException e) {
            return text(response, callback, 400, "the form could not be read (expected: token=<the admin token>)");
        }
        String token = fields.getValue("token");
        if (token == null || !gate.tokenMatches(token.strip())) return signInPage(response, callback, 401, SignInPage.WRONG_TOKEN);
        return signedIn(request, response, callback);
    }

    private boolean logout(Request request, Response response, Callback callback) {
        Optional<String> session = sessionGate.session(request);
        if (session.isPresent()) {
            Optional<String> csrf = opaqueFormOrigin(request, "/logout") ? Optional.empty() : SessionGate.sameOriginProblem(gate, request);
            if (csrf.isPresent()) return text(response, callback, 403, csrf.get());
            sessions.revoke(session.get());
        }
        response.getHeaders().add(HttpHeader.SET_COOKIE, cookie("", 0, request.isSecure()));
        return seeOther(response, callback);
    }

    /** A new session: the cookie, and 303 to the bare {@code /}. */
    private boolean signedIn(Request request, Response response, Callback callback) {
        response.getHeaders().add(HttpHeader.SET_COOKIE,
                cookie(sessions.issue(), DashboardSessions.LIFETIME.toSeconds(), request.isSecure()));
        return seeOther(response, callback);
    }

    /** The {@code Set-Cookie} value; {@code Secure} only over https, or a plain-http loopback browser would drop it. */
    static String cookie(String value, long maxAgeSeconds, boolean secure) {
        return DashboardSessions.COOKIE + "=" + value + "; Path=/; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=Strict"
                + (secure ? "; Secure" : "");
    }

    private static boolean seeOther(Response response, Callback callback) {
        response.setStatus(303);
        HttpFields.Mutable headers = response.getHeaders();
        headers.put(HttpHeader.LOCATION, "/");
        headers.put(NO_STORE);
        SecurityHeaders.apply(headers, false);
        headers.put(HttpHeader.CONTENT_LENGTH, 0);
        response.write(true, null, callback);
        return true;
    }

    private static boolean signInPage(Response response, Callback callback, int status, String message) {
        response.getHeaders().put(NO_STORE);
        return html(response, callback, status, SignInPage.render(message));
    }

    private static boolean html(Response response, Callback callback, int status, byte[] body) {
        response.setStatus(status);
        HttpFields.Mutable headers = response.getHeaders();
        headers.put(HTML);
        SecurityHeaders.apply(headers, true);
        headers.put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }

    /** A file from memory: 304 when the ETag matches, the gzip copy when the client takes it. */
    private static boolean asset(StaticAssets.Asset asset, Request request, Response response, Callback callback) {
        HttpFields.Mutable headers = response.getHeaders();
        boolean gzip = asset.gzip().isPresent() && StaticAssets.acceptsGzip(request.getHeaders().get(HttpHeader.ACCEPT_ENCODING));
        String etag = gzip ? asset.gzipEtag() : asset.etag();
        SecurityHeaders.apply(headers, asset.contentType().startsWith("text/html"));
        headers.put(HttpHeader.CACHE_CONTROL, asset.cache().header);
        headers.put(HttpHeader.ETAG, etag);
        if (asset.compressible()) headers.put(VARY_ENCODING);
        if (StaticAssets.matches(request.getHeaders().get(HttpHeader.IF_NONE_MATCH), asset.etag(), asset.gzipEtag())) {
            response.setStatus(304);
            response.write(true, null, callback);
            return true;
        }
        byte[] body = gzip ? asset.gzip().get() : asset.bytes();
        response.setStatus(200);
        headers.put(HttpHeader.CONTENT_TYPE, asset.contentType());
        if (gzip) headers.put(HttpHeader.CONTENT_ENCODING, "gzip");
        headers.put(HttpHeader.CONTENT_LENGTH, body.length);
        if (request.getMethod().equals("HEAD")) response.write(true, null, callback);
        else response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }

    private static boolean notAllowed(Response response, Callback callback, String allowed) {
        response.getHeaders().put(HttpHeader.ALLOW, allowed);
        return text(response, callback, 405, "method not allowed here (expected: " + allowed + ")");
    }

    private static boolean text(Response response, Callback callback, int status, String message) {
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        HttpFields.Mutable headers = response.getHeaders();
        headers.put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        if (!headers.contains(HttpHeader.CACHE_CONTROL)) headers.put(NO_STORE);
        SecurityHeaders.apply(headers, false);
        headers.put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }

    /**
     * Whether this is a form post of the sign-in page or the dashboard's Sign out button, whose
     * Origin the browser sends as {@code null}: under {@code Referrer-Policy: no-referrer} (ours)
     * a form navigation's Origin is serialised as {@code null}. Both are safe to accept from an
     * opaque origin: signing in needs the admin token itself, and the session cookie
     * ({@code SameSite=Strict}) is not sent on a post another site starts, so such a post can only
     * clear a cookie it cannot name.
     */
    private static boolean opaqueFormOrigin(Request request, String path) {
        return (path.equals("/login") || path.equals("/logout")) && "null".equals(request.getHeaders().get(HttpHeader.ORIGIN));
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 120; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return b.toString();
    }
}

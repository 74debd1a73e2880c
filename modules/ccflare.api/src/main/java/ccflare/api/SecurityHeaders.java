package ccflare.api;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;

/**
 * The headers every dashboard response carries. The policy allows only this origin's own files:
 * no inline script or style (so an injected {@code <script>} or {@code style=} does nothing), no
 * remote origin (the page works with the network cable pulled, and leaks nothing to a CDN),
 * {@code data:} images only (uPlot and the icons draw with them), no plugins, no {@code <base>},
 * forms posting only here, and no framing (clickjacking).
 */
final class SecurityHeaders {

    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static final HttpField CSP = new HttpField("content-security-policy", CONTENT_SECURITY_POLICY);
    private static final HttpField NO_SNIFF = new HttpField("x-content-type-options", "nosniff");
    private static final HttpField NO_REFERRER = new HttpField("referrer-policy", "no-referrer");
    private static final HttpField DENY_FRAMES = new HttpField("x-frame-options", "DENY");

    private SecurityHeaders() {}

    /** Puts the headers on a response; {@code html} adds {@code X-Frame-Options} for browsers that predate {@code frame-ancestors}. */
    static void apply(HttpFields.Mutable headers, boolean html) {
        headers.put(CSP);
        headers.put(NO_SNIFF);
        headers.put(NO_REFERRER);
        if (html) headers.put(DENY_FRAMES);
    }
}

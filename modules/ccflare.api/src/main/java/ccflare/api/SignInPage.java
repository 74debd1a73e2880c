package ccflare.api;

import ccflare.core.Html;
import java.nio.charset.StandardCharsets;

/**
 * The page {@code /} shows without a session: how to get in, and a form for the admin token.
 * Plain HTML with no script and no inline style (the CSP forbids both); its stylesheet is
 * {@link #CSS}, served at {@code /signin.css}. A message, when given, says why the last attempt
 * failed.
 */
final class SignInPage {

    /** Said when a {@code ?login=} code was used before. */
    static final String CODE_USED = "That login link was already used. Each link works once: run ccflarectl dashboard for a new one.";
    /** Said when a {@code ?login=} code is too old. */
    static final String CODE_EXPIRED = "That login link has expired (links work for 60 seconds). Run ccflarectl dashboard for a new one.";
    /** Said when a {@code ?login=} code was never issued (or the daemon restarted since). */
    static final String CODE_UNKNOWN = "That login link is not valid here (it may be from before the daemon restarted)."
            + " Run ccflarectl dashboard for a new one.";
    /** Said when the pasted token is wrong. */
    static final String WRONG_TOKEN = "That is not the admin token. Copy it again from the admin.token file, without spaces.";
    /** Said after logging out. */
    static final String SIGNED_OUT = "You are signed out.";

    static final String CSS = """
            :root { color-scheme: light dark; font-family: system-ui, sans-serif; line-height: 1.5; }
            body { max-width: 34rem; margin: 12vh auto; padding: 0 1.25rem; }
            h1 { font-size: 1.4rem; margin-bottom: .25rem; }
            code { font-family: ui-monospace, monospace; font-size: .95em; padding: 0 .2em; border-radius: 3px;
                   background: color-mix(in srgb, currentColor 10%, transparent); }
            .message { padding: .6rem .8rem; border-left: 4px solid #c0392b;
                       background: color-mix(in srgb, #c0392b 12%, transparent); }
            form { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; margin-top: .5rem; }
            label { flex-basis: 100%; font-weight: 600; }
            input { flex: 1; min-width: 12rem; padding: .45rem .6rem; font: inherit; }
            button { padding: .45rem 1rem; font: inherit; cursor: pointer; }
            """;

    private SignInPage() {}

    /** The page as UTF-8, with {@code message} (plain text, escaped here) shown above the steps when not null. */
    static byte[] render(String message) {
        String notice = message == null ? "" : "<p class=\"message\" role=\"alert\">" + Html.escape(message) + "</p>\n";
        String html = """
                <!doctype html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <meta name="referrer" content="no-referrer">
                <title>Sign in · ccflare</title>
                <link rel="icon" href="/assets/icon.svg" type="image/svg+xml">
                <link rel="stylesheet" href="/signin.css">
                </head>
                <body>
                <main>
                <h1>ccflare dashboard</h1>
                %s<p>To open the dashboard, run this on the machine where the daemon runs:</p>
                <pre><code>ccflarectl dashboard</code></pre>
                <p>It prints a link that signs this browser in; the link works once, for 60 seconds.
                <code>ccflarectl dashboard --open</code> opens it for you.</p>
                <p>Or paste the admin token. It is in the file <code>admin.token</code> beside the daemon's
                database: <code>~/.local/share/ccflare/admin.token</code> by default,
                <code>/var/lib/ccflare/admin.token</code> under systemd, or <code>CCFLARE_ADMIN_TOKEN</code> if set.</p>
                <form method="post" action="/login">
                <label for="token">Admin token</label>
                <input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
                <button type="submit">Sign in</button>
                </form>
                </main>
                </body>
                </html>
                """.formatted(notice);
        return html.getBytes(StandardCharsets.UTF_8);
    }
}

package ccflare.protocol;

import static java.util.Objects.requireNonNull;

/**
 * Answer of {@code POST /api/dashboard/login}: a one-time login link for the web dashboard.
 *
 * @param url       {@code http://HOST:PORT/?login=CODE}; the first visit trades the code for a
 *                  session cookie and is redirected to the bare URL. A secret until used: print
 *                  it to the person who asked, never to a log
 * @param expiresAt ISO-8601; after it the code no longer works (60 seconds after issue)
 */
public record DashboardLogin(String url, String expiresAt) {
    public DashboardLogin {
        requireNonNull(url, "url");
        requireNonNull(expiresAt, "expiresAt");
    }

    @Override
    public String toString() { return "DashboardLogin[url=redacted, expiresAt=" + expiresAt + "]"; }
}

package ccflare.core;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The daemon's validated configuration. Every component's constructor validates its own values
 * with a message naming the key, the value and the expectation; the loader in {@code ccflare.server}
 * turns flags, environment, the config file and defaults into these records.
 */
public record Config(Server server, Storage storage, Proxy proxy, Recording recording, OAuth oauth, Logging logging) {

    public Config {
        requireNonNull(server, "server");
        requireNonNull(storage, "storage");
        requireNonNull(proxy, "proxy");
        requireNonNull(recording, "recording");
        requireNonNull(oauth, "oauth");
        requireNonNull(logging, "logging");
    }

    /**
     * @param host       bind address of the TCP connector
     * @param allowedHosts further Host names accepted over TCP (see {@link HostPolicy})
     * @param port       TCP port; 0 picks a free one
     * @param socketPath the admin Unix socket
     * @param adminToken the token required on /api over TCP; empty = read or generate admin.token
     * @param drainTimeout how long SIGTERM waits for in-flight requests
     */
    public record Server(String host, List<String> allowedHosts, int port, Path socketPath, String adminToken,
                         Duration drainTimeout) {
        public Server {
            requireNonNull(host, "host");
            if (host.isBlank()) throw new IllegalArgumentException("HOST: '' (expected: an address to bind, e.g. 127.0.0.1)");
            allowedHosts = List.copyOf(allowedHosts);
            try {
                HostPolicy.of(host, allowedHosts);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("CCFLARE_ALLOWED_HOSTS: " + e.getMessage(), e);
            }
            if (port < 0 || port > 65535) throw new IllegalArgumentException("PORT: " + port + " (expected: 0..65535)");
            adminToken = adminToken == null ? "" : adminToken;
            requireNonNull(drainTimeout, "drainTimeout");
        }

        /** The Host and Origin rule of every route over TCP. */
        public HostPolicy hostPolicy() { return HostPolicy.of(host, allowedHosts); }
    }

    /** @param dbPath the SQLite database file */
    public record Storage(Path dbPath) {
        public Storage { requireNonNull(dbPath, "dbPath"); }
    }

    /**
     * @param baseUrls        per-provider default upstream base URL
     * @param sessionDuration how long an account stays sticky
     * @param retryAttempts   attempts on the same account for transient errors
     * @param maxAttempts     total upstream attempts per client request, all accounts together
     * @param upstreamCaCertificates certificates trusted for upstream TLS in addition to (never
     *                        instead of) the JDK's default trust store, e.g. the CA of a TLS-inspecting
     *                        corporate proxy; empty (or null) for the default trust alone. Parsed
     *                        certificates rather than a file name: the loader reads and checks the
     *                        file once at start-up, so a bad file stops the start and the proxy
     *                        never touches the file system
     */
    public record Proxy(Map<ProviderKind, String> baseUrls, Duration sessionDuration, int retryAttempts,
                        Duration retryDelay, double retryBackoff, int maxAttempts, long maxBodyBytes,
                        int maxHeaderBytes, int maxInFlight, Duration connectTimeout, Duration firstByteTimeout,
                        Duration streamIdleTimeout, List<X509Certificate> upstreamCaCertificates) {
        public Proxy {
            baseUrls = Map.copyOf(baseUrls);
            upstreamCaCertificates = upstreamCaCertificates == null ? List.of() : List.copyOf(upstreamCaCertificates);
            positive("SESSION_DURATION_MS", sessionDuration);
            if (retryAttempts < 1) throw new IllegalArgumentException("RETRY_ATTEMPTS: " + retryAttempts + " (expected: >= 1)");
            if (retryDelay.isNegative()) throw new IllegalArgumentException("RETRY_DELAY_MS: " + retryDelay.toMillis() + " (expected: >= 0)");
            if (!(retryBackoff >= 1)) throw new IllegalArgumentException("RETRY_BACKOFF: " + retryBackoff + " (expected: >= 1)");
            if (maxAttempts < 1) throw new IllegalArgumentException("CCFLARE_MAX_ATTEMPTS: " + maxAttempts + " (expected: >= 1)");
            if (maxBodyBytes < 1) throw new IllegalArgumentException("CCFLARE_MAX_BODY_BYTES: " + maxBodyBytes + " (expected: > 0)");
            if (maxHeaderBytes < 1024) throw new IllegalArgumentException("CCFLARE_MAX_HEADER_BYTES: " + maxHeaderBytes + " (expected: >= 1024)");
            if (maxInFlight < 1) throw new IllegalArgumentException("CCFLARE_MAX_IN_FLIGHT: " + maxInFlight + " (expected: >= 1)");
            positive("CCFLARE_CONNECT_TIMEOUT_MS", connectTimeout);
            positive("CCFLARE_FIRST_BYTE_TIMEOUT_MS", firstByteTimeout);
            positive("CCFLARE_STREAM_IDLE_TIMEOUT_MS", streamIdleTimeout);
        }

        /** Settings with the JDK's default trust alone for upstream TLS (no extra CA certificates). */
        public Proxy(Map<ProviderKind, String> baseUrls, Duration sessionDuration, int retryAttempts,
                     Duration retryDelay, double retryBackoff, int maxAttempts, long maxBodyBytes,
                     int maxHeaderBytes, int maxInFlight, Duration connectTimeout, Duration firstByteTimeout,
                     Duration streamIdleTimeout) {
            this(baseUrls, sessionDuration, retryAttempts, retryDelay, retryBackoff, maxAttempts, maxBodyBytes,
                    maxHeaderBytes, maxInFlight, connectTimeout, firstByteTimeout, streamIdleTimeout, List.of());
        }

        /** The base URL for a provider when the account has none of its own. */
        public String baseUrl(ProviderKind kind) { return baseUrls.getOrDefault(kind, kind.defaultBaseUrl()); }
    }

    /**
     * @param capturePayloads    whether request/response bodies are stored
     * @param payloadMaxBytes    cap per stored body
     * @param dataRetentionDays  payload retention (1..365)
     * @param requestRetentionDays request-row retention (1..3650)
     * @param pricingFile        optional models.dev-shaped JSON overriding the bundled prices; null for none
     */
    public record Recording(boolean capturePayloads, int payloadMaxBytes, int dataRetentionDays,
                            int requestRetentionDays, Path pricingFile) {
        public Recording {
            if (payloadMaxBytes < 0) throw new IllegalArgumentException("CCFLARE_PAYLOAD_MAX_BYTES: " + payloadMaxBytes + " (expected: >= 0)");
            if (dataRetentionDays < 1 || dataRetentionDays > 365)
                throw new IllegalArgumentException("DATA_RETENTION_DAYS: " + dataRetentionDays + " (expected: 1..365)");
            if (requestRetentionDays < 1 || requestRetentionDays > 3650)
                throw new IllegalArgumentException("REQUEST_RETENTION_DAYS: " + requestRetentionDays + " (expected: 1..3650)");
        }
    }

    /** OAuth endpoints and client ids, configurable so tests can point them at a fake server. */
    public record OAuth(String claudeAuthorizeUrl, String claudeTokenUrl, String claudeRedirectUri, String claudeClientId,
                        String codexAuthorizeUrl, String codexTokenUrl, String codexClientId, int codexCallbackPort) {
        public OAuth {
            requireNonNull(claudeAuthorizeUrl, "claudeAuthorizeUrl");
            requireNonNull(claudeTokenUrl, "claudeTokenUrl");
            requireNonNull(claudeRedirectUri, "claudeRedirectUri");
            requireNonNull(claudeClientId, "claudeClientId");
            requireNonNull(codexAuthorizeUrl, "codexAuthorizeUrl");
            requireNonNull(codexTokenUrl, "codexTokenUrl");
            requireNonNull(codexClientId, "codexClientId");
        }
    }

    /** @param level TRACE, DEBUG, INFO, WARN or ERROR; @param format pretty or json */
    public record Logging(String level, String format) {
        public Logging {
            requireNonNull(level, "level");
            requireNonNull(format, "format");
        }
    }

    private static void positive(String key, Duration d) {
        requireNonNull(d, key);
        if (d.isZero() || d.isNegative()) throw new IllegalArgumentException(key + ": " + d.toMillis() + " (expected: > 0)");
    }
}

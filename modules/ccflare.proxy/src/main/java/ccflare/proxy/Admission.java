package ccflare.proxy;

import java.util.Optional;

/**
 * Whether a request may go on to have its body read, as a value: decided from what the host gate,
 * the client key and the route said, without sockets, so the order of the checks is tested on its
 * own. The in-flight limit is not part of it: {@link Proxy#enter()} counts the request, so it is
 * asked only once this said {@link Admitted}, and {@link #overloaded(int, String)} words its refusal.
 */
sealed interface Admission {

    /** Let in; {@code keyId} is the client key presented, "" when none was required. */
    record Admitted(String keyId) implements Admission {}

    /** Refused before the body: the answer to send, and the key id for the record ("" before the key step). */
    record Refused(int status, String type, String message, long retryAfterSeconds, String keyId) implements Admission {}

    /** The common case of no client key: one shared value, so admitting costs no allocation. */
    Admitted OPEN = new Admitted("");

    /**
     * The host/origin refusal first (nothing about the client is trusted before it), then the key
     * verdict, then the route: an unknown prefix is only told to a client that may use the proxy.
     */
    static Admission decide(Optional<ClientGate.Refusal> hostRefusal, ClientAdmission.Verdict key, Route route) {
        if (hostRefusal.isPresent()) {
            ClientGate.Refusal r = hostRefusal.get();
            return new Refused(r.status(), r.type(), r.message(), 0, "");
        }
        if (!key.admitted()) return new Refused(key.status(), key.type(), key.message(), key.retryAfterSeconds(), key.keyId());
        if (route instanceof Route.UnknownPrefix unknown) {
            return new Refused(404, ErrorBodies.NOT_FOUND, "unknown provider prefix '" + unknown.name()
                    + "' (expected: anthropic, openai, claude-code, codex)", 0, key.keyId());
        }
        return key.keyId().isEmpty() ? OPEN : new Admitted(key.keyId());
    }

    /** The refusal when {@link Proxy#enter()} said no: the in-flight limit is full; retry after a second. */
    static Refused overloaded(int limit, String keyId) {
        return new Refused(503, ErrorBodies.OVERLOADED, "too many requests in flight (limit " + limit
                + "); retry shortly", 1, keyId);
    }
}

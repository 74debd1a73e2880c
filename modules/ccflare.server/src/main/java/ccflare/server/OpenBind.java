package ccflare.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Whether the daemon may listen where it was told: an address other than loopback opens
 * {@code /v1/**} to whoever can reach it, so it needs a client key defined, or the operator saying
 * so ({@code CCFLARE_ALLOW_OPEN_BIND}).
 */
final class OpenBind {

    private OpenBind() {}

    /**
     * The refusal sentence, or empty when the start may go on.
     *
     * @param exposed whether {@code host} names an address beyond loopback ({@link #exposed})
     */
    static Optional<String> problem(String host, boolean exposed, boolean clientKeyDefined, boolean allowed) {
        if (!exposed || clientKeyDefined || allowed) return Optional.empty();
        return Optional.of("ccflare: refusing to listen on " + host + " with no client key defined: anyone who can reach"
                + " this address could send requests through your accounts. Define a key first"
                + " ('ccflarectl keys create NAME' over the admin socket of a loopback start), or set"
                + " CCFLARE_ALLOW_OPEN_BIND=true (--allow-open-bind true) to allow it.");
    }

    /**
     * Whether {@code host} names an address other than loopback (a wildcard included). A name that
     * does not resolve is not: the bind that follows fails and names the problem itself.
     */
    static boolean exposed(String host) {
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) if (!a.isLoopbackAddress()) return true;
            return false;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}

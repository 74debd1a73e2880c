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

    /** The refusal sentence, or empty when the start may go on. */
    static Optional<String> problem(String host, boolean loopback, boolean clientKeyDefined, boolean allowed) {
        if (loopback || clientKeyDefined || allowed) return Optional.empty();
        return Optional.of("ccflare: refusing to listen on " + host + " with no client key defined: anyone who can reach"
                + " this address could send requests through your accounts. Define a key first"
                + " (ccflarectl keys create NAME, over the admin socket of a loopback start), or set"
                + " CCFLARE_ALLOW_OPEN_BIND=true (--allow-open-bind true) to allow it.");
    }

    /** Whether every address {@code host} names is a loopback one; false for a wildcard or a name that does not resolve. */
    static boolean loopback(String host) {
        try {
            InetAddress[] all = InetAddress.getAllByName(host);
            for (InetAddress a : all) if (!a.isLoopbackAddress()) return false;
            return all.length > 0;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}

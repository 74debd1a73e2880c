package ccflare.server;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.Set;

/**
 * Who may use the admin socket, judged from the names {@code SO_PEERCRED} reports for the peer
 * (its user and primary group; a uid without a passwd entry is reported as its number).
 * Admitted: the daemon's own user, {@code root}, and a peer whose primary group is the admin
 * group. Never admitted: {@code nobody} (uid 65534), which is how every unmapped user shows up
 * inside a user namespace ({@code PrivateUsers=yes}); admitting it would admit everyone.
 *
 * @param daemonUser the user the daemon runs as, as the JDK names it
 * @param adminGroup the configured admin group, if any
 */
record PeerPolicy(String daemonUser, Optional<String> adminGroup) {

    /** The overflow user: what an unmapped uid looks like from inside a user namespace. */
    static final Set<String> NEVER = Set.of("nobody", "65534");

    PeerPolicy {
        requireNonNull(daemonUser, "daemonUser");
        requireNonNull(adminGroup, "adminGroup");
    }

    /** The outcome for one peer. */
    sealed interface Verdict {
        String user();

        record Admitted(String user) implements Verdict {}

        /** @param reason why, for the log line and the 403 body (names only, never credentials) */
        record Refused(String user, String group, String reason) implements Verdict {}
    }

    Verdict judge(String user, String group) {
        requireNonNull(user, "user");
        requireNonNull(group, "group");
        if (NEVER.contains(user)) {
            return new Verdict.Refused(user, group, "user '" + user + "' is not allowed on the admin socket (the overflow user"
                    + " stands for any unmapped user of a user namespace)");
        }
        if (user.equals(daemonUser) || user.equals("root") || adminGroup.filter(group::equals).isPresent()) {
            return new Verdict.Admitted(user);
        }
        return new Verdict.Refused(user, group, "user '" + user + "' is not allowed on the admin socket (expected: "
                + expected() + ")");
    }

    /** Who is admitted, in words. */
    String expected() {
        String users = daemonUser.equals("root") ? "user root" : "user '" + daemonUser + "' or root";
        return adminGroup.map(g -> users + ", or primary group '" + g + "'").orElse(users);
    }
}

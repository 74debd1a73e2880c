package ccflare.proxy;

import java.util.List;

/**
 * The sentences of the proxy's own refusals when no account can take a request, as pure
 * functions of what was counted: only the limited accounts are called limited, the others are
 * named for what they are.
 */
final class Refusals {

    private Refusals() {}

    /**
     * @param limited      accounts of the scope rate limited now
     * @param scope        accounts of the scope in all
     * @param paused       names of the paused ones
     * @param reauthNotes  "; account 'x' needs …" for each needing a sign-in, or empty
     * @param resetSeconds seconds to the earliest reset
     */
    static String rateLimited(int limited, int scope, List<String> paused, String reauthNotes, long resetSeconds) {
        String who = limited == scope ? (scope == 1 ? "the only account is" : "all " + scope + " accounts are")
                : limited + " of " + scope + " accounts " + (limited == 1 ? "is" : "are");
        return who + " rate limited"
                + (paused.isEmpty() ? "" : "; paused: " + String.join(", ", paused)) + reauthNotes
                + "; earliest reset in " + resetSeconds + "s";
    }

    /** None limited: every account is paused or needs a sign-in. */
    static String noneAvailable(int paused, int reauth, int scope, String reauthNotes) {
        return "no account available: " + paused + " paused, " + reauth + " need re-authentication (of " + scope + ")"
                + reauthNotes;
    }
}

package ccflare.api;

import ccflare.core.Account;
import java.util.ArrayList;
import java.util.List;

/**
 * The one log line an account change gets ({@code journalctl} and {@code ccflarectl logs -f} tell
 * the story): what changed, in words, from the account as it was and as it is now. Never a
 * credential (an account carries none).
 */
final class AccountChanges {

    private AccountChanges() {}

    /** "account 'work' paused, priority 0 → 2", or empty when nothing a person sets changed. */
    static String describe(Account before, Account after) {
        List<String> parts = new ArrayList<>();
        if (!before.name().equals(after.name())) parts.add("renamed to '" + after.name() + "'");
        if (before.paused() != after.paused()) parts.add(after.paused() ? "paused" : "resumed");
        if (before.priority() != after.priority()) parts.add("priority " + before.priority() + " → " + after.priority());
        if (!before.baseUrl().equals(after.baseUrl())) {
            parts.add("base URL " + (after.baseUrl().isEmpty() ? "back to the provider's default" : "set to " + after.baseUrl()));
        }
        return parts.isEmpty() ? "" : "account '" + before.name() + "' " + String.join(", ", parts);
    }

    static String added(Account a) {
        return "account '" + a.name() + "' added (" + a.provider().id() + ", priority " + a.priority()
                + (a.baseUrl().isEmpty() ? "" : ", base URL " + a.baseUrl()) + ")";
    }

    static String removed(Account a) {
        return "account '" + a.name() + "' removed (" + a.provider().id() + "; its request history stays)";
    }
}

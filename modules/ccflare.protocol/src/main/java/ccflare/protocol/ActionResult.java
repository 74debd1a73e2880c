package ccflare.protocol;

import static java.util.Objects.requireNonNull;

/**
 * The answer to an action (remove, pause, rename, reset…): {@code {"success":true,"message":…}},
 * with the account as it is now when the action was on one account.
 *
 * @param account absent when the action was not on a single account, or removed it
 */
public record ActionResult(boolean success, String message, AccountView account) {
    public ActionResult { requireNonNull(message, "message"); }

    public static ActionResult ok(String message) { return new ActionResult(true, message, null); }

    public static ActionResult ok(String message, AccountView account) { return new ActionResult(true, message, account); }
}

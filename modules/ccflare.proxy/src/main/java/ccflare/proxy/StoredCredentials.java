package ccflare.proxy;

import static java.util.Objects.requireNonNull;

import ccflare.core.Account;
import ccflare.core.AccountRegistry;
import ccflare.core.Credentials;
import ccflare.core.CredentialsUnavailableException;
import ccflare.core.CredentialsUnavailableException.Reason;
import ccflare.core.TokenSource;

/**
 * A {@link TokenSource} that refreshes nothing: it hands out what the registry holds. Used when the
 * proxy is built without a token source; OAuth tokens then work until they expire, and a 401 on
 * one cannot be repaired (the account is failed over instead). Never blocks.
 */
final class StoredCredentials implements TokenSource {

    private final AccountRegistry accounts;

    StoredCredentials(AccountRegistry accounts) { this.accounts = requireNonNull(accounts, "accounts"); }

    @Override
    public Credentials usable(Account account) {
        return stored(account);
    }

    @Override
    public Credentials forceRefresh(Account account, Credentials rejected) {
        Credentials current = stored(account);
        // Someone (a new sign-in) replaced the refused credentials meanwhile: those are better.
        if (current instanceof Credentials.OAuthTokens && !current.equals(rejected)) return current;
        throw new CredentialsUnavailableException(Reason.NOT_REFRESHABLE, 0, "account '" + account.name()
                + "': its credentials were refused and this proxy has no token refresher");
    }

    private Credentials stored(Account account) {
        return accounts.credentials(account.id()).orElseThrow(() -> new CredentialsUnavailableException(Reason.MISSING, 0,
                "account '" + account.name() + "' holds no usable credentials"));
    }
}

package ccflare.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

import ccflare.core.Account;
import ccflare.core.Credentials;
import ccflare.core.ProviderKind;

class ImportPlanTest {

    private static OriginalAccount oauth(String id, String name, long expiresAt, int tier) {
        return new OriginalAccount(id, name, "anthropic", null, "at-" + id, "rt-" + id, expiresAt, 1000, 0, 0, 0, 0, false, tier, null);
    }

    private static OriginalAccount keyed(String id, String name, String provider, String endpoint, int priority) {
        return new OriginalAccount(id, name, provider, "key-" + id, null, "", 0, 1000, 0, 0, 0, priority, true, 0, endpoint);
    }

    @Test
    void theOriginalsAnthropicProviderIsOAuthWithTokensAndAnApiKeyAccountWithOnlyAKey() {
        ImportPlan plan = ImportPlan.of(OriginalSchema.CCFLARE,
                List.of(oauth("a", "max", 5000, 1), keyed("b", "console", "anthropic", null, 0)), List.of(), false);
        assertThat(plan.additions()).extracting(a -> a.account().provider())
                .containsExactly(ProviderKind.CLAUDE_CODE, ProviderKind.ANTHROPIC);
        assertThat(plan.additions().get(0).credentials()).isEqualTo(new Credentials.OAuthTokens("at-a", "rt-a", 5000));
        assertThat(plan.additions().get(1).credentials()).isEqualTo(new Credentials.ApiKey("key-b"));
        assertThat(plan.additions().get(1).account().paused()).isTrue();
    }

    @Test
    void aNullExpiryBecomesUnknownAndALegacyTierIsDroppedWithANote() {
        ImportPlan plan = ImportPlan.of(OriginalSchema.CCFLARE, List.of(oauth("a", "max", 0, 20)), List.of(), false);
        ImportPlan.Step.Add add = plan.additions().getFirst();
        assertThat(((Credentials.OAuthTokens) add.credentials()).expiresAtMs()).isZero();
        assertThat(add.notes()).contains("token expiry unknown: refreshed on first use", "tier 20 not kept (tiers change nothing here)");
    }

    @Test
    void anAccountWhoseIdExistsIsAlreadyImportedEvenUnderAnotherNameAndWithRename() {
        Account here = Account.create("a", "renamed-here", ProviderKind.CLAUDE_CODE, 0, "", 1);
        ImportPlan plan = ImportPlan.of(OriginalSchema.CCFLARE, List.of(oauth("a", "max", 5000, 1)), List.of(here), true);
        assertThat(plan.additions()).isEmpty();
        assertThat(plan.skips()).containsExactly(new ImportPlan.Step.Skip("max", "already imported (it is account 'renamed-here' here)"));
    }

    @Test
    void aTakenNameIsSkippedUnlessRenameWhichFindsTheNextFreeSuffix() {
        List<Account> here = List.of(Account.create("x", "max", ProviderKind.ANTHROPIC, 0, "", 1),
                Account.create("y", "max-2", ProviderKind.ANTHROPIC, 0, "", 1));
        ImportPlan skip = ImportPlan.of(OriginalSchema.CCFLARE, List.of(oauth("a", "max", 5000, 1)), here, false);
        assertThat(skip.skips()).singleElement().satisfies(s -> assertThat(s.reason()).contains("exists", "--rename"));
        ImportPlan renamed = ImportPlan.of(OriginalSchema.CCFLARE, List.of(oauth("a", "max", 5000, 1)), here, true);
        assertThat(renamed.additions().getFirst().account().name()).isEqualTo("max-3");
        assertThat(renamed.additions().getFirst().notes()).contains("renamed from 'max'");
    }

    @Test
    void aNameRepeatedInTheSourceIsTakenByTheFirstOnly() {
        ImportPlan plan = ImportPlan.of(OriginalSchema.CCFLARE, List.of(oauth("a", "max", 5000, 1), oauth("b", "max", 5000, 1)),
                List.of(), false);
        assertThat(plan.additions()).hasSize(1);
        assertThat(plan.skips()).singleElement().satisfies(s -> assertThat(s.reason()).contains("an account named 'max' exists"));
    }

    @Test
    void betterCcflareKeepsPriorityAndEndpointAndSkipsProvidersWithoutACounterpart() {
        ImportPlan plan = ImportPlan.of(OriginalSchema.BETTER_CCFLARE, List.of(
                keyed("a", "local", "openai-compatible", "http://127.0.0.1:11434/v1", 7),
                keyed("b", "console", "claude-console-api", null, 2),
                keyed("c", "zai", "zai", null, 0),
                keyed("d", "compat", "anthropic-compatible", null, 0),
                keyed("e", "bad-url", "openai-compatible", "not a url", 0)), List.of(), false);
        assertThat(plan.additions()).extracting(a -> a.account().name(), a -> a.account().provider(), a -> a.account().priority(),
                a -> a.account().baseUrl())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("local", ProviderKind.OPENAI, 7, "http://127.0.0.1:11434/v1"),
                        org.assertj.core.groups.Tuple.tuple("console", ProviderKind.ANTHROPIC, 2, ""));
        assertThat(plan.skips()).extracting(ImportPlan.Step.Skip::name).containsExactly("zai", "compat", "bad-url");
        assertThat(plan.skips().getFirst().reason()).startsWith("provider 'zai' has no counterpart here");
    }

    @Test
    void anAccountWithoutCredentialsIsSkippedWithTheWayToAddItAgain() {
        OriginalAccount none = new OriginalAccount("a", "empty", "anthropic", null, null, "", 0, 1, 0, 0, 0, 0, false, 1, null);
        ImportPlan plan = ImportPlan.of(OriginalSchema.CCFLARE, List.of(none), List.of(), false);
        assertThat(plan.skips()).singleElement().satisfies(s -> assertThat(s.reason()).contains("ccflarectl add"));
    }

    @Test
    void aNameOutsideTheRuleIsSkippedOrWithRenameTidied() {
        ImportPlan skip = ImportPlan.of(OriginalSchema.CCFLARE, List.of(oauth("a", "team/alice", 5000, 1)), List.of(), false);
        assertThat(skip.skips()).singleElement().satisfies(s -> assertThat(s.reason()).contains("does not fit the rule"));
        ImportPlan renamed = ImportPlan.of(OriginalSchema.CCFLARE, List.of(oauth("a", "team/alice", 5000, 1)), List.of(), true);
        assertThat(renamed.additions().getFirst().account().name()).isEqualTo("team-alice");
    }

    @Test
    void theSchemaIsRecognisedFromItsColumnsAndOurOwnDatabaseIsRefused() {
        Set<String> tables = Set.of("accounts", "requests");
        assertThat(OriginalSchema.recognise(tables, Set.of("id", "name", "created_at", "refresh_token"))).isEqualTo(OriginalSchema.CCFLARE_EARLY);
        assertThat(OriginalSchema.recognise(tables, Set.of("id", "name", "created_at", "paused", "account_tier"))).isEqualTo(OriginalSchema.CCFLARE);
        assertThat(OriginalSchema.recognise(tables, Set.of("id", "name", "created_at", "paused", "auth_method"))).isEqualTo(OriginalSchema.CCFLARE_V2);
        assertThat(OriginalSchema.recognise(tables, Set.of("id", "name", "created_at", "priority", "custom_endpoint"))).isEqualTo(OriginalSchema.BETTER_CCFLARE);
        assertThatThrownBy(() -> OriginalSchema.recognise(Set.of("accounts", "flyway_schema_history"), Set.of("id")))
                .hasMessageContaining("database of this ccflare");
        assertThatThrownBy(() -> OriginalSchema.recognise(Set.of("notes"), Set.of()))
                .hasMessageContaining("no accounts table (tables: notes)");
    }
}

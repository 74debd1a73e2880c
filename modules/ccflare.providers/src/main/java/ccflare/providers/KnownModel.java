package ccflare.providers;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;
import java.util.Optional;

/**
 * A model the pricing table knows, with its family: what the translating routes list as servable
 * when the family has an account.
 *
 * @param id          the provider's model id, e.g. {@code claude-sonnet-4-5-20250929}
 * @param displayName the provider's name for it, e.g. {@code Claude Sonnet 4.5}; the id when the table has none
 * @param family      the API family whose accounts serve it
 * @param released    the public release date ({@code release_date} in the table), null when unknown
 */
public record KnownModel(String id, String displayName, ApiFamily family, LocalDate released) {
    public KnownModel {
        requireNonNull(id, "id");
        requireNonNull(family, "family");
        if (id.isBlank()) throw new IllegalArgumentException("id: blank (expected: a model id)");
        displayName = displayName == null || displayName.isBlank() ? id : displayName;
    }

    /** The release date, when the table gives one. */
    public Optional<LocalDate> releaseDate() {
        return Optional.ofNullable(released);
    }
}

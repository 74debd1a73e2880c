package ccflare.providers.translate;

/** Thrown deep inside a request mapping, caught at its entry point and turned into {@link Translation.Refused}. */
final class Untranslatable extends RuntimeException {
    final String field;

    Untranslatable(String field, String reason) {
        super(reason, null, false, false);
        this.field = field;
    }
}

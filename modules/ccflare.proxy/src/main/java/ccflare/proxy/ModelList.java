package ccflare.proxy;

import ccflare.providers.ApiFamily;
import ccflare.providers.KnownModel;
import ccflare.providers.translate.Dialect;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;

/**
 * What {@code GET /v1/ccflare/{anthropic|openai}/models} answers: the models of every family that
 * has at least one account, their ids prefixed with the family ({@code anthropic/…},
 * {@code openai/…}) as the translating routes take them, in the client's own list format. A pure
 * function of the known models and the families with accounts.
 */
final class ModelList {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Anthropic's {@code created_at} of a model whose release date is unknown. */
    private static final LocalDate UNKNOWN = LocalDate.EPOCH;

    private ModelList() {}

    /**
     * @param client   {@link Dialect#MESSAGES} for Anthropic's list, any other for OpenAI's
     * @param families the families with at least one account
     * @param models   the known models, in the order to list them
     */
    static ObjectNode of(Dialect client, Set<ApiFamily> families, List<KnownModel> models) {
        ObjectNode root = NODES.objectNode();
        if (client != Dialect.MESSAGES) root.put("object", "list");
        ArrayNode data = root.putArray("data");
        String first = null;
        String last = null;
        for (KnownModel m : models) {
            if (!families.contains(m.family())) continue;
            String id = m.family().id() + "/" + m.id();
            LocalDate released = m.releaseDate().orElse(UNKNOWN);
            if (client == Dialect.MESSAGES) {
                data.addObject().put("type", "model").put("id", id).put("display_name", m.displayName())
                        .put("created_at", DateTimeFormatter.ISO_INSTANT.format(released.atStartOfDay(ZoneOffset.UTC)));
            } else {
                data.addObject().put("id", id).put("object", "model")
                        .put("created", released.atStartOfDay(ZoneOffset.UTC).toEpochSecond()).put("owned_by", m.family().id());
            }
            if (first == null) first = id;
            last = id;
        }
        if (client == Dialect.MESSAGES) {
            root.put("has_more", false);
            if (first == null) root.putNull("first_id").putNull("last_id");
            else root.put("first_id", first).put("last_id", last);
        }
        return root;
    }
}

package ccflare.providers;

import static java.util.Objects.requireNonNull;

import ccflare.core.Usage;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A {@link Pricing} over an immutable id → rates map. */
final class PriceTable implements Pricing {
    private static final Logger LOG = LoggerFactory.getLogger(PriceTable.class);

    static final String RESOURCE = "ccflare/providers/pricing.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** First-party entries win over resellers listing the same id (models.dev lists many). */
    private static final List<String> FIRST_PARTY = List.of("anthropic", "openai");
    private static final Pattern DATE_SUFFIX = Pattern.compile("-(\\d{8}|\\d{4}-\\d{2}-\\d{2})$");
    private static final long LONG_CONTEXT_PROMPT = 200_000;
    /** Unknown-model warnings are remembered up to this many models, so odd model names cannot grow memory. */
    private static final int MAX_WARNED = 1_000;
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    /** Rates in USD per million tokens; null where the source gave none. */
    record Rates(BigDecimal input, BigDecimal output, BigDecimal cacheRead, BigDecimal cacheWrite, Rates longContext) {
        /** These rates with the long-context ones laid over them. */
        Rates forLongContext() {
            if (longContext == null) return this;
            return new Rates(or(longContext.input, input), or(longContext.output, output),
                    or(longContext.cacheRead, cacheRead), or(longContext.cacheWrite, cacheWrite), null);
        }
        private static BigDecimal or(BigDecimal a, BigDecimal b) { return a != null ? a : b; }
    }

    private static final class Bundled {
        static final PriceTable TABLE = readBundled();
    }

    /** What a table file holds: rates by id, and the first-party models with their family. */
    record Parsed(Map<String, Rates> rates, List<KnownModel> models) {}

    private final Map<String, Rates> exact;
    private final Map<String, Rates> canonical;
    private final List<KnownModel> models;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    private PriceTable(Map<String, Rates> entries, List<KnownModel> models) {
        this.exact = Map.copyOf(entries);
        this.models = List.copyOf(models);
        Map<String, Rates> byCanonical = new LinkedHashMap<>();
        // Undated ids first: "gpt-4o" must stand for gpt-4o, not for whichever dated snapshot came first.
        entries.forEach((id, r) -> { if (canonical(id).equals(id)) byCanonical.putIfAbsent(id, r); });
        entries.forEach((id, r) -> byCanonical.putIfAbsent(canonical(id), r));
        this.canonical = Map.copyOf(byCanonical);
    }

    static PriceTable bundled() { return Bundled.TABLE; }

    static PriceTable withOverride(Path file) {
        requireNonNull(file, "modelsDevJsonOverride");
        Parsed override;
        try (InputStream in = Files.newInputStream(file)) {
            override = parse(in, "pricing file " + file);
        } catch (IOException e) {
            throw new ProviderException("pricing file " + file + ": cannot be read ("
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
        }
        Map<String, Rates> merged = new LinkedHashMap<>(Bundled.TABLE.exact);
        Set<String> overridden = new HashSet<>();
        override.rates().keySet().forEach(id -> overridden.add(canonical(id)));
        merged.keySet().removeIf(id -> overridden.contains(canonical(id)));
        merged.putAll(override.rates());
        List<KnownModel> models = new ArrayList<>();
        Set<String> listed = new HashSet<>();
        override.models().forEach(m -> { if (listed.add(m.id())) models.add(m); });
        Bundled.TABLE.models.forEach(m -> { if (!overridden.contains(canonical(m.id())) && listed.add(m.id())) models.add(m); });
        return new PriceTable(merged, models);
    }

    @Override
    public List<KnownModel> models() {
        return models;
    }

    @Override
    public double costUsd(String model, Usage usage) {
        requireNonNull(usage, "usage");
        if (model == null || model.isBlank()) return 0;
        Rates rates = rates(model);
        if (rates == null) {
            warnOnce(model, "Price for model {} not found - cost set to 0", model);
            return 0;
        }
        if (usage.promptTokens() > LONG_CONTEXT_PROMPT) rates = rates.forLongContext();
        BigDecimal micro = BigDecimal.ZERO;
        micro = micro.add(part(model, "input", usage.inputTokens(), rates.input()));
        micro = micro.add(part(model, "output", usage.outputTokens(), rates.output()));
        micro = micro.add(part(model, "cache_read", usage.cacheReadInputTokens(), rates.cacheRead()));
        micro = micro.add(part(model, "cache_write", usage.cacheCreationInputTokens(), rates.cacheWrite()));
        return micro.divide(MILLION).doubleValue();
    }

    /** The rates of a model id, or null. */
    Rates rates(String model) {
        Rates r = exact.get(model);
        if (r == null) r = exact.get(model.toLowerCase(Locale.ROOT));
        if (r == null) r = canonical.get(canonical(model));
        return r;
    }

    /** Lower case, without provider prefix, {@code @version}, {@code -latest} or a trailing date. */
    static String canonical(String id) {
        String s = id.strip().toLowerCase(Locale.ROOT);
        int slash = s.lastIndexOf('/');
        if (slash >= 0) s = s.substring(slash + 1);
        int at = s.indexOf('@');
        if (at > 0) s = s.substring(0, at);
        if (s.endsWith("-latest")) s = s.substring(0, s.length() - "-latest".length());
        return DATE_SUFFIX.matcher(s).replaceFirst("");
    }

    private BigDecimal part(String model, String kind, long count, BigDecimal rate) {
        if (count <= 0) return BigDecimal.ZERO;
        if (rate == null) {
            warnOnce(model + "\u0000" + kind, "Model {} has no {} price - those tokens cost 0", model, kind);
            return BigDecimal.ZERO;
        }
        return rate.multiply(BigDecimal.valueOf(count));
    }

    private void warnOnce(String key, String format, Object... args) {
        if (warned.size() < MAX_WARNED && warned.add(key)) LOG.warn(format, args);
    }

    private static PriceTable readBundled() {
        try (InputStream in = PriceTable.class.getModule().getResourceAsStream(RESOURCE)) {
            if (in == null) throw new ProviderException("bundled pricing " + RESOURCE + ": missing from the module");
            Parsed parsed = parse(in, "bundled pricing " + RESOURCE);
            return new PriceTable(parsed.rates(), parsed.models());
        } catch (IOException e) {
            throw new ProviderException("bundled pricing " + RESOURCE + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Entries of a models.dev-shaped document, first-party providers first; the models listed are
     * those of the first-party providers ({@code anthropic}, {@code openai}) that have a price.
     */
    static Parsed parse(InputStream in, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(in);
        } catch (JacksonException e) {
            throw new ProviderException(source + ": not valid JSON (" + e.getOriginalMessage()
                    + location(e) + ")", e);
        } catch (IOException e) {
            throw new ProviderException(source + ": cannot be read (" + e.getMessage() + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new ProviderException(source + ": " + describe(root) + " (expected: an object of providers)");
        }
        List<String> order = new ArrayList<>();
        FIRST_PARTY.forEach(p -> { if (root.has(p)) order.add(p); });
        root.fieldNames().forEachRemaining(p -> { if (!FIRST_PARTY.contains(p)) order.add(p); });

        Map<String, Rates> entries = new LinkedHashMap<>();
        List<KnownModel> known = new ArrayList<>();
        for (String provider : order) {
            JsonNode p = root.get(provider);
            if (!p.isObject()) continue; // "_source" and other notes
            JsonNode models = p.get("models");
            if (models == null) continue;
            if (!models.isObject()) {
                throw new ProviderException(source + ": \"" + provider + "\".models is " + describe(models)
                        + " (expected: an object of models by id)");
            }
            for (Map.Entry<String, JsonNode> e : models.properties()) {
                String where = "\"" + provider + "\".models.\"" + e.getKey() + "\"";
                if (!e.getValue().isObject()) {
                    throw new ProviderException(source + ": " + where + " is " + describe(e.getValue()) + " (expected: an object)");
                }
                JsonNode cost = e.getValue().get("cost");
                if (cost == null || cost.isNull()) continue; // models.dev lists models without prices
                Rates rates = rates(cost, source, where + ".cost");
                entries.putIfAbsent(e.getKey(), rates);
                var family = ApiFamily.byId(provider);
                if (family.isPresent()) {
                    known.add(new KnownModel(e.getKey(), e.getValue().path("name").asText(null), family.get(),
                            releaseDate(e.getValue().get("release_date"), source, where + ".release_date")));
                }
            }
        }
        return new Parsed(entries, known);
    }

    /** models.dev writes {@code 2025-09-29}, sometimes only {@code 2025-09}. */
    private static java.time.LocalDate releaseDate(JsonNode v, String source, String where) {
        if (v == null || v.isNull()) return null;
        String text = v.asText();
        try {
            return text.length() == 7 ? java.time.YearMonth.parse(text).atDay(1) : java.time.LocalDate.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            throw new ProviderException(source + ": " + where + " is " + describe(v) + " (expected: a date like 2025-09-29)", e);
        }
    }

    private static Rates rates(JsonNode cost, String source, String where) {
        if (!cost.isObject()) {
            throw new ProviderException(source + ": " + where + " is " + describe(cost) + " (expected: an object of rates)");
        }
        JsonNode over = cost.get("context_over_200k");
        Rates longContext = over == null || over.isNull() ? null : rates(over, source, where + ".context_over_200k");
        return new Rates(rate(cost, "input", source, where), rate(cost, "output", source, where),
                rate(cost, "cache_read", source, where), rate(cost, "cache_write", source, where), longContext);
    }

    private static BigDecimal rate(JsonNode cost, String name, String source, String where) {
        JsonNode v = cost.get(name);
        if (v == null || v.isNull()) return null;
        if (!v.isNumber() || v.decimalValue().signum() < 0) {
            throw new ProviderException(source + ": " + where + "." + name + " is " + describe(v)
                    + " (expected: a number ≥ 0, USD per million tokens)");
        }
        return v.decimalValue();
    }

    private static String describe(JsonNode n) {
        if (n == null || n.isMissingNode()) return "empty";
        String text = n.toString();
        return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }

    private static String location(JacksonException e) {
        var loc = e.getLocation();
        return loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
    }
}

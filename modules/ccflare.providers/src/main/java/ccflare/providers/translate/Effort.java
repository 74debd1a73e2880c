package ccflare.providers.translate;

import java.util.Locale;

/**
 * OpenAI's reasoning effort and Anthropic's thinking budget, one table (the original's): none 0,
 * minimal 512, low 1024, medium 8192, high 24576, xhigh 32768, max 128000 tokens.
 */
enum Effort {
    NONE(0), MINIMAL(512), LOW(1024), MEDIUM(8192), HIGH(24576), XHIGH(32768), MAX(128000);

    /** Anthropic refuses a thinking budget below this. */
    static final int ANTHROPIC_MIN_BUDGET = 1024;

    final int budget;

    Effort(int budget) {
        this.budget = budget;
    }

    String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The budget Anthropic accepts for this effort (its minimum is 1024). */
    int anthropicBudget() {
        return this == NONE ? 0 : Math.max(ANTHROPIC_MIN_BUDGET, budget);
    }

    /** The effort OpenAI accepts: {@code max} is Anthropic's, OpenAI's top is {@code xhigh}. */
    String openAiWire() {
        return this == MAX ? XHIGH.wire() : wire();
    }

    /** {@code output_config.effort} of adaptive-thinking models: low, medium, high or max. */
    String adaptiveWire() {
        return switch (this) {
            case NONE, MINIMAL, LOW -> "low";
            case MEDIUM -> "medium";
            case HIGH -> "high";
            case XHIGH, MAX -> "max";
        };
    }

    /** Parses an OpenAI {@code reasoning_effort}; {@code field} names it in the refusal. */
    static Effort parse(String value, String field) {
        for (Effort effort : values()) {
            if (effort.wire().equals(value)) return effort;
        }
        throw new Untranslatable(field, "unknown reasoning effort '" + value + "' (expected: none, minimal, low, medium, high, xhigh)");
    }

    /** The smallest effort whose budget covers {@code budgetTokens}. */
    static Effort ofBudget(long budgetTokens) {
        for (Effort effort : values()) {
            if (effort.budget >= budgetTokens) return effort;
        }
        return MAX;
    }
}

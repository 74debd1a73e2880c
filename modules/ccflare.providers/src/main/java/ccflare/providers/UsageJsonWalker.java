package ccflare.providers;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import java.io.IOException;

/**
 * Walks one JSON value fed in slices through Jackson's non-blocking parser and keeps only the
 * {@code model} string and the counters of the {@code usage} object, either at the root or under
 * one wrapper object ({@code message} in Anthropic's {@code message_start}, {@code response} in
 * OpenAI's {@code response.completed}). Nothing else is kept: the memory held is the parser's own
 * (its largest single token), not the document. Malformed input stops the walk; what was seen stays.
 */
final class UsageJsonWalker {
    private static final JsonFactory JSON = JsonFactory.builder().build();

    /** Names are only needed down to root › wrapper › usage › *_details › field. */
    private static final int NAMED_DEPTH = 4;
    /** A model id longer than this is not one. */
    private static final int MAX_MODEL_LENGTH = 256;
    /** Marks an array on the container stack; no field name equals it. */
    private static final String ARRAY = "[";

    private final JsonParser parser;
    private final ByteArrayFeeder feeder;
    private final String wrapper;
    private final boolean acceptRoot;
    private final UsageCounters into;
    private final String[] containers = new String[NAMED_DEPTH + 1];
    private int depth;
    private String field;
    private boolean stopped;

    /**
     * @param wrapper    the object under the root that holds {@code model}/{@code usage}, or null
     * @param acceptRoot whether {@code model}/{@code usage} directly at the root count too
     * @param into       where the values found go, as soon as they are read
     */
    UsageJsonWalker(String wrapper, boolean acceptRoot, UsageCounters into) {
        this.wrapper = wrapper;
        this.acceptRoot = acceptRoot;
        this.into = into;
        JsonParser p;
        try {
            p = JSON.createNonBlockingByteArrayParser();
        } catch (IOException e) {
            throw new IllegalStateException("Jackson cannot create a non-blocking parser", e);
        }
        this.parser = p;
        this.feeder = (ByteArrayFeeder) p.getNonBlockingInputFeeder();
    }

    /** Feeds the next slice; ignored once the value is complete or malformed. */
    void feed(byte[] bytes, int offset, int length) {
        if (stopped || length <= 0) return;
        try {
            feeder.feedInput(bytes, offset, offset + length);
            drain();
        } catch (IOException | RuntimeException e) {
            stop();
        }
    }

    /** No more input: completes a trailing number token and releases the parser. */
    void end() {
        if (stopped) return;
        try {
            feeder.endOfInput();
            drain();
        } catch (IOException | RuntimeException e) {
            // truncated or malformed: keep what was seen
        }
        stop();
    }

    private void drain() throws IOException {
        JsonToken t;
        while (!stopped && (t = parser.nextToken()) != null && t != JsonToken.NOT_AVAILABLE) {
            onToken(t);
        }
    }

    private void onToken(JsonToken t) throws IOException {
        switch (t) {
            case FIELD_NAME -> field = depth <= NAMED_DEPTH ? parser.currentName() : null;
            case START_OBJECT, START_ARRAY -> {
                if (depth < containers.length) containers[depth] = t == JsonToken.START_ARRAY ? ARRAY : field;
                depth++;
                field = null;
            }
            case END_OBJECT, END_ARRAY -> {
                depth--;
                field = null;
                if (depth <= 0) stop(); // the one value we walk is complete
            }
            case VALUE_STRING -> {
                if (isModel()) {
                    String model = parser.getText();
                    if (model != null && !model.isBlank() && model.length() <= MAX_MODEL_LENGTH) into.model(model);
                }
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> number(t);
            default -> { /* booleans, nulls: nothing we track */ }
        }
    }

    /** How many wrapper levels the current position sits under, or -1 when it is outside the tracked objects. */
    private int base() {
        if (depth < 1 || containers[0] != null || field == null) return -1;
        if (wrapper != null && depth >= 2 && wrapper.equals(containers[1])) return 1;
        return acceptRoot ? 0 : -1;
    }

    private boolean isModel() {
        int k = base();
        return k >= 0 && depth == k + 1 && field.equals("model");
    }

    private void number(JsonToken t) {
        int k = base();
        if (k < 0 || depth < k + 2 || depth > k + 3 || !"usage".equals(containers[k + 1])) return;
        String details = depth == k + 3 ? containers[k + 2] : null;
        long value;
        try {
            value = t == JsonToken.VALUE_NUMBER_INT ? parser.getLongValue() : (long) parser.getDoubleValue();
        } catch (IOException | RuntimeException e) {
            return; // out of range: not a token count
        }
        if (value < 0) return;
        into.put(details, field, value);
    }

    private void stop() {
        stopped = true;
        try {
            parser.close();
        } catch (IOException e) {
            // nothing held outside memory
        }
    }
}

package ccflare.api;

import ccflare.core.RequestRecord;

/** What the live feed carries to its subscribers; formatted to JSON on each subscriber's own thread. */
sealed interface LiveEvent {

    /** The wire name: the JSON {@code type} and the SSE {@code event:} name. */
    String type();

    /** One log line. {@code seq} orders log events and lets a new subscriber drop a line it got twice. */
    record Log(long seq, long ts, String level, String logger, String msg) implements LiveEvent {
        @Override public String type() { return "log"; }
    }

    /** A request the proxy has just accepted. */
    record Start(String id, long ts, String method, String path) implements LiveEvent {
        @Override public String type() { return "start"; }
    }

    /** A finished request, without its payload (payloads are large and the summary does not show them). */
    record Recorded(RequestRecord record) implements LiveEvent {
        @Override public String type() { return "summary"; }
    }
}

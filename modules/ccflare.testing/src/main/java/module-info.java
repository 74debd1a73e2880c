/**
 * Test fixtures, never on the runtime path: a fake upstream that behaves like the Anthropic, OpenAI,
 * Codex and OAuth servers, an SSE parser, small HTTP client helpers and a manual clock.
 */
module ccflare.testing {
    requires org.eclipse.jetty.server;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;
    requires java.net.http;
    exports ccflare.testing;
}

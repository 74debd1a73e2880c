/**
 * Test fixtures, never on the runtime path: a fake upstream that behaves like the Anthropic,
 * OpenAI and OAuth servers, a manual clock, and helpers to start the daemon in a temp dir.
 */
module ccflare.testing {
    requires org.eclipse.jetty.server;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;
    exports ccflare.testing;
}
